// Step axis (numbers and tokens) and unit axis labels, as positioned text nodes. Only labels that
// fit are placed, so a 10,000-step axis costs a few dozen nodes.
import { identityOrder } from '../core/view/order';
import type { Range } from '../core/view/range';
import { el } from './dom';
import type { ViewContext } from './view-context';

/** A "nice" tick step (1, 2, 5 x 10^k) giving at most `maxTicks` ticks over `span`. */
export function tickStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}

/**
 * Fills `axis` with step numbers, and with tokens when each token gets at least `minTokenPx`.
 * `stepLabel` maps a shown step index to the number printed (original steps when downsampled).
 */
export function drawStepAxis(axis: HTMLElement, r: Range, width: number, tokens: readonly string[] | undefined, stepLabel: (s: number) => number): void {
  axis.replaceChildren();
  const span = r.end - r.start;
  const pxPerStep = width / span;
  if (tokens && pxPerStep >= 28) {
    for (let s = Math.max(0, Math.floor(r.start)); s < Math.ceil(r.end); s++) {
      const x = (s + 0.5 - r.start) * pxPerStep;
      if (x < 0 || x > width) continue;
      const n = el('span', undefined, String(stepLabel(s)));
      n.style.left = `${x}px`;
      const t = el('span', 'gs-token', tokens[s] ?? '', { title: tokens[s] ?? '' });
      t.style.left = `${x}px`;
      t.style.maxWidth = `${Math.max(24, pxPerStep - 2)}px`;
      axis.append(n, t);
    }
    return;
  }
  const step = tickStep(span, Math.max(2, Math.floor(width / 70)));
  for (let s = Math.ceil(r.start / step) * step; s < r.end; s += step) {
    const x = (s + 0.5 - r.start) * pxPerStep;
    const n = el('span', undefined, String(stepLabel(s)));
    n.style.left = `${x}px`;
    axis.append(n);
    if (tokens && tokens[s] !== undefined) {
      const t = el('span', 'gs-token', tokens[s]);
      t.style.left = `${x}px`;
      axis.append(t);
    }
  }
}

/** Fills `axis` with unit indices of display rows, as many as fit in `height` pixels. */
export function drawUnitAxis(axis: HTMLElement, r: Range, height: number, order: Int32Array): void {
  axis.replaceChildren();
  const span = r.end - r.start;
  const pxPerRow = height / span;
  const step = pxPerRow >= 12 ? 1 : tickStep(span, Math.max(2, Math.floor(height / 14)));
  for (let d = Math.ceil(r.start / step) * step; d < r.end; d += step) {
    const y = (d + 0.5 - r.start) * pxPerRow;
    const s = el('span', undefined, String(order[d]));
    s.style.top = `${y}px`;
    axis.append(s);
  }
}

/**
 * Remembers what each axis was last drawn for, so that a frame redraws an axis only when its range,
 * size or order changed (inputs compared with ===: pass the same order array while it holds).
 */
export class AxisCache {
  private readonly last = new WeakMap<object, readonly unknown[]>();

  /** Calls `draw` unless `inputs` equal those of the last call for `axis`; true when it drew. */
  update(axis: object, inputs: readonly unknown[], draw: () => void): boolean {
    const was = this.last.get(axis);
    if (was && was.length === inputs.length && was.every((x, i) => x === inputs[i])) return false;
    draw();
    this.last.set(axis, inputs);
    return true;
  }
}

/** The step axis under the heatmaps and each shown gate's unit axis, each rebuilt only when its range, size or order changed. */
export class ViewAxes {
  readonly stepAxis: HTMLElement;
  private readonly cache = new AxisCache();

  constructor(private readonly v: ViewContext) {
    this.stepAxis = el('div', 'gs-steps', undefined, { 'aria-hidden': 'true' });
  }

  resize(width: number): void {
    this.stepAxis.style.width = `${width}px`;
  }

  draw(): void {
    const v = this.v;
    const s = v.steps;
    const u = v.units;
    this.cache.update(this.stepAxis, [s.start, s.end, v.plotWidth], () => drawStepAxis(this.stepAxis, s, v.plotWidth, v.trace.tokens, (x) => v.originalStep(x)));
    for (const g of v.data.names) {
      const axis = v.panels[g]!.unitAxis;
      const own = v.data.ownUnits(g) ? v.data.gates[g]!.units : 0;
      if (own) this.cache.update(axis, [0, own, v.gateHeight], () => drawUnitAxis(axis, { start: 0, end: own }, v.gateHeight, identityOrder(own)));
      else this.cache.update(axis, [u.start, u.end, v.gateHeight, v.order], () => drawUnitAxis(axis, u, v.gateHeight, v.order));
    }
  }
}
