// Hover tooltip text, built from text nodes only: step, token, unit and the exact values of all four gates.
type GateName = string;
import { formatValue } from '../core/view/format';
import { tooltipStatus } from '../core/view/status-contract';
import { flips, shownValue, type ZFlip } from '../core/view/z-flip';
import { el } from './dom';

export interface CellReport {
  step: number;
  /** Original step number when the trace was downsampled. */
  originalStep: number;
  token: string | undefined;
  unit: number;
  row: number;
  masked: boolean;
  /** Gate names in display order. */
  names: readonly GateName[];
  values: Record<GateName, number>;
  maxError: Record<GateName, number>;
  /** How z is read (shown as 1 − z when flipped). */
  zFlip: ZFlip;
  zShownMeaning: string;
  /** Set when the values are bucket means, not the cell's own (a sidecar trace before its tile arrives). */
  approx?: string;
  /** What a pixel covers at this zoom, when more than one cell. */
  aggregation: string | undefined;
}

function nonFiniteName(v: number): string | undefined {
  if (v !== v) return 'NaN (not a number)';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '−Inf';
  return undefined;
}

export function valueText(v: number, maxError: number): string {
  return nonFiniteName(v) ?? formatValue(v, maxError);
}

/** One line of plain text for screen readers and for tests. */
export function cellSentence(c: CellReport): string {
  const where = `step ${c.originalStep}${c.token !== undefined ? ` (token ${JSON.stringify(c.token)})` : ''}, unit ${c.unit}`;
  if (c.masked) return `${where}: masked (past this sequence's length)`;
  const parts = c.names.map((g) => {
    const v = valueText(c.values[g]!, c.maxError[g]!);
    return flips(c.zFlip, g) ? `z ${v} (shown as 1 − z = ${valueText(shownValue(c.zFlip, g, c.values[g]!), c.maxError[g]!)})` : `${g} ${v}`;
  });
  return `${where}: ${c.approx ? `${c.approx}: ` : ''}${parts.join(', ')}`;
}

export function fillTooltip(tip: HTMLElement, c: CellReport): void {
  tip.replaceChildren();
  const head = el('div');
  head.append(el('b', undefined, `step ${c.originalStep}`));
  if (c.originalStep !== c.step) head.append(el('span', 'gs-muted', ` (shown #${c.step})`));
  if (c.token !== undefined) {
    head.append(el('span', undefined, ' · token '));
    head.append(el('span', 'gs-tip-token', JSON.stringify(c.token)));
  }
  head.append(el('span', undefined, ` · unit ${c.unit}`));
  if (c.row !== c.unit) head.append(el('span', 'gs-muted', ` (row ${c.row})`));
  tip.append(head);
  if (c.masked) {
    tip.append(el('div', 'gs-warning', "masked: past this sequence's length (no value)"));
  } else {
    const t = el('table');
    const add = (name: string, v: string, note?: string) => {
      const tr = el('tr');
      tr.append(el('td', undefined, name), el('td', undefined, v));
      if (note) tr.append(el('td', 'gs-muted', note));
      t.append(tr);
    };
    for (const g of c.names) {
      const v = c.values[g]!;
      const e = c.maxError[g]!;
      if (flips(c.zFlip, g)) add('z', valueText(shownValue(c.zFlip, g, v), e), `shown as 1 − z (${c.zShownMeaning}); stored z = ${valueText(v, e)}`);
      else if (g === 'z' && c.zShownMeaning) add('z', valueText(v, e), c.zShownMeaning);
      else add(g, valueText(v, e));
    }
    tip.append(t);
  }
  if (c.approx) tip.append(el('div', 'gs-muted', `values: ${c.approx}`));
  else if (c.aggregation) tip.append(el('div', 'gs-muted', `colour: ${c.aggregation}; values: the cell under the pointer`));
  const status = tooltipStatus(tip.dataset);
  status.exact = c.approx ? 'false' : 'true';
  status.step = String(c.step);
  status.unit = String(c.unit);
}
