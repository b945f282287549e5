// Reading a comparison trace back: its run-a and run-b layer entries paired (by layer and
// direction, through alignRuns), each gate's stored statistics, and the Δ colour range.

import type { DecodedLayer, DecodedTrace } from '../trace/decoded';
import type { CompareGateStats, Direction } from '../trace/document';
import { alignRuns } from './align';
import { absDiff } from './gate-diff';

export interface ComparedEntry {
  layer: number;
  direction: Direction;
  a: DecodedLayer;
  b: DecodedLayer;
  gates: string[];
}

/** The paired entries of a comparison trace, in a's order; [] for a trace without run b. Throws CompareError when they do not line up. */
export function comparisonPairs(trace: DecodedTrace): ComparedEntry[] {
  const a = trace.layers.filter((l) => l.run !== 'b');
  const b = trace.layers.filter((l) => l.run === 'b');
  if (!trace.compare || b.length === 0) return [];
  const labels = { a: trace.compare.a.label, b: trace.compare.b.label };
  const strip = (ls: DecodedLayer[]) => ({ ...trace, layers: ls.map((l) => ({ ...l, run: 'a' as const })) });
  return alignRuns(strip(a), strip(b), labels).map((p) => ({ layer: p.layer, direction: p.direction, a: a[p.a]!, b: b[p.b]!, gates: p.gates.map((g) => g.name) }));
}

/** The stored statistics of one gate of a pair, when the trace has them. */
export function statsOf(trace: DecodedTrace, layer: number, direction: Direction, gate: string): CompareGateStats | undefined {
  return trace.compare?.stats?.find((s) => s.layer === layer && s.direction === direction && s.gate === gate);
}

/**
 * The Δ = a − b heatmap's colour range: [−m, m] with m the largest finite |a − b| over the valid
 * cells of batch item `batch` (a diverging scale centred on 0, so equal runs are white). m is 0
 * when the runs agree there; a view then states that instead of a range.
 */
export function deltaRange(a: ArrayLike<number>, b: ArrayLike<number>, dims: { steps: number; units: number }, batch: number, validSteps: number): number {
  const { steps: T, units: U } = dims;
  let m = 0;
  for (let i = batch * T * U, end = i + validSteps * U; i < end; i++) {
    const d = absDiff(a[i]!, b[i]!);
    if (d > m && d !== Infinity) m = d;
  }
  return m;
}
