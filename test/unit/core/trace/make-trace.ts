// Builds seeded trace inputs for the trace-format tests.
import type { TraceInput, TraceLayerInput } from '../../../../src/core/trace/encode';
import type { TraceModel } from '../../../../src/core/trace/document';

export const MODEL: TraceModel = {
  name: 'test-gru',
  source: 'native',
  engine: 'test data',
  convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
};

/** Mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gate-like values: r, z in (0, 1) and n, h in (-1, 1). */
export function makeInput(opts: { batch: number; steps: number; hidden: number[]; seed?: number; bidirectional?: boolean }): TraceInput {
  const next = rng(opts.seed ?? 1);
  const layers: TraceLayerInput[] = [];
  opts.hidden.forEach((H, layer) => {
    for (const direction of opts.bidirectional ? (['forward', 'reverse'] as const) : (['forward'] as const)) {
      const n = opts.batch * opts.steps * H;
      const unit = () => Float32Array.from({ length: n }, () => next());
      const signed = () => Float32Array.from({ length: n }, () => 2 * next() - 1);
      layers.push({ layer, direction, hiddenSize: H, r: unit(), z: unit(), n: signed(), h: signed() });
    }
  });
  return { model: MODEL, layers, batch: opts.batch, steps: opts.steps };
}
