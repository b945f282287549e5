// Messages between the notebook renderer (webview) and the extension host, through the renderer
// messaging API (contributes.notebookRenderer.requiresMessaging = "optional"). One definition,
// imported by both sides. Browser downloads do not work inside VS Code webviews, so exports go
// through the host's save dialog.

import type { SequentialMap } from './color/maps';
import type { SidecarRef } from './trace/document';

export type ExportFormat = 'png' | 'svg' | 'csv';

/** One tile of a sidecar tensor: batch item b, tile i (docs/trace-format.md, "Tiles"). */
export interface TileKey {
  tensor: string;
  b: number;
  i: number;
}

/** Most tiles one request may ask for (a view needs a few per gate). */
export const MAX_TILES_PER_REQUEST = 64;

/** Renderer → host. */
export type RendererToHost =
  | {
      type: 'export';
      /** Correlates the reply. */
      requestId: number;
      format: ExportFormat;
      /** File name offered in the save dialog, e.g. "gru-layer0-forward.png". */
      suggestedName: string;
      /** png: base64 of the PNG bytes; svg and csv: the text itself. */
      data: string;
      encoding: 'base64' | 'utf8';
    }
  | { type: 'ready' }
  /** Tiles of the sidecar `sidecar` names, which must be referenced by an output of the renderer's notebook. */
  | { type: 'tiles'; requestId: number; sidecar: SidecarRef; tiles: TileKey[] }
  /** "Compare With…" on the trace output `outputId` (the renderer's output item id) of the editor's notebook. No reply. */
  | { type: 'compareWith'; outputId: string };

/**
 * How heatmaps are drawn (setting gatescope.heatmapDrawing): 'auto' draws with WebGL2 on a hardware
 * GPU and with Canvas 2D otherwise (a software GPU such as SwiftShader is slower than the CPU
 * rasterizer); 'webgl2' draws with WebGL2 wherever the webview has it; 'canvas2d' always with Canvas 2D.
 */
export type HeatmapDrawing = 'auto' | 'webgl2' | 'canvas2d';

/** The settings the renderer follows, sent by the host in answer to 'ready' and whenever they change. */
export interface RendererSettings {
  /** Sequential colour map (setting gatescope.colorMap). */
  colorMap: SequentialMap;
  drawing: HeatmapDrawing;
}

/** Host → renderer. */
export type HostToRenderer =
  | { type: 'settings'; settings: RendererSettings }
  | { type: 'exportResult'; requestId: number; ok: true; path: string }
  | { type: 'exportResult'; requestId: number; ok: false; cancelled: boolean; error?: string }
  /** data: base64 of the tile's raw little-endian bytes, checked against the sidecar's hashes. */
  /** hostMs: the host's own time on the request (checks, reads, hashes, base64), for diagnosis. */
  | { type: 'tilesResult'; requestId: number; ok: true; tiles: (TileKey & { data: string })[]; hostMs?: number }
  | { type: 'tilesResult'; requestId: number; ok: false; error: string };
