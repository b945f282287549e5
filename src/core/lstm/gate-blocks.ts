// Reorders packed LSTM gate blocks from a source's order into the internal order i, f, g, o.
// Sources name the candidate differently (ONNX and Keras "c"); here it is always "g".

export const INTERNAL_ORDER = ['i', 'f', 'g', 'o'] as const;
/** PyTorch weight_ih / weight_hh: [W_ii | W_if | W_ig | W_io]. */
export const PYTORCH_ORDER = ['i', 'f', 'g', 'o'] as const;
/** ONNX W, R, B: i, o, f, c. */
export const ONNX_ORDER = ['i', 'o', 'f', 'g'] as const;
/** Keras kernel columns: i, f, c, o. */
export const KERAS_ORDER = ['i', 'f', 'g', 'o'] as const;
/** ONNX peepholes P [3H]: i, o, f; internal i, f, o. */
export const ONNX_PEEPHOLE_ORDER = ['i', 'o', 'f'] as const;
export const PEEPHOLE_ORDER = ['i', 'f', 'o'] as const;

/** Copies `blocks.length` row blocks of [H, cols] (source order `from`) into the order `to`. */
export function reorderBlocks(src: Float32Array, offset: number, H: number, cols: number, from: readonly string[], to: readonly string[]): Float32Array {
  const out = new Float32Array(to.length * H * cols);
  const block = H * cols;
  to.forEach((gate, g) => {
    const s = from.indexOf(gate);
    out.set(src.subarray(offset + s * block, offset + (s + 1) * block), g * block);
  });
  return out;
}

/** Row-major [rows, 4H] with column blocks in source order (Keras kernels) -> internal [4H, rows]. */
export function transposeBlocks(src: Float32Array, rows: number, H: number, from: readonly string[]): Float32Array {
  const K = INTERNAL_ORDER.length;
  const out = new Float32Array(K * H * rows);
  INTERNAL_ORDER.forEach((gate, g) => {
    const s = from.indexOf(gate);
    for (let i = 0; i < H; i++) {
      const col = s * H + i;
      const dst = (g * H + i) * rows;
      for (let j = 0; j < rows; j++) out[dst + j] = src[j * K * H + col];
    }
  });
  return out;
}
