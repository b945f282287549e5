// Gates of one ONNX LSTM or RNN direction recomputed from onnxruntime's states, for any range of
// steps: every step's gates are recomputed from x_t and onnxruntime's own h_{t-1} (Y[t-1], or
// Y[t+1] for a reverse direction, or initial_h at the first step); an LSTM's cell state, which
// onnxruntime never exposes per step, is rebuilt from initial_c (or 0) with c_t = f ⊙ c_{t-1} + i ⊙ g
// using the recomputed gates, carried from one range to the next.
//
// The whole run is the range [0, T) (recoverRecurrent); a streamed run asks for chunk after chunk
// (trace-recurrent-stream.ts). Either way the products run over the same fixed grid of blocks per
// batch item (C = min(128, T) steps, from each sequence's first step in run order for an LSTM, from
// step 0 for an RNN), a block straddling two ranges being projected for each: so every value is
// computed exactly as the whole run computes it, whatever the chunking.
// Gate arrays of a range [t0, t1) are [B, t1 - t0, H], in input time order; masked steps
// (t >= length) are 0.

import type { LayerGateValues } from '../core/cells/gate-sets';
import { activate, compileActivation, type CompiledActivation } from '../core/gru/activations';
import type { MatKernel } from '../core/gru/kernel';
import { pickKernel } from '../core/gru/kernels';
import { lstmParams, lstmRow, type LstmParams } from '../core/lstm/cell';
import type { LstmDirection, LstmModel } from '../core/lstm/model';
import { clamp } from '../core/recurrent/clamp';
import type { RnnModel } from '../core/rnn/model';
import type { RecurrentValues } from './recurrent-values';

/** How far the recomputed values are from onnxruntime's outputs (valid steps only). */
export interface RecurrentCheck {
  /** max |h - Y|. */
  y: number;
  /** max |h at each sequence's last step - Y_h| (absent for GRU nodes, whose path checks Y only). */
  yh?: number;
  /** LSTM: max |c at the last step - Y_c|. */
  yc?: number;
}

/** The whole run's block of projected steps (core/lstm/run.ts and rnn/run.ts use the same). */
const BLOCK = 128;

/** The gate names of a cell's recovered arrays, in the order the trace lists them. */
export function recoveredGates(v: RecurrentValues): readonly string[] {
  return v.node.cell === 'lstm' ? ['i', 'f', 'g', 'o', 'c', 'h'] : ['h'];
}

/** One direction's recovery; LSTM ranges must come in the direction's run order, contiguously. */
export class DirectionRecovery {
  readonly kernel: MatKernel;
  private readonly C: number;
  private readonly reverse: boolean;
  private readonly x: Float32Array;
  private readonly lstm?: { p: LstmParams; c: Float32Array; full: Float32Array };
  private readonly rnn?: { act: CompiledActivation; bW: Float32Array; bR: Float32Array; clip: number };

  constructor(private readonly v: RecurrentValues, private readonly d: number, kernelChoice: 'js' | 'wasm' | 'auto') {
    const { T, B, I, H } = v;
    const dir = v.model.layers[0]!.directions[d]!;
    const lstm = v.node.cell === 'lstm';
    this.kernel = pickKernel(kernelChoice);
    this.C = Math.min(BLOCK, T);
    this.reverse = dir.direction === 'reverse';
    this.x = new Float32Array(this.C * I);
    this.kernel.load(dir.weights.W, dir.weights.R, I, H, this.C, lstm ? 4 : 1, H);
    if (lstm) {
      // [B, H] cell state of every item: initial_c, then c after the last step recovered so far.
      const c = new Float32Array(B * H);
      if (v.initialC) c.set(v.initialC.subarray(d * B * H, (d + 1) * B * H));
      this.lstm = { p: lstmParams(dir as LstmDirection, v.model as LstmModel, H, this.kernel.G), c, full: new Float32Array(H) };
    } else {
      const r = dir as RnnModel['layers'][number]['directions'][number];
      this.rnn = { act: compileActivation(r.act), bW: r.weights.bW, bR: r.weights.bR, clip: v.model.clip ?? Infinity };
    }
  }

  /** Gates of steps [t0, t1) into `out` (recoveredGates' names, each [B, t1 - t0, H]). */
  range(t0: number, t1: number, out: Readonly<Record<string, Float32Array>>): void {
    const { B, H } = this.v;
    const rows = t1 - t0;
    const arrays = recoveredGates(this.v).map((g) => out[g]!);
    for (let b = 0; b < B; b++) {
      const len = this.v.lengths[b]!;
      const hi = Math.min(t1, len);
      for (const a of arrays) a.fill(0, (b * rows + Math.max(0, hi - t0)) * H, (b + 1) * rows * H);
      if (t0 >= hi) continue;
      // An LSTM's blocks count from the sequence's first step in run order (s = len - 1 - t when
      // reverse); an RNN's from step 0 (its steps are independent).
      const sGrid = this.lstm !== undefined && this.reverse;
      const sLo = sGrid ? len - hi : t0;
      const sHi = sGrid ? len - t0 : hi;
      for (let s0 = Math.floor(sLo / this.C) * this.C; s0 < sHi; s0 += this.C) {
        const n = Math.min(this.C, len - s0);
        const tb = sGrid ? len - s0 - n : s0;
        this.project(b, tb, n, len);
        for (let s = Math.max(s0, sLo); s < Math.min(s0 + n, sHi); s++) {
          const t = sGrid ? len - 1 - s : s;
          this.row(t - tb, (b * rows + t - t0) * H, b, out);
        }
      }
    }
  }

