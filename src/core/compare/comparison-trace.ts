// Two recorded runs -> one comparison: the runs lined up (alignRuns), optionally b's units matched to
// a's (unit alignment by correlation of h), the per-gate statistics, and the encoder input of a
// comparison trace (format v2: a's layer entries, b's tagged run "b", and the `compare` section).
// One path for every producer that compares runs: `gatescope diff` and the notebook's `compare:`.

import { gateSet } from '../cells/gate-sets';
import type { TraceCompare } from '../trace/document';
import type { TraceInput, TraceLayerInput } from '../trace/encode';
import { alignRuns, type RunShape } from './align';
import { compareRuns, type RunComparison } from './compare-runs';
import { CompareError } from './errors';
import { alignUnits, permuteUnits } from './unit-alignment';

export interface ComparisonOptions {
  /** Labels of the runs, in the document and in messages. */
  labels: { a: string; b: string };
  /** Names of the runs in error messages (e.g. the paths as typed); default the labels. */
  names?: { a: string; b: string };
  tolerance: number;
  /** Match b's units to a's by correlation of h before comparing. */
  alignUnits?: boolean;
  producer?: string;
  createdAt?: string;
}

export interface Comparison extends RunComparison {
  /** Encoder input of the comparison trace. */
  input: TraceInput;
  unitAlignment: NonNullable<TraceCompare['unitAlignment']>;
}

/** The shape alignRuns checks, from an encoder input (the entries of run a). */
export function runShape(input: TraceInput): RunShape {
  const shape: RunShape = {
    batch: input.batch,
    steps: input.steps,
    layers: input.layers
      .filter((l) => l.run !== 'b')
      .map((l) => ({
        layer: l.layer,
        direction: l.direction,
        cell: l.cell,
        hiddenSize: l.hiddenSize,
        gates: (l.specs ?? gateSet(l.cell)).map((s) => ({ name: s.name, units: l.gates[s.name]!.length / (input.batch * input.steps) })),
      })),
  };
  if (input.sequenceLengths) shape.sequenceLengths = input.sequenceLengths;
  return shape;
}

/** Compares run a with run b (both plain runs: every entry is taken as its run). Throws CompareError when they do not line up. */
export function compareTraceInputs(a: TraceInput, b: TraceInput, opts: ComparisonOptions): Comparison {
  const aLayers = a.layers.filter((l) => l.run !== 'b');
  const bLayers = b.layers.filter((l) => l.run !== 'b');
  const pairs = alignRuns(runShape({ ...a, layers: aLayers }), runShape({ ...b, layers: bLayers }), opts.names ?? opts.labels);
  const bShown: TraceLayerInput[] = [...bLayers];
  const unitAlignment: Comparison['unitAlignment'] = [];
  if (opts.alignUnits) {
    for (const p of pairs) {
      const la = aLayers[p.a]!;
      const lb = bLayers[p.b]!;
      const off = p.gates.find((g) => g.units !== lb.hiddenSize);
      if (off) throw new CompareError(`unit alignment: layer ${p.layer} ${p.direction} gate ${off.name} has ${off.units} units, not the layer's ${lb.hiddenSize} (a projected LSTM); compare it without unit alignment`);
      const dims = { batch: a.batch, steps: a.steps, units: lb.hiddenSize };
      const { permutation } = alignUnits(la.gates['h']!, lb.gates['h']!, dims, a.sequenceLengths);
      const gates: Record<string, Float32Array> = {};
      for (const [g, v] of Object.entries(lb.gates)) gates[g] = permuteUnits(v, permutation, lb.hiddenSize);
      bShown[p.b] = { ...lb, gates };
      unitAlignment.push({ layer: p.layer, direction: p.direction, permutation });
    }
  }
  const result = compareRuns(pairs, (p, gate, run) => (run === 'a' ? aLayers[p.a]! : bShown[p.b]!).gates[gate]!, a, opts.tolerance);
  const compare: TraceCompare = { a: { label: opts.labels.a }, b: { label: opts.labels.b }, tolerance: opts.tolerance, stats: result.stats };
  if (unitAlignment.length) compare.unitAlignment = unitAlignment;
  const warnings = [...(a.warnings ?? []).map((w) => `${opts.labels.a}: ${w}`), ...(b.warnings ?? []).map((w) => `${opts.labels.b}: ${w}`)];
  const input: TraceInput = {
    model: { ...a.model, name: `${opts.labels.a} vs ${opts.labels.b}` },
    layers: [...pairs.map((p) => ({ ...aLayers[p.a]!, run: 'a' as const })), ...pairs.map((p) => ({ ...bShown[p.b]!, run: 'b' as const }))],
    batch: a.batch,
    steps: a.steps,
    compare,
  };
  if (a.tokens) input.tokens = a.tokens;
  if (a.sequenceLengths) input.sequenceLengths = a.sequenceLengths;
  if (warnings.length) input.warnings = warnings;
  if (opts.producer) input.producer = opts.producer;
  if (opts.createdAt) input.createdAt = opts.createdAt;
  return { ...result, input, unitAlignment };
}
