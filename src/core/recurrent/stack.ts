// Stacked layers: the next layer's input is the concatenation [forward h, reverse h] per step
// (PyTorch, and ONNX exports of stacked bidirectional layers).

/** Two [rows, W] arrays -> [rows, 2W]. */
export function concatDirections(fwd: Float32Array, rev: Float32Array, rows: number, W: number): Float32Array {
  const out = new Float32Array(rows * 2 * W);
  for (let m = 0; m < rows; m++) {
    out.set(fwd.subarray(m * W, (m + 1) * W), m * 2 * W);
    out.set(rev.subarray(m * W, (m + 1) * W), m * 2 * W + W);
  }
  return out;
}
