// A comparison of two aligned runs: per layer entry and gate the statistics of a − b
// (CompareGateStats, stored in a comparison trace's `compare.stats`) and the overall verdict the CLI
// prints last: the largest |a − b|, the first divergent step over every gate, and the worst cell.

import type { CompareGateStats, Direction } from '../trace/document';
import type { LayerPair } from './align';
import { diffGate, type GateDiff } from './gate-diff';

export interface CompareSummary {
  maxAbsDiff: number;
  /** The earliest firstDivergentStep of any gate, or null. */
  firstDivergentStep: number | null;
  /** The cell of maxAbsDiff (the first gate in document order on ties). */
  worst: { layer: number; direction: Direction; gate: string; unit: number; step: number };
}

export interface RunComparison {
  stats: CompareGateStats[];
  /** The full per-gate results, in the order of `stats` (stepMaxAbsDiff for a view). */
  diffs: GateDiff[];
  summary: CompareSummary;
}

/** Level-0 values [B, T, units] of a gate of a pair, from run a or b. */
export type GateValues = (pair: LayerPair, gate: string, run: 'a' | 'b') => ArrayLike<number>;

export function compareRuns(
  pairs: readonly LayerPair[],
  values: GateValues,
  run: { batch: number; steps: number; sequenceLengths?: readonly number[] },
  tolerance: number,
): RunComparison {
  const stats: CompareGateStats[] = [];
  const diffs: GateDiff[] = [];
  let summary: CompareSummary | undefined;
  for (const p of pairs) {
    for (const g of p.gates) {
      const d = diffGate(values(p, g.name, 'a'), values(p, g.name, 'b'), { batch: run.batch, steps: run.steps, units: g.units }, tolerance, run.sequenceLengths);
      diffs.push(d);
      stats.push({
        layer: p.layer,
        direction: p.direction,
        gate: g.name,
        maxAbsDiff: d.maxAbsDiff,
        rms: d.rms,
        sqnrDb: d.sqnrDb,
        firstDivergentStep: d.firstDivergentStep,
        worst: { unit: d.worst.unit, step: d.worst.step, batch: d.worst.batch },
      });
      const first = summary?.firstDivergentStep ?? null;
      const earliest = first === null ? d.firstDivergentStep : d.firstDivergentStep === null ? first : Math.min(first, d.firstDivergentStep);
      if (!summary || d.maxAbsDiff > summary.maxAbsDiff) {
        summary = { maxAbsDiff: d.maxAbsDiff, firstDivergentStep: earliest, worst: { layer: p.layer, direction: p.direction, gate: g.name, unit: d.worst.unit, step: d.worst.step } };
      } else summary.firstDivergentStep = earliest;
    }
  }
  if (!summary) throw new RangeError('compareRuns: no layer entries to compare');
  return { stats, diffs, summary };
}
