// Hover tooltip text, built from text nodes only: step, token, unit and the exact values of all four gates.
import type { GateName } from '../core/trace/document';
import { formatValue } from '../core/view/format';
import { el } from './dom';

export interface CellReport {
  step: number;
  /** Original step number when the trace was downsampled. */
  originalStep: number;
  token: string | undefined;
  unit: number;
  row: number;
  masked: boolean;
  values: Record<GateName, number>;
  maxError: Record<GateName, number>;
  zFlipped: boolean;
  zShownMeaning: string;
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
  const z = c.zFlipped ? `z ${valueText(c.values.z, c.maxError.z)} (shown as 1 − z = ${valueText(1 - c.values.z, c.maxError.z)})` : `z ${valueText(c.values.z, c.maxError.z)}`;
  return `${where}: r ${valueText(c.values.r, c.maxError.r)}, ${z}, n ${valueText(c.values.n, c.maxError.n)}, h ${valueText(c.values.h, c.maxError.h)}`;
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
    add('r', valueText(c.values.r, c.maxError.r));
    if (c.zFlipped) add('z', valueText(1 - c.values.z, c.maxError.z), `shown as 1 − z (${c.zShownMeaning}); stored z = ${valueText(c.values.z, c.maxError.z)}`);
    else add('z', valueText(c.values.z, c.maxError.z), c.zShownMeaning);
    add('n', valueText(c.values.n, c.maxError.n));
    add('h', valueText(c.values.h, c.maxError.h));
    tip.append(t);
  }
  if (c.aggregation) tip.append(el('div', 'gs-muted', `colour: ${c.aggregation}; values: the cell under the pointer`));
  tip.dataset['step'] = String(c.step);
  tip.dataset['unit'] = String(c.unit);
}
