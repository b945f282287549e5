// The last exact picture of one heatmap and its picture of the whole run, kept as canvases so that a
// zoom or pan can be answered inside its frame by rescaling them (core/view/rescale.ts) while the
// exact redraw follows gate by gate (heatmaps.ts). Made only for views whose exact draws take longer
// than a frame: two canvas-sized bitmaps per panel (970 x 180 device pixels: 0.7 MB each).
import { covers, rescaleBlit, type Shown } from '../core/view/rescale';

interface Picture {
  canvas: HTMLCanvasElement;
  shown: Shown;
  /** What the colours mean (layer, batch, unit order, z view, colour scale, canvas size): a picture stands in only under the same key. */
  key: string;
}

export class PanelSnapshots {
  private last: Picture | undefined;
  private whole: Picture | undefined;

  /** Copies what `from` shows now: an exact draw of `shown`; `whole` when that is every step and unit. */
  capture(from: HTMLCanvasElement, shown: Shown, key: string, whole: boolean): void {
    const slot = whole ? 'whole' : 'last';
    const p = (this[slot] = reuse(this[slot], from, shown, key));
    const ctx = p.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, p.canvas.width, p.canvas.height);
    ctx.drawImage(from, 0, 0);
    // The whole-run picture also serves as the last one until a zoomed draw replaces it.
    if (whole) this.last = undefined;
  }

  /**
   * Draws onto `ctx` (a w x h canvas) the best stand-in for a picture of `to`: the whole run's picture
   * rescaled underneath, the last exact one rescaled on top. False when no picture has this key.
   */
  paint(ctx: CanvasRenderingContext2D, to: Shown, key: string, w: number, h: number): boolean {
    const last = usable(this.last, key, w, h);
    const whole = usable(this.whole, key, w, h);
    if (!last && !whole) return false;
    ctx.imageSmoothingEnabled = false;
    if (!last || !covers(last.shown, to)) {
      ctx.clearRect(0, 0, w, h);
      if (whole) blit(ctx, whole, to, w, h);
    }
    if (last) blit(ctx, last, to, w, h);
    return true;
  }

  /** True when a picture was drawn under `key` on a w x h canvas. */
  has(key: string, w: number, h: number): boolean {
    return !!(usable(this.last, key, w, h) ?? usable(this.whole, key, w, h));
  }

  /** Drops both pictures (their memory with them). */
  clear(): void {
    this.last = undefined;
    this.whole = undefined;
  }
}

function usable(p: Picture | undefined, key: string, w: number, h: number): Picture | undefined {
  return p && p.key === key && p.canvas.width === w && p.canvas.height === h ? p : undefined;
}

/** The slot's picture with a canvas of `from`'s size (kept when the size is the same: resizing clears and reallocates). */
function reuse(p: Picture | undefined, from: HTMLCanvasElement, shown: Shown, key: string): Picture {
  const canvas = p?.canvas ?? document.createElement('canvas');
  if (canvas.width !== from.width) canvas.width = from.width;
  if (canvas.height !== from.height) canvas.height = from.height;
  return { canvas, shown: { steps: { ...shown.steps }, units: { ...shown.units } }, key };
}

function blit(ctx: CanvasRenderingContext2D, p: Picture, to: Shown, w: number, h: number): void {
  const b = rescaleBlit(p.shown, to, w, h);
  if (b) ctx.drawImage(p.canvas, b.sx, b.sy, b.sw, b.sh, b.dx, b.dy, b.dw, b.dh);
}
