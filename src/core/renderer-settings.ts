// The renderer's settings (protocol.ts RendererSettings): defaults, and the one reader both sides use
// for values coming from settings.json (host) or a message (renderer), so that a stray value never
// reaches the drawing code: anything unknown falls back to the default.
import { SEQUENTIAL_MAPS, type SequentialMap } from './color/maps';
import type { HeatmapDrawing, RendererSettings } from './protocol';

export const DEFAULT_RENDERER_SETTINGS: RendererSettings = { colorMap: 'viridis', drawing: 'auto' };

const DRAWINGS: readonly HeatmapDrawing[] = ['auto', 'webgl2', 'canvas2d'];

/** Settings from loosely typed values (each field checked on its own; unknown values give the default). */
export function readRendererSettings(raw: { colorMap?: unknown; drawing?: unknown } | undefined): RendererSettings {
  const colorMap = (SEQUENTIAL_MAPS as readonly unknown[]).includes(raw?.colorMap) ? (raw!.colorMap as SequentialMap) : DEFAULT_RENDERER_SETTINGS.colorMap;
  const drawing = (DRAWINGS as readonly unknown[]).includes(raw?.drawing) ? (raw!.drawing as HeatmapDrawing) : DEFAULT_RENDERER_SETTINGS.drawing;
  return { colorMap, drawing };
}

/** The settings a host → renderer message carries, or undefined when it is not a settings message. */
export function settingsFromMessage(m: unknown): RendererSettings | undefined {
  if (typeof m !== 'object' || m === null || (m as { type?: unknown }).type !== 'settings') return undefined;
  const s = (m as { settings?: unknown }).settings;
  return readRendererSettings(typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : undefined);
}
