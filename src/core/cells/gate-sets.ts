// The gate sets of the recurrent cells Gatescope traces: one definition, used by the engines, the
// ONNX path, the trace format (v2 layers list their gates), the renderer and the exporters.
// Names are the conventional single letters (PyTorch docs, ONNX operator spec, Keras):
//   GRU:  r reset, z update, n candidate, h hidden state
//   LSTM: i input, f forget, g candidate (ONNX "c" in its packed order), o output, c cell state, h hidden
//   RNN:  h hidden
// Each gate carries its role, the range its colour scale spans and the kind of colour scale.

export type CellKind = 'gru' | 'lstm' | 'rnn';
export const CELL_KINDS: readonly CellKind[] = ['gru', 'lstm', 'rnn'];

export type GateRole = 'reset' | 'update' | 'candidate' | 'input' | 'forget' | 'output' | 'cell' | 'hidden';

/**
 * The values a gate's colour scale spans:
 * - [lo, hi]: a fixed interval, for bounded activations (sigmoid [0, 1], tanh [-1, 1]);
 * - "symmetric": [-m, m] with m the largest finite |value| of the data (LSTM cell state, unbounded);
 * - "data": [min, max] of the finite data (relu outputs).
 * A reader says in the legend when a range comes from the data.
 */
export type GateRange = readonly [number, number] | 'symmetric' | 'data';

/** sequential: one hue from low to high (gates in [0, 1]); diverging: two hues around 0. */
export type ColourScale = 'sequential' | 'diverging';

export interface GateSpec {
  readonly name: string;
  readonly role: GateRole;
  readonly range: GateRange;
  readonly scale: ColourScale;
}

const UNIT: GateRange = [0, 1];
const SIGNED: GateRange = [-1, 1];

export const GRU_GATES: readonly GateSpec[] = [
  { name: 'r', role: 'reset', range: UNIT, scale: 'sequential' },
  { name: 'z', role: 'update', range: UNIT, scale: 'sequential' },
  { name: 'n', role: 'candidate', range: SIGNED, scale: 'diverging' },
  { name: 'h', role: 'hidden', range: SIGNED, scale: 'diverging' },
];

export const LSTM_GATES: readonly GateSpec[] = [
  { name: 'i', role: 'input', range: UNIT, scale: 'sequential' },
  { name: 'f', role: 'forget', range: UNIT, scale: 'sequential' },
  { name: 'g', role: 'candidate', range: SIGNED, scale: 'diverging' },
  { name: 'o', role: 'output', range: UNIT, scale: 'sequential' },
  { name: 'c', role: 'cell', range: 'symmetric', scale: 'diverging' },
  { name: 'h', role: 'hidden', range: SIGNED, scale: 'diverging' },
];

export const RNN_GATES: readonly GateSpec[] = [{ name: 'h', role: 'hidden', range: SIGNED, scale: 'diverging' }];

const DEFAULT_SETS: Record<CellKind, readonly GateSpec[]> = { gru: GRU_GATES, lstm: LSTM_GATES, rnn: RNN_GATES };

/** The gate names of a cell kind, in display order. */
export function gateNames(cell: CellKind): string[] {
  return DEFAULT_SETS[cell].map((g) => g.name);
}

/** Range of an ONNX activation's output, when it is bounded; undefined for unbounded ones. */
export function activationRange(name: string, alpha?: number): GateRange | undefined {
  switch (name.toLowerCase()) {
    case 'sigmoid':
    case 'hardsigmoid':
      return UNIT;
    case 'tanh':
    case 'softsign':
      return SIGNED;
    case 'scaledtanh': {
      const a = Math.abs(alpha ?? 1);
      return [-a, a];
    }
    default:
      return undefined;
  }
}

/**
 * The gate set of a cell, with ranges that follow its actual activations: `gateAct` squashes the
 * gates (GRU r, z; LSTM i, f, o), `candidateAct` the candidate (GRU n, LSTM g, RNN h). A gate whose
 * activation is unbounded (Relu, Affine, ...) gets a range from the data ("symmetric" when its scale
 * is diverging, else "data"). LSTM h = o ⊙ h_act(c) is bounded by the output activation; callers
 * pass it as `outputAct` (default Tanh).
 */
export function gateSet(
  cell: CellKind,
  acts: { gateAct?: { name: string; alpha?: number }; candidateAct?: { name: string; alpha?: number }; outputAct?: { name: string; alpha?: number }; projected?: boolean } = {},
): GateSpec[] {
  const pick = (spec: GateSpec, act: { name: string; alpha?: number } | undefined): GateSpec => {
    if (!act) return spec;
    const r = activationRange(act.name, act.alpha);
    return { ...spec, range: r ?? (spec.scale === 'diverging' ? 'symmetric' : 'data') };
  };
  return DEFAULT_SETS[cell].map((spec) => {
    switch (spec.role) {
      case 'reset':
      case 'update':
      case 'input':
      case 'forget':
      case 'output':
        return pick(spec, acts.gateAct);
      case 'candidate':
        return pick(spec, acts.candidateAct);
      case 'hidden':
        if (cell === 'rnn') return pick(spec, acts.candidateAct);
        // A projected LSTM's h = W_hr (o ⊙ h_act(c)) is unbounded (PyTorch proj_size).
        if (cell === 'lstm') return acts.projected ? { ...spec, range: 'symmetric' } : pick(spec, acts.outputAct);
        return pick(spec, acts.candidateAct);
      default:
        return spec;
    }
  });
}

/**
 * One layer entry's recorded values: every gate of its cell, each [batch, steps, units] row-major in
 * input time order (a reverse direction is indexed by input time too). `units` is the hidden size
 * for every gate, except LSTM h with a projection (PyTorch proj_size), which has projSize units.
 */
export interface LayerGateValues {
  layer: number;
  direction: 'forward' | 'reverse';
  cell: CellKind;
  hiddenSize: number;
  name?: string;
  /** Keyed by gate name; exactly the names of gateNames(cell). */
  gates: Record<string, Float32Array>;
}
