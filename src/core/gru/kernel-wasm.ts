// The WebAssembly SIMD kernel (matvec.wat, assembled at build time into kernel.generated.ts).
// Weights and work buffers live in the instance's memory with every row padded to a multiple of 4
// floats (padding zero), so the kernel needs no edge cases. Compiled synchronously once per
// runtime (new WebAssembly.Module on ~1 KB is allowed on every thread); one instance per kernel.

import { decodeBase64 } from '../encoding/base64';
import type { FusedLstmStep, FusedStep, MatKernel, RowGates } from './kernel';
import { KERNEL_WASM_BASE64 } from './kernel.generated';

interface KernelExports {
  memory: WebAssembly.Memory;
  matvec(A: number, rows: number, K: number, x: number, y: number): void;
  gemm(A: number, M: number, B: number, N: number, K: number, C: number, ldc: number): void;
  stepRZ(xp: number, hp: number, bW: number, bR: number, hprev: number, r: number, z: number, rh: number, G: number): void;
  stepNH(xp: number, hp: number, bW: number, bR: number, hprev: number, r: number, z: number, n: number, h: number, G: number, lbr: number, takeNew: number): void;
  stepLSTM(xp: number, hp: number, bW: number, bR: number, i: number, f: number, g: number, o: number, c: number, h: number, G: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compileError = '';

function compiledModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('this runtime has no WebAssembly');
    const bytes = new Uint8Array(decodeBase64(KERNEL_WASM_BASE64));
    if (!WebAssembly.validate(bytes)) throw new Error('this runtime does not support WebAssembly SIMD');
    compiled = new WebAssembly.Module(bytes);
  } catch (e) {
    compileError = e instanceof Error ? e.message : String(e);
    compiled = null;
  }
  return compiled;
}

/** The compiled kernel module (shareable with worker threads), or null where it cannot run. */
export function wasmKernelModule(): WebAssembly.Module | null {
  return compiledModule();
}

export function wasmKernelAvailable(): boolean {
  return compiledModule() !== null;
}

export function wasmKernelError(): string {
  return compileError;
}

const PAGE = 65536;
const up4 = (n: number) => (n + 3) & ~3;

export class WasmKernel implements MatKernel, FusedStep, RowGates {
  readonly fusedLstm: FusedLstmStep;
  readonly name = 'wasm' as const;
  G = 0;
  Gr = 0;
  blocks = 3;
  chunk = 0;
  xp: Float32Array = new Float32Array(0);
  hp: Float32Array = new Float32Array(0);
  vin: Float32Array = new Float32Array(0);
  vin2: Float32Array = new Float32Array(0);
  r: Float32Array = new Float32Array(0);
  z: Float32Array = new Float32Array(0);
  n: Float32Array = new Float32Array(0);
  readonly fused: FusedStep = this;
  readonly rowGates: RowGates = this;
  /** LSTM step outputs (G floats each); c is the running cell state. */
  lstm = { i: new Float32Array(0), f: new Float32Array(0), g: new Float32Array(0), o: new Float32Array(0), c: new Float32Array(0), h: new Float32Array(0) };
  private H = 0;
  private readonly ex: KernelExports;
  private I = 0;
  private Ip = 0;
  private xs: Float32Array = new Float32Array(0);
  /** Byte offsets of W, R, the x staging rows, xp, vin, vin2, hp. */
  private at = { W: 0, R: 0, xs: 0, xp: 0, vin: 0, vin2: 0, hp: 0, bW: 0, bR: 0, r: 0, z: 0, n: 0, li: 0, lf: 0, lg: 0, lo: 0, lc: 0, lh: 0, gr: 0, gz: 0, gn: 0, gh: 0 };
  /** Gates of a whole chunk of rows from recoverRows, [chunk, G] each (3-block loads only; else empty). */
  rows = { r: new Float32Array(0), z: new Float32Array(0), n: new Float32Array(0), h: new Float32Array(0) };

  constructor(module: WebAssembly.Module) {
    this.ex = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    const self = this;
    this.fusedLstm = {
      get i() { return self.lstm.i; },
      get f() { return self.lstm.f; },
      get g() { return self.lstm.g; },
      get o() { return self.lstm.o; },
      get c() { return self.lstm.c; },
      get h() { return self.lstm.h; },
      setBiases: (bW, bR) => this.setBiases(bW, bR),
      stepLstm: (row, feedBack) => this.stepLstm(row, feedBack),
    };
  }

