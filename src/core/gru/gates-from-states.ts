// Recomputes every step's gates from given previous states, e.g. onnxruntime's Y shifted by one
// step (h_{t-1}). All B*T rows are independent, so this is blocked matrix products over chunks of
// rows: X·W^T and Hprev·R^T (R_n · (r ⊙ Hprev) for reset-before-linear), then elementwise math.
// With the WebAssembly kernel and Sigmoid/Tanh without clip (PyTorch's GRU, the ONNX default) all
// of it runs in the kernel (kernel.rowGates); other activations do the elementwise part in cell.ts.

import type { ActivationSpec, ZMeaning } from '../trace/document';
import { ActKind } from './activations';
import { candidateAfter, cellParams, gatesRow, type CellParams } from './cell';
import type { MatKernel, RowGates } from './kernel';
import { resolveKernel, type KernelChoice } from './kernels';
import type { GruDirectionWeights } from './model';
import { checkSize } from './tensor-checks';
import { formatDims } from '../io/tensor';
import { validateModel } from './validate-model';

const ROWS = 256;

export function gatesFromStates(
  dir: { weights: GruDirectionWeights; f: ActivationSpec; g: ActivationSpec },
  conv: { linearBeforeReset: boolean; zMeaning: ZMeaning; clip?: number },
  x: Float32Array,
  hPrev: Float32Array,
  batch: number,
  steps: number,
  inputSize: number,
  hiddenSize: number,
  kernelChoice: KernelChoice | MatKernel = 'auto',
): { r: Float32Array; z: Float32Array; n: Float32Array; h: Float32Array } {
  const I = inputSize;
  const H = hiddenSize;
  checkSize('inputSize', I);
  checkSize('hiddenSize', H);
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`batch ${batch} and steps ${steps} must be positive integers`);
  }
  validateModel({
    name: 'gatesFromStates', source: 'native', gateOrder: ['r', 'z', 'n'], linearBeforeReset: conv.linearBeforeReset,
    zMeaning: conv.zMeaning, clip: conv.clip, layers: [{ inputSize: I, hiddenSize: H, directions: [{ direction: 'forward', ...dir }] }],
  });
  const M = batch * steps;
  if (!(x instanceof Float32Array) || x.length !== M * I) {
    throw new RangeError(`x has ${x?.length} values; expected shape ${formatDims([batch, steps, I])} (batch, steps, input)`);
  }
  if (!(hPrev instanceof Float32Array) || hPrev.length !== M * H) {
    throw new RangeError(`hPrev has ${hPrev?.length} values; expected shape ${formatDims([batch, steps, H])} (the state each step started from)`);
  }
  const kernel = resolveKernel(kernelChoice);
  kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(ROWS, M));
  const p = cellParams(dir.weights, dir.f, dir.g, conv, H, kernel.G);
  const out = { r: new Float32Array(M * H), z: new Float32Array(M * H), n: new Float32Array(M * H), h: new Float32Array(M * H) };
  const fast = kernel.rowGates && p.f.kind === ActKind.Sigmoid && p.g.kind === ActKind.Tanh && p.clip === Infinity ? kernel.rowGates : undefined;
  if (fast) rowsInKernel(kernel, fast, p, x, hPrev, M, out);
  else rowsInJs(kernel, p, x, hPrev, M, out);
  return out;
}

type Gates = { r: Float32Array; z: Float32Array; n: Float32Array; h: Float32Array };

/** The kernel's fused path: products and elementwise math in WebAssembly, rows copied out. */
function rowsInKernel(kernel: MatKernel, fast: RowGates, p: CellParams, x: Float32Array, hPrev: Float32Array, M: number, out: Gates): void {
  const { H, G } = p;
  const I = x.length / M;
  fast.setBiases(p.bW, p.bR);
  for (let m0 = 0; m0 < M; m0 += kernel.chunk) {
    const rows = Math.min(kernel.chunk, M - m0);
    kernel.projectX(x, m0 * I, rows);
    const vin = kernel.vin;
    for (let m = 0; m < rows; m++) {
      const src = (m0 + m) * H;
      for (let i = 0; i < H; i++) vin[m * G + i] = hPrev[src + i];
    }
    fast.recoverRows(rows, p.linearBeforeReset, p.takeNew);
    const g = fast.rows;
    for (let m = 0; m < rows; m++) {
      const o = (m0 + m) * H;
      const s = m * G;
      for (let i = 0; i < H; i++) {
        out.r[o + i] = g.r[s + i];
        out.z[o + i] = g.z[s + i];
        out.n[o + i] = g.n[s + i];
        out.h[o + i] = g.h[s + i];
      }
    }
  }
}

/** Any activations and clip: products in the kernel, elementwise math in cell.ts. */
function rowsInJs(kernel: MatKernel, p: CellParams, x: Float32Array, hPrev: Float32Array, M: number, out: Gates): void {
  const { H } = p;
  const I = x.length / M;
  const { xp, hp, vin, vin2, G } = kernel;
  const lbr = p.linearBeforeReset;
  for (let m0 = 0; m0 < M; m0 += kernel.chunk) {
    const rows = Math.min(kernel.chunk, M - m0);
    kernel.projectX(x, m0 * I, rows);
    for (let m = 0; m < rows; m++) {
      const src = (m0 + m) * H;
      for (let i = 0; i < H; i++) vin[m * G + i] = hPrev[src + i];
    }
    kernel.projectV(false, rows, 0, lbr ? 3 : 2);
    for (let m = 0; m < rows; m++) {
      gatesRow(p, xp, m * 3 * G, hp, m * 3 * G, vin, m * G, out.r, out.z, out.n, out.h, (m0 + m) * H);
    }
    if (!lbr) {
      for (let m = 0; m < rows; m++) {
        const o = (m0 + m) * H;
        for (let i = 0; i < H; i++) vin2[m * G + i] = out.r[o + i] * vin[m * G + i];
      }
      kernel.projectV(true, rows, 2, 1);
      for (let m = 0; m < rows; m++) {
        candidateAfter(p, xp, m * 3 * G, hp, m * 3 * G, vin, m * G, out.z, out.n, out.h, (m0 + m) * H);
      }
    }
  }
}
