// The settings this renderer follows (protocol.ts RendererSettings), as the host last sent them.
// One per webview (the renderer module lives as long as it): colours.ts reads the colour map, the
// gate panels the drawing path. Until the host answers (or where no host answers: GitHub, the CLI
// without a reply), the defaults hold.
import type { RendererSettings } from '../core/protocol';
import { DEFAULT_RENDERER_SETTINGS } from '../core/renderer-settings';

let current: RendererSettings = DEFAULT_RENDERER_SETTINGS;

export function rendererSettings(): RendererSettings {
  return current;
}

/** Replaces the settings; true when anything changed (outputs then render again). */
export function setRendererSettings(next: RendererSettings): boolean {
  if (next.colorMap === current.colorMap && next.drawing === current.drawing) return false;
  current = next;
  return true;
}