  load(W: Float32Array, R: Float32Array, inputSize: number, hiddenSize: number, chunk: number, blocks = 3, recurrentSize = hiddenSize): void {
    const H = hiddenSize;
    const K = blocks;
    const G = up4(H);
    const Gr = up4(recurrentSize);
    const Ip = up4(inputSize);
    const rowGates = K === 3 && Gr === G ? chunk * G : 0;
    const sizes = { W: K * G * Ip, R: K * G * Gr, xs: chunk * Ip, xp: chunk * K * G, vin: chunk * Gr, vin2: chunk * Gr, hp: chunk * K * G, bW: K * G, bR: K * G, r: G, z: G, n: G, li: G, lf: G, lg: G, lo: G, lc: G, lh: G, gr: rowGates, gz: rowGates, gn: rowGates, gh: rowGates };
    let offset = 0;
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      this.at[key] = offset * 4;
      offset += sizes[key];
    }
    const bytes = offset * 4;
    const mem = this.ex.memory;
    if (mem.buffer.byteLength < bytes) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / PAGE));
    const all = new Float32Array(mem.buffer);
    all.fill(0, 0, offset);
    for (let row = 0; row < K * H; row++) {
      const g = Math.floor(row / H);
      const i = row - g * H;
      all.set(W.subarray(row * inputSize, (row + 1) * inputSize), this.at.W / 4 + (g * G + i) * Ip);
      all.set(R.subarray(row * recurrentSize, (row + 1) * recurrentSize), this.at.R / 4 + (g * G + i) * Gr);
    }
    const view = (key: keyof typeof sizes) => new Float32Array(mem.buffer, this.at[key], sizes[key]);
    this.xs = view('xs');
    this.xp = view('xp');
    this.hp = view('hp');
    this.vin = view('vin');
    this.vin2 = view('vin2');
    this.r = view('r');
    this.z = view('z');
    this.n = view('n');
    this.rows = { r: view('gr'), z: view('gz'), n: view('gn'), h: view('gh') };
    this.lstm = { i: view('li'), f: view('lf'), g: view('lg'), o: view('lo'), c: view('lc'), h: view('lh') };
    this.H = H;
    this.G = G;
    this.Gr = Gr;
    this.blocks = K;
    this.I = inputSize;
    this.Ip = Ip;
    this.chunk = chunk;
  }

  projectX(x: Float32Array, xOff: number, rows: number): void {
    const { I, Ip, xs } = this;
    for (let m = 0; m < rows; m++) {
      const src = xOff + m * I;
      const dst = m * Ip;
      for (let j = 0; j < I; j++) xs[dst + j] = x[src + j];
    }
    const N = this.blocks * this.G;
    this.ex.gemm(this.at.xs, rows, this.at.W, N, Ip, this.at.xp, N);
  }

  projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void {
    const { G, Gr } = this;
    const src = useVin2 ? this.at.vin2 : this.at.vin;
    this.ex.gemm(src, rows, this.at.R + block0 * G * Gr * 4, nBlocks * G, Gr, this.at.hp + block0 * G * 4, this.blocks * G);
  }

  /** R as loaded: [blocks * G, Gr] row-major, padding zero (what a thread pool copies to its threads). */
  protected loadedR(): Float32Array {
    return new Float32Array(this.ex.memory.buffer, this.at.R, this.blocks * this.G * this.Gr);
  }

  /** One vector only: hp[from .. from + count) = R[from .. from + count) · src (global row index, count a multiple of 4). */
  protected projectRows(useVin2: boolean, from: number, count: number): void {
    if (count <= 0) return;
    this.ex.matvec(this.at.R + from * this.Gr * 4, count, this.Gr, useVin2 ? this.at.vin2 : this.at.vin, this.at.hp + from * 4);
  }

  /** The fused steps' biases, [blocks * H] each in internal order. */
  setBiases(bW: Float32Array, bR: Float32Array): void {
    const { H, G } = this;
    const all = new Float32Array(this.ex.memory.buffer);
    for (let g = 0; g < this.blocks; g++) {
      all.set(bW.subarray(g * H, (g + 1) * H), this.at.bW / 4 + g * G);
      all.set(bR.subarray(g * H, (g + 1) * H), this.at.bR / 4 + g * G);
    }
  }

  step(row: number, linearBeforeReset: boolean, takeNew: boolean): void {
    const { ex, at, G } = this;
    const xp = at.xp + row * 3 * G * 4;
    this.projectV(false, 1, 0, linearBeforeReset ? 3 : 2);
    ex.stepRZ(xp, at.hp, at.bW, at.bR, at.vin, at.r, at.z, at.vin2, G);
    if (!linearBeforeReset) this.projectV(true, 1, 2, 1);
    ex.stepNH(xp, at.hp, at.bW, at.bR, at.vin, at.r, at.z, at.n, at.vin, G, linearBeforeReset ? 1 : 0, takeNew ? 1 : 0);
  }

  /**
   * Gates of `rows` independent rows at once (GRU, f = Sigmoid, g = Tanh, no clip; biases set):
   * xp rows from projectX, vin rows holding each row's h_{t-1}. Two blocked products over all rows
   * (R_r, R_z and, with linearBeforeReset, R_n against vin; else R_n against r ⊙ h_{t-1} in vin2),
   * then the fused elementwise math per row. Results land in `rows` ([rows, G] each).
   */
  recoverRows(rows: number, linearBeforeReset: boolean, takeNew: boolean): void {
    const { ex, at, G } = this;
    const row = 3 * G * 4;
    const g = G * 4;
    this.projectV(false, rows, 0, linearBeforeReset ? 3 : 2);
    for (let m = 0; m < rows; m++) ex.stepRZ(at.xp + m * row, at.hp + m * row, at.bW, at.bR, at.vin + m * g, at.gr + m * g, at.gz + m * g, at.vin2 + m * g, G);
    if (!linearBeforeReset) this.projectV(true, rows, 2, 1);
    const lbr = linearBeforeReset ? 1 : 0;
    const tn = takeNew ? 1 : 0;
    for (let m = 0; m < rows; m++) ex.stepNH(at.xp + m * row, at.hp + m * row, at.bW, at.bR, at.vin + m * g, at.gr + m * g, at.gz + m * g, at.gn + m * g, at.gh + m * g, G, lbr, tn);
  }

  private stepLstm(row: number, feedBack: boolean): void {
    const { ex, at, G } = this;
    this.projectV(false, 1, 0, 4);
    ex.stepLSTM(at.xp + row * 4 * G * 4, at.hp, at.bW, at.bR, at.li, at.lf, at.lg, at.lo, at.lc, at.lh, G);
    if (feedBack) this.vin.set(this.lstm.h);
  }
}

/** A fresh kernel instance, or null when this runtime cannot run the module (see wasmKernelError). */
export function createWasmKernel(): WasmKernel | null {
  const m = compiledModule();
  return m ? new WasmKernel(m) : null;
}
