// Builds seeded trace inputs for the trace-format tests.
import type { TraceInput, TraceLayerInput } from '../../../../src/core/trace/encode';
import type { TraceModel } from '../../../../src/core/trace/document';
import { mulberry32 as rng } from '../../../../src/core/spec/random-input';

export const MODEL: TraceModel = {
  name: 'test-gru',
  source: 'native',
  engine: 'test data',
  convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
};

/** Mulberry32 (the generator of random spec inputs): small, seeded, good enough for test data. */
export { rng };

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
