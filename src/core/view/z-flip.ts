// The one place where a GRU's update gate z is read backwards. A GRU stores z with the meaning its
// convention gives (keep-old: h = z ⊙ h₋₁ + (1 − z) ⊙ n, as in PyTorch and ONNX; take-new: the
// textbook h = (1 − z) ⊙ h₋₁ + z ⊙ n). The view may show the other meaning, and the memory
// timescale needs the keep-old one; both read z as 1 − z. Every value, share, colour scale and label
// of a flipped z goes through this transform, so that they can never disagree.
import type { ZMeaning } from '../trace/document';

export interface ZFlip {
  /** The meaning z is stored with (keep-old for a GRU without a convention). */
  readonly stored: ZMeaning;
  /** The meaning z is read with. */
  readonly shown: ZMeaning;
  /** True when z is read as 1 − z (a GRU layer whose shown meaning is not the stored one). */
  readonly on: boolean;
}

/** No gate flipped (LSTM and RNN layers, whose gates have no second meaning). */
export const NO_FLIP: ZFlip = { stored: 'keep-old', shown: 'keep-old', on: false };

/** The flip of a layer of kind `cell` whose z is stored as `stored` (default keep-old) and shown as `shown` (default: as stored). */
export function zFlipOf(cell: string, stored: ZMeaning | undefined, shown?: ZMeaning): ZFlip {
  if (cell !== 'gru') return NO_FLIP;
  const s = stored ?? 'keep-old';
  const v = shown ?? s;
  return { stored: s, shown: v, on: s !== v };
}

/** True when gate `gate`'s values are read as 1 − value. */
export function flips(f: ZFlip, gate: string): boolean {
  return f.on && gate === 'z';
}

/** The value of gate `gate` as shown: 1 − v for a flipped z (NaN and ±Inf stay non-finite). */
export function shownValue(f: ZFlip, gate: string, v: number): number {
  return flips(f, gate) ? 1 - v : v;
}

/**
 * Shares of steps below 0.1 and above 0.9 as shown: a flipped z swaps them (z < 0.1 is 1 − z > 0.9).
 * Returns [low, high].
 */
export function shownShares(f: ZFlip, gate: string, low: number, high: number): [number, number] {
  return flips(f, gate) ? [high, low] : [low, high];
}

/** The name of gate `gate`'s shown quantity: "1 − z" for a flipped z, else the gate name. */
export function shownName(f: ZFlip, gate: string): string {
  return flips(f, gate) ? '1 − z' : gate;
}

/** What each meaning of z says, in labels, tooltips and summaries. */
export const Z_MEANING_TEXT: Record<ZMeaning, string> = {
  'keep-old': 'keeps the old state',
  'take-new': 'takes the new candidate (textbook)',
};
