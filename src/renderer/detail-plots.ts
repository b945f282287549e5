// The plots of a selected cell, under the heatmaps: its unit over all steps and its step across all
// units (in row order), with captions, and a line of the unit's statistics per gate.
import { flips, shownShares, shownValue } from '../core/view/z-flip';
import { el } from './dom';
import { drawLinePlot } from './plots';
import { forgetGate, timescales } from './unit-order';
import type { ViewContext } from './view-context';

type GateName = string;

export class DetailPlots {
  readonly element: HTMLElement;
  private readonly unitPlot: HTMLCanvasElement;
  private readonly stepPlot: HTMLCanvasElement;
  private readonly unitCaption: HTMLElement;
  private readonly stepCaption: HTMLElement;
  private readonly unitStatsText: HTMLElement;

  constructor(private readonly v: ViewContext) {
    this.element = el('div', 'gs-detail');
    const fig = (caption: HTMLElement, canvas: HTMLCanvasElement, extra?: HTMLElement) => {
      const f = el('figure');
      f.append(caption, canvas);
      if (extra) f.append(extra);
      return f;
    };
    this.unitCaption = el('figcaption');
    this.stepCaption = el('figcaption');
    this.unitStatsText = el('div', 'gs-stats gs-muted');
    this.unitPlot = el('canvas', undefined, undefined, { role: 'img' });
    this.stepPlot = el('canvas', undefined, undefined, { role: 'img' });
    this.element.append(fig(this.unitCaption, this.unitPlot, this.unitStatsText), fig(this.stepCaption, this.stepPlot));
  }

  /** Sizes both plots for heatmaps `width` CSS pixels wide. */
  resize(width: number): void {
    this.unitPlot.style.width = `${Math.min(520, Math.max(240, width / 2 - 8))}px`;
    this.unitPlot.style.height = '120px';
    this.stepPlot.style.width = this.unitPlot.style.width;
    this.stepPlot.style.height = '120px';
  }

  draw(): void {
    const v = this.v;
    const sel = v.state.selected;
    this.element.style.display = sel ? 'flex' : 'none';
    if (!sel) return;
    const { step, unit } = sel;
    const f = v.zFlip;
    const d = v.data;
    const H = d.units;
    const series = (fn: (g: GateName, i: number) => number) => d.unitNames.map((g, index) => ({ gate: g, index, at: (i: number) => shownValue(f, g, fn(g, i)) }));
    const legend = `r blue solid · z orange dashed${flips(f, 'z') ? ' (1 − z)' : ''} · n green dotted · h purple thick`;
    this.unitCaption.textContent = `Unit ${unit} over all ${d.steps} steps (${legend})`;
    this.unitPlot.setAttribute('aria-label', `Line plot of unit ${unit}: r, z, n, h over time`);
    drawLinePlot(this.unitPlot, v.chrome, series((g, i) => d.value(g, i, unit)), d.steps, d.valid, step);
    const tok = v.trace.tokens?.[step];
    this.stepCaption.textContent = `Step ${v.originalStep(step)}${tok !== undefined ? ` ${JSON.stringify(tok)}` : ''} across all ${H} units, in row order`;
    this.stepPlot.setAttribute('aria-label', `Line plot of step ${v.originalStep(step)} across units`);
    if (d.isMasked(step)) {
      drawLinePlot(this.stepPlot, v.chrome, [], H, 0, -1);
    } else {
      const o = v.order;
      drawLinePlot(this.stepPlot, v.chrome, series((g, i) => d.value(g, step, o[i]!)), H, H, o.indexOf(unit));
    }
    this.unitStatsText.textContent = this.unitStatsLine(unit);
  }

  private unitStatsLine(unit: number): string {
    const v = this.v;
    const parts: string[] = [];
    for (const g of v.data.unitNames) {
      const s = v.data.gates[g]!.stats;
      if (!s) return 'Statistics: computing…';
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      const [low, high] = shownShares(v.zFlip, g, s.low[unit]!, s.high[unit]!);
      const sat = v.data.gates[g]!.spec.scale === 'sequential' ? `, ${pct(low)} of steps < 0.1, ${pct(high)} > 0.9` : '';
      const mean = shownValue(v.zFlip, g, s.mean[unit]!);
      parts.push(`${g}: mean ${mean.toFixed(3)}, var ${s.variance[unit]!.toFixed(3)}${sat}${s.nonFinite[unit] ? `, ${s.nonFinite[unit]} non-finite` : ''}`);
    }
    const fg = forgetGate(v.trace.layers[v.state.layer]!.cell, v.zFlip);
    const tau = fg ? timescales(v.data, fg)?.[unit] : undefined;
    if (tau !== undefined && fg) parts.push(`memory timescale τ = ${Number.isFinite(tau) ? tau.toPrecision(3) : tau > 0 ? '∞' : 'NaN'} steps (−1 / ln mean ${fg.label})`);
    return `Unit ${unit} over ${v.data.valid} valid steps — ${parts.join(' · ')}`;
  }
}
