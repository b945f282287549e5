// One GRU layer entry of T steps x H units with gates given as functions of (step, unit), encoded by
// the core encoder at a precision: the documents the web tests render.
import type { TraceDocument } from '../../src/core/trace/document';
import { encodeTrace } from '../../src/core/trace/encode';

export type Wave = (t: number, u: number) => number;

/** A [T, H] gate filled by f(t, u). */
export function wave(T: number, H: number, f: Wave): Float32Array {
  return Float32Array.from({ length: T * H }, (_, i) => f(Math.floor(i / H), i % H));
}

/** The document of one GRU layer entry (PyTorch convention) with gates r, z, n, h. */
export function gruDocument(name: string, T: number, H: number, gates: { r: Float32Array; z: Float32Array; n: Float32Array; h: Float32Array }, precision: 'float32' | 'float16' | 'uint8'): TraceDocument {
  return encodeTrace(
    {
      model: { name, source: 'native', engine: 'test' },
      layers: [{
        layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, name: 'gru',
        convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
        gates,
      }],
      batch: 1,
      steps: T,
    },
    { precision, maxBytes: Infinity },
  ).document;
}
