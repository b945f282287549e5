// The matrix products the engine needs, behind one interface with a JavaScript and a WebAssembly
// implementation. A kernel holds one direction's W and R and four work buffers; the engine does
// the elementwise gate math itself, reading the buffers.
//
// The same kernels serve every cell: GRU (3 gate blocks), LSTM (4) and vanilla RNN (1); the
// recurrent input width is the hidden size, except for an LSTM with a projection (PyTorch
// proj_size), whose R multiplies the projected state.
//
// Buffer layouts (K = blocks; G = the kernel's gate block stride: H for JS, H rounded up to 4 for
// WASM; Gr the same for the recurrent width; padding stays zero):
//   xp   [chunk, K*G]  row m = W · x_m            (no bias; block j at j*G, e.g. GRU r, z, n at 0, G, 2G)
//   hp   [chunk, K*G]  row m = R · vin_m (blocks chosen per call)
//   vin  [chunk, Gr]   vectors the engine writes (h_{t-1}); vin2 [chunk, Gr] (GRU: r ⊙ h_{t-1})
// Views may be replaced by load(): re-read them after each load.

export type KernelName = 'js' | 'wasm';

export interface MatKernel {
  readonly name: KernelName;
  /** Gate block stride of xp/hp rows. */
  readonly G: number;
  /** Row stride of vin/vin2 (the recurrent width, padded like G). */
  readonly Gr: number;
  /** Gate blocks per xp/hp row (3 for GRU, 4 for LSTM, 1 for RNN). */
  readonly blocks: number;
  /** Rows per chunk (xp/hp/vin capacity). */
  readonly chunk: number;
  readonly xp: Float32Array;
  readonly hp: Float32Array;
  readonly vin: Float32Array;
  readonly vin2: Float32Array;
  /**
   * Loads W [K*H, I] and R [K*H, Hr] (internal block order; K = blocks, default 3; Hr = recurrentSize,
   * default H) and sizes the buffers for `chunk` rows.
   */
  load(W: Float32Array, R: Float32Array, inputSize: number, hiddenSize: number, chunk: number, blocks?: number, recurrentSize?: number): void;
  /** xp rows 0..rows-1 = W · x_m, with x_m = x[xOff + m*I .. +I]. */
  projectX(x: Float32Array, xOff: number, rows: number): void;
  /** hp rows 0..rows-1, blocks block0..block0+nBlocks-1 = R_blocks · src_m, src = vin or vin2. */
  projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void;
  /** Present when the kernel can also run a whole GRU step for f = Sigmoid, g = Tanh, no clip (blocks 3, Hr = H only). */
  readonly fused?: FusedStep;
  /** Present when the kernel can compute the gates of many independent rows at once (gatesFromStates; f = Sigmoid, g = Tanh, no clip). */
  readonly rowGates?: RowGates;
  /** Present when the kernel can run a whole LSTM step for Sigmoid, Tanh, Tanh, no clip, peepholes or input_forget (blocks 4). */
  readonly fusedLstm?: FusedLstmStep;
}

/**
 * One whole LSTM step inside the kernel: R·h_{t-1} from vin row 0, then i, f, g, o, the new c
 * (updated in place: set c before the first step) and h = o ⊙ tanh(c) into the views below (length
 * G, first H meaningful). Without a projection, h is also copied into vin row 0 for the next step.
 */
export interface FusedLstmStep {
  readonly i: Float32Array;
  readonly f: Float32Array;
  readonly g: Float32Array;
  readonly o: Float32Array;
  readonly c: Float32Array;
  readonly h: Float32Array;
  /** Loads the biases (internal order i, f, g, o, [4H] each); call after load(). */
  setBiases(bW: Float32Array, bR: Float32Array): void;
  /** Step using xp row `row`; `feedBack`: h becomes the next step's vin (false when the caller projects h first). */
  stepLstm(row: number, feedBack: boolean): void;
}

/**
 * Gates of independent rows (each row: its own x_t and h_{t-1}), for recovering gates from given
 * states. Call after load() (3 blocks, recurrent width H) and setBiases(); fill xp by projectX and
 * vin rows (stride Gr) with each row's h_{t-1}.
 */
export interface RowGates {
  /** r, z, n, h of the rows, [chunk, G] each (first H of each row meaningful). */
  readonly rows: { r: Float32Array; z: Float32Array; n: Float32Array; h: Float32Array };
  setBiases(bW: Float32Array, bR: Float32Array): void;
  recoverRows(rows: number, linearBeforeReset: boolean, takeNew: boolean): void;
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
