// Step axis (numbers and tokens) and unit axis labels, as positioned text nodes. Only labels that
// fit are placed, so a 10,000-step axis costs a few dozen nodes.
import type { Range } from '../core/view/range';
import { el } from './dom';

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
