// What a screen reader hears: a summary of the view (what model and layer, the shape, the scales, the
// visible range, how to use the keys) that describes the heatmaps, and a polite live region that reads
// the cursor cell's values as it moves and the cell selected with Enter.
import { UNIT_ORDER_LABELS } from '../core/view/order';
import { Z_MEANING_TEXT } from '../core/view/z-flip';
import { cellReport } from './cell-report';
import { scaleOf } from './colours';
import { el } from './dom';
import { cellSentence } from './tooltip';
import type { ViewContext } from './view-context';

export class AccessibleText {
  private readonly live: HTMLElement;
  private readonly summary: HTMLElement;

  constructor(
    private readonly v: ViewContext,
    outputId: string,
  ) {
    this.live = el('div', 'gs-sr', '', { 'aria-live': 'polite', role: 'status' });
    this.summary = el('p', 'gs-sr', '', { id: `gs-summary-${cssId(outputId)}` });
    v.stack.setAttribute('aria-describedby', this.summary.id);
  }

  /** The live region and the summary (visually hidden), for the root. */
  get elements(): HTMLElement[] {
    return [this.live, this.summary];
  }

  /** Reads the cursor cell's values, if there is a cursor. */
  announceCursor(): void {
    const c = this.v.state.cursor;
    if (c) this.live.textContent = cellSentence(cellReport(this.v, c.step, c.row));
  }

  /** Reads the cell just selected for the detail plots. */
  announceSelected(step: number, row: number): void {
    this.live.textContent = `Selected ${cellSentence(cellReport(this.v, step, row))}`;
  }

  updateSummary(): void {
    const v = this.v;
    const d = v.data;
    const l = v.trace.layers[v.state.layer]!;
    const s = v.steps;
    const u = v.units;
    const parts = [
      `Gate heatmaps of ${v.trace.model.name}, layer ${l.layer} ${l.direction}${v.trace.batch > 1 ? `, batch item ${v.state.batch}` : ''}: ${d.units} units by ${d.steps} steps${d.valid < d.steps ? ` (${d.valid} valid, the rest masked)` : ''}.`,
      `${l.cell.toUpperCase()} gates ${d.names.join(', ')}: ${d.names
        .map((g) => {
          const sc = scaleOf(d.gates[g]!.spec, d.gates[g]!.extremes);
          return `${g} on ${sc.min.toPrecision(2)} to ${sc.max.toPrecision(2)}`;
        })
        .join(', ')}.${l.cell === 'gru' ? ` z ${Z_MEANING_TEXT[v.zFlip.shown]}.` : ''}`,
      `Showing steps ${Math.floor(s.start)} to ${Math.ceil(s.end) - 1} and unit rows ${Math.floor(u.start)} to ${Math.ceil(u.end) - 1}, units ordered by ${UNIT_ORDER_LABELS[v.state.order]}.`,
    ];
    const zs = d.gates['z']?.stats;
    const rs = d.gates['r']?.stats;
    if (zs && rs) {
      const avg = (a: Float64Array) => a.reduce((x, y) => x + (y === y ? y : 0), 0) / a.length;
      parts.push(
        `On average over units, r is below 0.1 on ${(avg(rs.low) * 100).toFixed(0)}% of steps and above 0.9 on ${(avg(rs.high) * 100).toFixed(0)}%; z below 0.1 on ${(avg(zs.low) * 100).toFixed(0)}% and above 0.9 on ${(avg(zs.high) * 100).toFixed(0)}% (stored z).`,
      );
    }
    parts.push('Arrow keys move a cursor cell and read its values, Enter selects it for line plots, plus and minus zoom, 0 resets.');
    this.summary.textContent = parts.join(' ');
    v.stack.setAttribute('aria-label', parts[0]!);
  }
}

function cssId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}
