// ONNX `clip`: bounds each activation's input (bias included) to [-c, c]; c = Infinity when unset.
export function clamp(v: number, c: number): number {
  return v < -c ? -c : v > c ? c : v;
}
