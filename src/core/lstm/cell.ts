// Elementwise LSTM math for one row (one batch item at one step). Pre-activations come from the
// kernel's xp (W·x) and hp (R·h_{t-1}) rows, blocks i, f, g, o at 0, G, 2G, 3G; biases are added in
// the order x·W + bW + (h·R + bR), as PyTorch and onnxruntime do, then the peephole term.

import { activate, compileActivation, type CompiledActivation } from '../gru/activations';
import { clamp } from '../recurrent/clamp';
import type { LstmDirection } from './model';

/** One direction's constants for the elementwise math. */
export interface LstmParams {
  H: number;
  /** Kernel gate block stride. */
  G: number;
  bW: Float32Array;
  bR: Float32Array;
  /** [3H] peepholes i, f, o, or undefined. */
  P: Float32Array | undefined;
  f: CompiledActivation;
  g: CompiledActivation;
  h: CompiledActivation;
  clip: number;
  inputForget: boolean;
}

export function lstmParams(dir: LstmDirection, conv: { inputForget: boolean; clip?: number }, H: number, G: number): LstmParams {
  return {
    H,
    G,
    bW: dir.weights.bW,
    bR: dir.weights.bR,
    P: dir.weights.P,
    f: compileActivation(dir.f),
    g: compileActivation(dir.g),
    h: compileActivation(dir.h),
    clip: conv.clip ?? Infinity,
    inputForget: conv.inputForget,
  };
}

/**
 * Gates i, f, g, o and the cell state c for one row, written at [at, at + H); `out` [H] receives
 * o ⊙ h(c) (before any projection). cPrev is read at [cpo, cpo + H).
 */
export function lstmRow(
  p: LstmParams, xp: Float32Array, xo: number, hp: Float32Array, ho: number,
  cPrev: Float32Array, cpo: number,
  i: Float32Array, f: Float32Array, g: Float32Array, o: Float32Array, c: Float32Array, at: number,
  out: Float32Array,
): void {
  const { H, G, bW, bR, P, clip, inputForget } = p;
  const fk = p.f.kind, fa = p.f.alpha, fb = p.f.beta;
  const gk = p.g.kind, ga = p.g.alpha, gb = p.g.beta;
  const hk = p.h.kind, ha = p.h.alpha, hb = p.h.beta;
  for (let u = 0; u < H; u++) {
    const cp = cPrev[cpo + u];
    const iv = activate(fk, fa, fb, clamp(xp[xo + u] + bW[u] + (hp[ho + u] + bR[u]) + (P ? P[u] * cp : 0), clip));
    const fv = inputForget
      ? 1 - iv
      : activate(fk, fa, fb, clamp(xp[xo + G + u] + bW[H + u] + (hp[ho + G + u] + bR[H + u]) + (P ? P[H + u] * cp : 0), clip));
    const gv = activate(gk, ga, gb, clamp(xp[xo + 2 * G + u] + bW[2 * H + u] + (hp[ho + 2 * G + u] + bR[2 * H + u]), clip));
    const cv = Math.fround(fv * cp + iv * gv);
    const ov = activate(fk, fa, fb, clamp(xp[xo + 3 * G + u] + bW[3 * H + u] + (hp[ho + 3 * G + u] + bR[3 * H + u]) + (P ? P[2 * H + u] * cv : 0), clip));
    i[at + u] = iv;
    f[at + u] = fv;
    g[at + u] = gv;
    o[at + u] = ov;
    c[at + u] = cv;
    out[u] = ov * activate(hk, ha, hb, cv);
  }
}
