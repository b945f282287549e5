// The Canvas 2D drawer: rasterizeGate (core/view/raster.ts) into an ImageData, then putImageData.
// The fallback where WebGL2 is missing or its context was lost, and the path `gatescope render` uses.
import { makeScratch, rasterizeGate, type RasterColours, type RasterInfo, type RasterJob, type RasterScratch } from '../core/view/raster';
import type { HeatmapDrawer } from './heatmap-drawer';
import { mark } from './timing';

export class CanvasHeatmapDrawer implements HeatmapDrawer {
  readonly kind = 'canvas2d' as const;
  private ctx: CanvasRenderingContext2D | null;
  private image: ImageData | undefined;
  private pixels: Uint32Array | undefined;
  private scratch: RasterScratch | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: false });
  }

  resize(w: number, h: number): void {
    if (this.image && this.image.width === w && this.image.height === h && this.canvas.width === w && this.canvas.height === h) return;
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    this.ctx = this.canvas.getContext('2d');
    this.image = this.ctx?.createImageData(w, h);
    this.pixels = this.image ? new Uint32Array(this.image.data.buffer) : undefined;
    this.scratch = makeScratch(h);
  }

  draw(job: RasterJob, colours: RasterColours): RasterInfo | undefined {
    if (!this.ctx || !this.image || !this.pixels || !this.scratch) return undefined;
    const t0 = performance.now();
    const info = rasterizeGate(job, colours, this.scratch, this.pixels);
    const t1 = performance.now();
    this.ctx.putImageData(this.image, 0, 0);
    mark('gatescope:raster', t0, t1);
    mark('gatescope:put', t1, performance.now());
    return info;
  }

  dispose(): void {
    this.image = undefined;
    this.pixels = undefined;
    this.scratch = undefined;
  }
}
