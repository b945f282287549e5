// Statistics that fit each cell: how saturated the sigmoid gates are, and how long each unit
// remembers. Pure functions over one layer entry's values ([B, T, H], valid steps only).
//
// Memory timescale (Tallec & Ollivier 2018, "Can recurrent neural networks warp time?", the
// derivation behind chrono initialisation): a unit whose state follows c_t = f ⊙ c_{t-1} + ...
// forgets its past as f^k = exp(k ln f) after k steps, so its characteristic time is
// τ = -1 / ln f (f = 1 - 1/T gives τ ≈ T; chrono initialisation sets the forget bias to
// log(U(1, T_max - 1)) to spread τ over 1..T_max). Here f is the unit's mean forget value over the
// valid steps: LSTM f; GRU z when z keeps the old state (PyTorch, ONNX, Keras), 1 - z for the
// textbook "take new" meaning. τ is +Infinity for a mean forget of 1 and 0 for a mean of 0.

import type { CellKind, LayerGateValues } from '../cells/gate-sets';
import type { ZMeaning } from '../trace/document';
import { orderByKey } from './order';
import { SATURATION_HIGH, SATURATION_LOW } from './stats';

export interface GateSaturation {
  /** Per unit: fraction of valid steps below SATURATION_LOW / above SATURATION_HIGH (NaN when no valid step). */
  low: Float64Array;
  high: Float64Array;
}

/** The sigmoid gates whose saturation is reported, per cell kind (RNN has none). */
export const SATURATING_GATES: Record<CellKind, readonly string[]> = { lstm: ['i', 'f', 'o'], gru: ['r', 'z'], rnn: [] };

/** Valid steps of item b: lengths[b], or all T. */
function validSteps(lengths: ArrayLike<number> | undefined, b: number, T: number): number {
  return lengths ? Math.min(T, Math.max(0, lengths[b]!)) : T;
}

/** Saturation of one gate [B, T, H] over valid steps; non-finite values count as neither. */
export function gateSaturation(values: Float32Array, B: number, T: number, H: number, lengths?: ArrayLike<number>): GateSaturation {
  const low = new Float64Array(H);
  const high = new Float64Array(H);
  let n = 0;
  for (let b = 0; b < B; b++) {
    const len = validSteps(lengths, b, T);
    n += len;
    for (let t = 0; t < len; t++) {
      const base = (b * T + t) * H;
      for (let u = 0; u < H; u++) {
        const v = values[base + u]!;
        if (v < SATURATION_LOW) low[u]++;
        else if (v > SATURATION_HIGH) high[u]++;
      }
    }
  }
  for (let u = 0; u < H; u++) {
    low[u] = n > 0 ? low[u]! / n : NaN;
    high[u] = n > 0 ? high[u]! / n : NaN;
  }
  return { low, high };
}

/** Per unit mean of a gate over valid steps and finite values (NaN when none). */
export function validMean(values: Float32Array, B: number, T: number, H: number, lengths?: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(H);
  const count = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    const len = validSteps(lengths, b, T);
    for (let t = 0; t < len; t++) {
      const base = (b * T + t) * H;
      for (let u = 0; u < H; u++) {
        const v = values[base + u]!;
        if (v - v !== 0) continue;
        sum[u] += v;
        count[u]++;
      }
    }
  }
  for (let u = 0; u < H; u++) sum[u] = count[u]! > 0 ? sum[u]! / count[u]! : NaN;
  return sum;
}

/** τ = -1 / ln(f) for a mean forget value f in [0, 1]; NaN outside. */
export function timescaleOf(meanForget: number): number {
  if (!(meanForget >= 0 && meanForget <= 1)) return NaN;
  if (meanForget === 1) return Infinity;
  if (meanForget === 0) return 0;
  return -1 / Math.log(meanForget);
}

export interface MemoryStats {
  /** Per unit mean forget value (LSTM f; GRU z or 1 - z by its meaning). */
  meanForget: Float64Array;
  /** Per unit τ in steps. */
  timescale: Float64Array;
}

/**
 * Memory timescale of each unit of an LSTM or GRU layer entry; undefined for an RNN (no gate).
 * `zMeaning` says what the GRU's z keeps (default 'keep-old').
 */
export function memoryTimescale(entry: LayerGateValues, B: number, T: number, lengths?: ArrayLike<number>, zMeaning: ZMeaning = 'keep-old'): MemoryStats | undefined {
  const H = entry.hiddenSize;
  let meanForget: Float64Array;
  if (entry.cell === 'lstm') meanForget = validMean(entry.gates.f!, B, T, H, lengths);
  else if (entry.cell === 'gru') {
    meanForget = validMean(entry.gates.z!, B, T, H, lengths);
    if (zMeaning === 'take-new') for (let u = 0; u < H; u++) meanForget[u] = 1 - meanForget[u]!;
  } else return undefined;
  const timescale = new Float64Array(H);
  for (let u = 0; u < H; u++) timescale[u] = timescaleOf(meanForget[u]!);
  return { meanForget, timescale };
}

/** Unit order by memory: longest timescale first (Infinity first, NaN last). */
export function timescaleOrder(stats: MemoryStats): Int32Array {
  return orderByKey(stats.timescale);
}

/** Saturation of every sigmoid gate of a layer entry (LSTM i, f, o; GRU r, z). */
export function cellSaturation(entry: LayerGateValues, B: number, T: number, lengths?: ArrayLike<number>): Record<string, GateSaturation> {
  const out: Record<string, GateSaturation> = {};
  for (const g of SATURATING_GATES[entry.cell]) out[g] = gateSaturation(entry.gates[g]!, B, T, entry.hiddenSize, lengths);
  return out;
}
