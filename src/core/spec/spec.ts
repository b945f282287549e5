// A Gatescope spec cell: what to run and on which input. Written by people in notebook cells
// (docs/spec-cells.md) and by the host when it inserts a result, so that the cell can be re-run.

export const SPEC_ENGINES = ['onnxruntime', 'native'] as const;
export const SPEC_PRECISIONS = ['auto', 'float32', 'float16', 'uint8'] as const;
export type SpecEngine = (typeof SPEC_ENGINES)[number];
export type SpecPrecision = (typeof SPEC_PRECISIONS)[number];

export type SpecInput =
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'random'; seed: number; steps: number };

export interface Spec {
  /** Model path: relative to the notebook's folder, or absolute. */
  model: string;
  input: SpecInput;
  /** Token strings by id; overrides the model's `gatescope.vocab` metadata. */
  vocab?: string[];
  /** One label per step; overrides labels derived from the vocabulary. */
  tokens?: string[];
  /** Override the gatescope.engine / gatescope.precision settings for this cell. */
  engine?: SpecEngine;
  precision?: SpecPrecision;
  /** Layer indices to keep in the output (all when absent). */
  layers?: number[];
  /** Run a second time and compare (issue 14): another model, another input, or both. */
  compare?: SpecCompare;
  /** |a − b| above this is a divergence (with compare; default DEFAULT_COMPARE_TOLERANCE). */
  tolerance?: number;
}

/** The second run of a comparison: what differs from the first (at least one of the two). */
export interface SpecCompare {
  /** Another model (path as for `model`); absent: the same model. */
  model?: string;
  /** Another input; absent: the same input. */
  input?: SpecInput;
}

export const DEFAULT_COMPARE_TOLERANCE = 1e-5;

/** One problem found in a spec, with the 1-based line it is on (0 when the field is missing). */
export interface SpecProblem {
  line: number;
  field: string;
  message: string;
}

export type SpecResult = { ok: true; spec: Spec } | { ok: false; problems: SpecProblem[] };

export const SPEC_FIELDS = ['model', 'input', 'text', 'file', 'seed', 'steps', 'vocab', 'tokens', 'engine', 'precision', 'layers', 'compare', 'tolerance'] as const;
export type SpecField = (typeof SPEC_FIELDS)[number];

export const DEFAULT_RANDOM_STEPS = 32;
export const MAX_RANDOM_STEPS = 1_000_000;

/** "line 3, field `engine`: ..." — the one form every spec error is shown in. */
export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `line ${p.line}, ` : '';
  return `${where}field \`${p.field}\`: ${p.message}`;
}
