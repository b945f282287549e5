// The matrix products the engine needs, behind one interface with a JavaScript and a WebAssembly
// implementation. A kernel holds one direction's W and R and four work buffers; the engine does
// the elementwise gate math itself, reading the buffers.
//
// Buffer layouts (G = the kernel's gate block stride: H for JS, H rounded up to 4 for WASM,
// padding stays zero):
//   xp   [chunk, 3G]  row m = W · x_m            (no bias; blocks r, z, n at 0, G, 2G)
//   hp   [chunk, 3G]  row m = R · vin_m (blocks chosen per call)
//   vin  [chunk, G]   vectors the engine writes (h_{t-1}); vin2 [chunk, G] (r ⊙ h_{t-1})
// Views may be replaced by load(): re-read them after each load.

export type KernelName = 'js' | 'wasm';

export interface MatKernel {
  readonly name: KernelName;
  /** Gate block stride of xp/hp rows and vin rows. */
  readonly G: number;
  /** Rows per chunk (xp/hp/vin capacity). */
  readonly chunk: number;
  readonly xp: Float32Array;
  readonly hp: Float32Array;
  readonly vin: Float32Array;
  readonly vin2: Float32Array;
  /** Loads W [3H, I] and R [3H, H] (internal block order) and sizes the buffers for `chunk` rows. */
  load(W: Float32Array, R: Float32Array, inputSize: number, hiddenSize: number, chunk: number): void;
  /** xp rows 0..rows-1 = W · x_m, with x_m = x[xOff + m*I .. +I]. */
  projectX(x: Float32Array, xOff: number, rows: number): void;
  /** hp rows 0..rows-1, blocks block0..block0+nBlocks-1 = R_blocks · src_m, src = vin or vin2. */
  projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void;
  /** Present when the kernel can also run a whole recurrent step for f = Sigmoid, g = Tanh, no clip. */
  readonly fused?: FusedStep;
}

/**
 * One whole recurrent step inside the kernel: h_{t-1} is read from vin row 0, the new h is written
 * back there, and r, z, n land in the views below (length G, first H meaningful).
 */
export interface FusedStep {
  readonly r: Float32Array;
  readonly z: Float32Array;
  readonly n: Float32Array;
  /** Loads the biases (internal order, [3H] each); call after load(). */
  setBiases(bW: Float32Array, bR: Float32Array): void;
  /** Step using xp row `row` (from projectX) as the input projection. */
  step(row: number, linearBeforeReset: boolean, takeNew: boolean): void;
}
