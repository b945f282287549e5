// The finite extremes of a gate over the whole run, for colour ranges taken from the data ("symmetric"
// and "data" in gate-sets.ts). Read from the coarsest inline level: its min and max summaries bound
// every value (level 0 is the values), so the answer is exact without touching level 0 or the sidecar.
// Masked buckets (no valid step) are skipped; NaN and ±Inf never set an extreme.
import { isInline, type DecodedGate } from '../trace/decoded';
import { bucketCount } from '../trace/pyramid';

export function gateExtremes(gate: DecodedGate, batch: number, sequenceLengths?: readonly number[]): { lo: number; hi: number } {
  let level = gate.levels[0]!;
  for (const l of gate.levels) if (isInline(l)) level = l;
  const lows = level.min ?? level.mean;
  const highs = level.max ?? level.mean;
  let lo = Infinity;
  let hi = -Infinity;
  if (!lows || !highs) return { lo: NaN, hi: NaN };
  const J = level.buckets;
  const U = gate.units;
  for (let b = 0; b < batch; b++) {
    const valid = sequenceLengths ? bucketCount(sequenceLengths[b]!, level.bucket) : J;
    for (let i = b * J * U, end = (b * J + valid) * U; i < end; i++) {
      const a = lows[i]!;
      const z = highs[i]!;
      if (a - a === 0 && a < lo) lo = a;
      if (z - z === 0 && z > hi) hi = z;
    }
  }
  return lo <= hi ? { lo, hi } : { lo: NaN, hi: NaN };
}
