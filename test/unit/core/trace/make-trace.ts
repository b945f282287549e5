// Builds seeded trace inputs for the trace-format tests.
import type { TraceInput, TraceLayerInput } from '../../../../src/core/trace/encode';
import type { GruConvention, TraceDocument, TraceLevel, TraceModel } from '../../../../src/core/trace/document';
import { gateOf, type DecodedLevel, type DecodedTrace } from '../../../../src/core/trace/decoded';
import { mulberry32 as rng } from '../../../../src/core/spec/random-input';

export const MODEL: TraceModel = { name: 'test-gru', source: 'native', engine: 'test data' };

/** PyTorch's GRU convention; version 2 keeps it on each GRU layer entry. */
export const CONVENTION: GruConvention = {
  gateOrder: ['r', 'z', 'n'],
  linearBeforeReset: true,
  zMeaning: 'keep-old',
  activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } },
};

/** The GRU gate names in display order (gateNames('gru')). */
export const GRU_GATE_NAMES = ['r', 'z', 'n', 'h'] as const;

/** Mulberry32 (the generator of random spec inputs): small, seeded, good enough for test data. */
export { rng };

/** Gate-like GRU values: r, z in (0, 1) and n, h in (-1, 1); gates [batch, steps, hidden]. */
export function makeInput(opts: { batch: number; steps: number; hidden: number[]; seed?: number; bidirectional?: boolean }): TraceInput {
  const next = rng(opts.seed ?? 1);
  const layers: TraceLayerInput[] = [];
  opts.hidden.forEach((H, layer) => {
    for (const direction of opts.bidirectional ? (['forward', 'reverse'] as const) : (['forward'] as const)) {
      const n = opts.batch * opts.steps * H;
      const unit = () => Float32Array.from({ length: n }, () => next());
      const signed = () => Float32Array.from({ length: n }, () => 2 * next() - 1);
      layers.push({ layer, direction, cell: 'gru', hiddenSize: H, convention: CONVENTION, gates: { r: unit(), z: unit(), n: signed(), h: signed() } });
    }
  });
  return { model: MODEL, layers, batch: opts.batch, steps: opts.steps };
}

/** A gate's input values (throws when the layer has no such gate). */
export function gateValues(l: TraceLayerInput, name: string): Float32Array {
  const v = l.gates[name];
  if (!v) throw new Error(`layer ${l.layer} ${l.direction} has no gate ${name}`);
  return v;
}

/** Level 0 of a gate in an encoded document (its values, as stored). */
export function storedLevel0(doc: TraceDocument, entry: number, gate: string): TraceLevel {
  const g = doc.layers[entry]!.gates.find((x) => x.name === gate);
  if (!g) throw new Error(`layers[${entry}] has no gate ${gate}`);
  return g.levels[0]!;
}

/** Level 0 of a decoded gate with its inline values (throws when they are in a sidecar). */
export function decodedLevel0(t: DecodedTrace, entry: number, gate: string): DecodedLevel & { values: Float32Array } {
  const g = gateOf(t.layers[entry]!, gate);
  if (!g) throw new Error(`layers[${entry}] has no gate ${gate}`);
  const level = g.levels[0]!;
  if (!level.mean) throw new Error(`layers[${entry}] gate ${gate}: level 0 is not inline`);
  return { ...level, values: level.mean };
}
