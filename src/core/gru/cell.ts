// Elementwise GRU math for one row (one batch item at one step), shared by the recurrence and by
// gatesFromStates. Pre-activations come from the kernel's xp (W·x) and hp (R·v) rows; biases are
// added here in the order x·W + bW + (h·R + bR), as PyTorch and onnxruntime do.

import { activate, compileActivation, type CompiledActivation } from './activations';
import type { GruDirectionWeights } from './model';
import { clamp } from '../recurrent/clamp';
import type { ActivationSpec, ZMeaning } from '../trace/document';

/** One direction's constants for the elementwise math. */
export interface CellParams {
  H: number;
  /** Kernel gate block stride. */
  G: number;
  bW: Float32Array;
  bR: Float32Array;
  f: CompiledActivation;
  g: CompiledActivation;
  /** Activation input bound (Infinity when the model has no clip). */
  clip: number;
  linearBeforeReset: boolean;
  takeNew: boolean;
}

export function cellParams(
  weights: GruDirectionWeights, f: ActivationSpec, g: ActivationSpec,
  conv: { linearBeforeReset: boolean; zMeaning: ZMeaning; clip?: number }, H: number, G: number,
): CellParams {
  return {
    H,
    G,
    bW: weights.bW,
    bR: weights.bR,
    f: compileActivation(f),
    g: compileActivation(g),
    clip: conv.clip ?? Infinity,
    linearBeforeReset: conv.linearBeforeReset,
    takeNew: conv.zMeaning === 'take-new',
  };
}

/**
 * r and z for one row: out arrays written at [o, o + H). xo/ho: row starts in xp/hp (block r at +0,
 * z at +G). With linearBeforeReset also n, using hp's n block; otherwise the caller fills vin2 with
 * r ⊙ h_{t-1}, runs R_n on it and calls candidateAfter.
 */
export function gatesRow(
  p: CellParams, xp: Float32Array, xo: number, hp: Float32Array, ho: number,
  hPrev: Float32Array, hpo: number,
  r: Float32Array, z: Float32Array, n: Float32Array, h: Float32Array, o: number,
): void {
  const { H, G, bW, bR, f, clip } = p;
  const fk = f.kind, fa = f.alpha, fb = f.beta;
  for (let i = 0; i < H; i++) {
    r[o + i] = activate(fk, fa, fb, clamp(xp[xo + i] + bW[i] + (hp[ho + i] + bR[i]), clip));
    z[o + i] = activate(fk, fa, fb, clamp(xp[xo + G + i] + bW[H + i] + (hp[ho + G + i] + bR[H + i]), clip));
  }
  if (p.linearBeforeReset) {
    const g = p.g;
    const gk = g.kind, ga = g.alpha, gb = g.beta;
    const x2 = xo + 2 * G, h2 = ho + 2 * G;
    for (let i = 0; i < H; i++) {
      const c = activate(gk, ga, gb, clamp(xp[x2 + i] + bW[2 * H + i] + r[o + i] * (hp[h2 + i] + bR[2 * H + i]), clip));
      n[o + i] = c;
      h[o + i] = blend(p.takeNew, z[o + i], hPrev[hpo + i], c);
    }
  }
}

/** Reset-before-linear candidate for one row, after hp's n block holds R_n · (r ⊙ h_{t-1}). */
export function candidateAfter(
  p: CellParams, xp: Float32Array, xo: number, hp: Float32Array, ho: number,
  hPrev: Float32Array, hpo: number,
  z: Float32Array, n: Float32Array, h: Float32Array, o: number,
): void {
  const { H, G, bW, bR, g, clip } = p;
  const gk = g.kind, ga = g.alpha, gb = g.beta;
  const x2 = xo + 2 * G, h2 = ho + 2 * G;
  for (let i = 0; i < H; i++) {
    const c = activate(gk, ga, gb, clamp(xp[x2 + i] + bW[2 * H + i] + (hp[h2 + i] + bR[2 * H + i]), clip));
    n[o + i] = c;
    h[o + i] = blend(p.takeNew, z[o + i], hPrev[hpo + i], c);
  }
}

/** keep-old: z h + (1 - z) n; take-new: (1 - z) h + z n. Written as n + z (h - n) / h + z (n - h). */
function blend(takeNew: boolean, z: number, hPrev: number, n: number): number {
  return takeNew ? hPrev + z * (n - hPrev) : n + z * (hPrev - n);
}