  /** x and h_{t-1} of steps [tb, tb + n) of item b through the kernel: xp and hp rows 0..n-1. */
  private project(b: number, tb: number, n: number, len: number): void {
    const { B, I, H, D, X, Y, initialH } = this.v;
    const k = this.kernel;
    for (let m = 0; m < n; m++) {
      const xo = ((tb + m) * B + b) * I;
      for (let i = 0; i < I; i++) this.x[m * I + i] = X[xo + i]!;
      const t = tb + m;
      const o = m * k.Gr;
      const first = this.reverse ? t === len - 1 : t === 0;
      if (first) {
        for (let u = 0; u < H; u++) k.vin[o + u] = initialH ? initialH[(this.d * B + b) * H + u]! : 0;
      } else {
        const yo = (((this.reverse ? t + 1 : t - 1) * D + this.d) * B + b) * H;
        for (let u = 0; u < H; u++) k.vin[o + u] = Y[yo + u]!;
      }
    }
    k.projectX(this.x, 0, n);
    k.projectV(false, n, 0, this.lstm ? 4 : 1);
  }

  /** The gates of block row m into `out` at `at`. */
  private row(m: number, at: number, b: number, out: Readonly<Record<string, Float32Array>>): void {
    const H = this.v.H;
    const { xp, hp, G } = this.kernel;
    if (this.lstm) {
      const { p, c, full } = this.lstm;
      const h = out['h']!;
      lstmRow(p, xp, m * 4 * G, hp, m * 4 * G, c, b * H, out['i']!, out['f']!, out['g']!, out['o']!, out['c']!, at, full);
      for (let u = 0; u < H; u++) {
        h[at + u] = full[u]!;
        c[b * H + u] = out['c']![at + u]!;
      }
      return;
    }
    const { act, bW, bR, clip } = this.rnn!;
    const h = out['h']!;
    for (let u = 0; u < H; u++) h[at + u] = activate(act.kind, act.alpha, act.beta, clamp(xp[m * G + u]! + bW[u]! + (hp[m * G + u]! + bR[u]!), clip));
  }
}

/** Gate arrays for `steps` steps of every item: recoveredGates' names, each [B, steps, H]. */
export function gateArrays(v: RecurrentValues, steps: number): Record<string, Float32Array> {
  return Object.fromEntries(recoveredGates(v).map((g) => [g, new Float32Array(v.B * steps * v.H)]));
}

/** Every direction's gates over the whole run ([B, T, H] each), and the kernel that ran the products. */
export function recoverRecurrent(v: RecurrentValues, kernelChoice: 'js' | 'wasm' | 'auto'): { layers: LayerGateValues[]; kernel: string } {
  let kernel = '';
  const layers = v.model.layers[0]!.directions.map((dir, d): LayerGateValues => {
    const r = new DirectionRecovery(v, d, kernelChoice);
    const gates = gateArrays(v, v.T);
    r.range(0, v.T, gates);
    kernel = r.kernel.name;
    return { layer: 0, direction: dir.direction, cell: v.node.cell, hiddenSize: v.H, gates };
  });
  return { layers, kernel };
}

/** A check with nothing compared yet (LSTM: with yc when the node gives Y_c). */
export function emptyCheck(v: RecurrentValues): RecurrentCheck {
  return v.Yc ? { y: 0, yh: 0, yc: 0 } : { y: 0, yh: 0 };
}

/**
 * Adds steps [t0, t0 + rows) of direction d (h and, for an LSTM, c: [B, rows, H]) to `check`:
 * h against Y over valid steps, and at each sequence's last step in run order h against Y_h and c
 * against Y_c. NaN anywhere makes the error NaN (`!(e <= max)`).
 */
export function checkRange(check: RecurrentCheck, v: RecurrentValues, d: number, h: Float32Array, c: Float32Array | undefined, t0: number, rows: number): void {
  const { B, H, D, Y, Yh, Yc, lengths } = v;
  const reverse = v.model.layers[0]!.directions[d]!.direction === 'reverse';
  const diff = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b));
  for (let b = 0; b < B; b++) {
    const len = lengths[b]!;
    for (let t = t0; t < Math.min(t0 + rows, len); t++) {
      for (let u = 0; u < H; u++) {
        const e = diff(h[(b * rows + t - t0) * H + u]!, Y[((t * D + d) * B + b) * H + u]!);
        if (!(e <= check.y)) check.y = e;
      }
    }
    const tLast = reverse ? 0 : len - 1;
    if (len === 0 || tLast < t0 || tLast >= t0 + rows) continue;
    const at = (b * rows + tLast - t0) * H;
    for (let u = 0; u < H; u++) {
      const eh = diff(h[at + u]!, Yh[(d * B + b) * H + u]!);
      if (!(eh <= check.yh!)) check.yh = eh;
      if (c && Yc) {
        const ec = diff(c[at + u]!, Yc[(d * B + b) * H + u]!);
        if (!(ec <= check.yc!)) check.yc = ec;
      }
    }
  }
}
