// Reordering of row-major input tensors between ONNX's step-major and the engine's batch-major layout.

/** [T, B, I] -> [B, T, I]; reads the first T * B * I values of x. */
export function toBatchFirst(x: Float32Array, T: number, B: number, I: number): Float32Array {
  const out = new Float32Array(T * B * I);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(x.subarray((t * B + b) * I, (t * B + b + 1) * I), (b * T + t) * I);
  return out;
}
