// The WebGL2 drawer of one panel: the webview's shared GL context (heatmap-gl-context.ts) draws the
// job, and the result is copied onto the panel's own 2D canvas (a GPU-side copy where the 2D canvas is
// accelerated). The panel canvas is a 2D canvas on both paths, so a lost GL context only means
// drawing the same canvas with Canvas 2D from then on (`onLost`).
import type { RasterColours, RasterInfo, RasterJob } from '../core/view/raster';
import type { HeatmapDrawer } from './heatmap-drawer';
import { GlHeatmapContext, type LevelSource } from './heatmap-gl-context';
import { mark } from './timing';

export type { LevelSource } from './heatmap-gl-context';

export class WebGlHeatmapDrawer implements HeatmapDrawer {
  readonly kind = 'webgl2' as const;
  private readonly stopListening: () => void;

  /** True when this page's WebGL2 is missing or runs on a software rasterizer (SwiftShader, llvmpipe). */
  static softwareOnly(): boolean {
    return GlHeatmapContext.shared()?.software ?? true;
  }

  /** A drawer onto `canvas` (a fresh canvas: its 2D context is taken), or undefined without WebGL2. */
  static create(canvas: HTMLCanvasElement, onLost: () => void): WebGlHeatmapDrawer | undefined {
    const gl = GlHeatmapContext.shared();
    const ctx = canvas.getContext('2d');
    return gl && ctx ? new WebGlHeatmapDrawer(canvas, ctx, gl, onLost) : undefined;
  }

  private constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly ctx: CanvasRenderingContext2D,
    private readonly gl: GlHeatmapContext,
    onLost: () => void,
  ) {
    this.stopListening = gl.onLost(onLost);
  }

  /** Where the last draw's pixels were computed: the GPU program, or rasterizeGate copied in. */
  get lastDraw(): 'gpu' | 'cpu' | undefined {
    return this.gl.lastDraw;
  }

  resize(w: number, h: number): void {
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
  }

  draw(job: RasterJob, colours: RasterColours): RasterInfo | undefined {
    return this.copied(this.gl.draw(job, colours, this));
  }

  /** Draws from level k given as `source` (the level as the pyramid holds it, or its stored codes or half floats). */
  drawLevel(job: RasterJob, colours: RasterColours, k: number, source: LevelSource): RasterInfo | undefined {
    return this.copied(this.gl.drawLevel(job, colours, k, source, this));
  }

  dispose(): void {
    this.stopListening();
    if (!this.gl.lost) this.gl.release(this);
  }

  private copied(info: RasterInfo | undefined): RasterInfo | undefined {
    if (!info) return undefined;
    const t0 = performance.now();
    this.ctx.drawImage(this.gl.canvas, 0, 0);
    mark('gatescope:put', t0, performance.now());
    // What the pixels were computed from, for tests and devtools: "gpu:uint8" (stored codes), "gpu:float32", "cpu".
    const from = this.gl.lastDraw === 'gpu' ? `gpu:${this.gl.lastSource}` : 'cpu';
    if (this.canvas.dataset['source'] !== from) this.canvas.dataset['source'] = from;
    return info;
  }
}
