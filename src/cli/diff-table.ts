// The text `gatescope diff` prints: a short table (one row per layer entry and gate), a verdict line,
// and last the JSON line CI reads.

import type { CompareSummary } from '../core/compare/compare-runs';
import type { CompareGateStats } from '../core/trace/document';

/** null: a non-finite difference (as stored in JSON). */
function num(x: number | null): string {
  if (x === 0) return '0';
  if (x === null || !Number.isFinite(x)) return 'non-finite';
  return x.toExponential(2);
}

/** Rows of fixed-width columns. */
export function diffTable(stats: readonly CompareGateStats[]): string {
  const head = ['layer', 'direction', 'gate', 'max |A-B|', 'RMS', 'SQNR dB', 'first step > tol', 'worst (batch, step, unit)'];
  const rows = stats.map((s) => [
    String(s.layer),
    s.direction,
    s.gate,
    num(s.maxAbsDiff),
    num(s.rms),
    s.sqnrDb === null ? '-' : s.sqnrDb.toFixed(1),
    s.firstDivergentStep === null ? '-' : String(s.firstDivergentStep),
    `(${s.worst.batch}, ${s.worst.step}, ${s.worst.unit})`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function verdictLine(summary: CompareSummary, tolerance: number): string {
  const w = summary.worst;
  const where = `layer ${w.layer} ${w.direction} ${w.gate}, unit ${w.unit}, step ${w.step}`;
  if (summary.maxAbsDiff <= tolerance) return `within tolerance ${tolerance}: max |A-B| = ${num(summary.maxAbsDiff)} (${where})`;
  return `past tolerance ${tolerance}: first divergent step ${summary.firstDivergentStep}; max |A-B| = ${num(summary.maxAbsDiff)} at ${where}`;
}

/** The last stdout line: {"maxAbsDiff", "firstDivergentStep", "worst": {layer, direction, gate, unit, step}}. A non-finite maxAbsDiff is written null (JSON has no Infinity). */
export function summaryJson(summary: CompareSummary): string {
  const w = summary.worst;
  return JSON.stringify({
    maxAbsDiff: Number.isFinite(summary.maxAbsDiff) ? summary.maxAbsDiff : null,
    firstDivergentStep: summary.firstDivergentStep,
    worst: { layer: w.layer, direction: w.direction, gate: w.gate, unit: w.unit, step: w.step },
  });
}
