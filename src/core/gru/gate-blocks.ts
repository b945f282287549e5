// Reorders packed gate blocks from a source's order into the internal order r, z, n.

/** Internal gate block order. */
export const INTERNAL_ORDER = ['r', 'z', 'n'] as const;
export const PYTORCH_ORDER = ['r', 'z', 'n'] as const;
/** ONNX and Keras pack the update gate first (ONNX calls the candidate "h"). */
export const ONNX_ORDER = ['z', 'r', 'n'] as const;
export const KERAS_ORDER = ['z', 'r', 'n'] as const;

type Gate = (typeof INTERNAL_ORDER)[number];

/**
 * Copies a row-major [3H, cols] block matrix (source gate order) into internal order.
 * `src` starts at `offset` (for ONNX's [D, 3H, cols] tensors).
 */
export function reorderRows(src: Float32Array, offset: number, H: number, cols: number, order: readonly Gate[]): Float32Array {
  const out = new Float32Array(3 * H * cols);
  const block = H * cols;
  INTERNAL_ORDER.forEach((gate, g) => {
    const s = order.indexOf(gate);
    out.set(src.subarray(offset + s * block, offset + (s + 1) * block), g * block);
  });
  return out;
}

/**
 * Transposes a row-major [rows, 3H] matrix whose column blocks are in source order (Keras kernels)
 * into an internal [3H, rows] matrix.
 */
export function transposeColumns(src: Float32Array, rows: number, H: number, order: readonly Gate[]): Float32Array {
  const out = new Float32Array(3 * H * rows);
  INTERNAL_ORDER.forEach((gate, g) => {
    const s = order.indexOf(gate);
    for (let i = 0; i < H; i++) {
      const col = s * H + i;
      const dst = (g * H + i) * rows;
      for (let j = 0; j < rows; j++) out[dst + j] = src[j * 3 * H + col];
    }
  });
  return out;
}
