// One heatmap's drawing path behind one interface: Canvas 2D (heatmap-canvas.ts, the CPU rasterizer
// of core/view/raster.ts) or WebGL2 (heatmap-gl.ts, the same means and colours computed per pixel on
// the GPU). Both take the job rasterizeGate takes and give the same colours (within one colour-table
// entry: the GPU sums in float32, the CPU in float64) and the same RasterInfo.
import type { RasterColours, RasterInfo, RasterJob } from '../core/view/raster';

export type DrawerKind = 'webgl2' | 'canvas2d';

export interface HeatmapDrawer {
  readonly kind: DrawerKind;
  /** Sets the backing store to w x h device pixels (the job's cols x rows). */
  resize(w: number, h: number): void;
  /** Draws the job; undefined when the drawer cannot draw now (no context). */
  draw(job: RasterJob, colours: RasterColours): RasterInfo | undefined;
  /** Releases GPU and CPU buffers (the canvas stays). */
  dispose(): void;
}
