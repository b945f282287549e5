// Parser for spec cells (docs/spec-cells.md). Two spellings of the same fields:
//   key: value lines ("#" starts a comment line; a value starting with " or [ is read as JSON, and
//   so is a `compare:` value starting with {), or
//   one JSON object (text starting with "{").
// Every problem names its line and field; all problems are reported at once.

import {
  DEFAULT_RANDOM_STEPS,
  MAX_RANDOM_STEPS,
  SPEC_ENGINES,
  SPEC_FIELDS,
  SPEC_PRECISIONS,
  type Spec,
  type SpecField,
  type SpecInput,
  type SpecProblem,
  type SpecResult,
} from './spec';

interface RawValue {
  line: number;
  /** String as written (key: value form) or the parsed JSON value (JSON form, or a JSON-looking value). */
  value: unknown;
}

const INPUT_KINDS = ['text', 'file', 'random'] as const;

export function parseSpec(text: string): SpecResult {
  const problems: SpecProblem[] = [];
  const raw = text.trimStart().startsWith('{') ? readJson(text, problems) : readLines(text, problems);
  if (problems.length > 0) return { ok: false, problems };
  const spec = build(raw, problems);
  return problems.length > 0 || !spec ? { ok: false, problems } : { ok: true, spec };
}

function isField(key: string): key is SpecField {
  return (SPEC_FIELDS as readonly string[]).includes(key);
}

function unknownField(key: string, line: number): SpecProblem {
  return { line, field: key, message: `unknown field; the fields are ${SPEC_FIELDS.join(', ')}` };
}

function readLines(text: string, problems: SpecProblem[]): Map<SpecField, RawValue> {
  const out = new Map<SpecField, RawValue>();
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const line = i + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) {
      problems.push({ line, field: trimmed.split(/\s/)[0]!, message: 'expected `key: value` (e.g. `model: model.onnx`)' });
      return;
    }
    const key = trimmed.slice(0, colon).trim();
    const valueText = trimmed.slice(colon + 1).trim();
    if (!isField(key)) return void problems.push(unknownField(key, line));
    if (out.has(key)) return void problems.push({ line, field: key, message: `given twice (first on line ${out.get(key)!.line})` });
    if (valueText.startsWith('"') || valueText.startsWith('[') || (key === 'compare' && valueText.startsWith('{'))) {
      try {
        out.set(key, { line, value: JSON.parse(valueText) });
      } catch (e) {
        problems.push({ line, field: key, message: `a value starting with ${valueText[0]} must be valid JSON (${(e as Error).message})` });
      }
      return;
    }
    out.set(key, { line, value: valueText });
  });
  return out;
}

/** 1-based line of the first `"key"` in the JSON text (0 when not found). */
function jsonLineOf(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at < 0 ? 0 : text.slice(0, at).split('\n').length;
}

function readJson(text: string, problems: SpecProblem[]): Map<SpecField, RawValue> {
  const out = new Map<SpecField, RawValue>();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
    problems.push({ line, field: '(json)', message: `not valid JSON: ${msg}` });
    return out;
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    problems.push({ line: 1, field: '(json)', message: 'a JSON spec must be one object, e.g. {"model": "model.onnx", "input": "random"}' });
    return out;
  }
  for (const [key, value] of Object.entries(root)) {
    const line = jsonLineOf(text, key);
    if (!isField(key)) problems.push(unknownField(key, line));
    else out.set(key, { line, value });
  }
  return out;
}

function build(raw: Map<SpecField, RawValue>, problems: SpecProblem[]): Spec | undefined {
  const fail = (field: SpecField, message: string): undefined => {
    problems.push({ line: raw.get(field)?.line ?? 0, field, message });
    return undefined;
  };
  const str = (field: SpecField): string | undefined => {
    const r = raw.get(field);
    if (!r) return undefined;
    if (typeof r.value !== 'string' || r.value === '') return fail(field, 'expected a non-empty string');
    return r.value;
  };
  const oneOf = <T extends string>(field: SpecField, allowed: readonly T[]): T | undefined => {
    const v = str(field);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) return fail(field, `"${v}" is not one of ${allowed.join(', ')}`);
    return v as T;
  };
  const int = (field: SpecField, min: number, max: number): number | undefined => {
    const r = raw.get(field);
    if (!r) return undefined;
    const n = typeof r.value === 'number' ? r.value : typeof r.value === 'string' && /^-?\d+$/.test(r.value) ? Number(r.value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) return fail(field, `expected an integer from ${min} to ${max}, found ${JSON.stringify(r.value)}`);
    return n;
  };
  const stringList = (field: SpecField): string[] | undefined => {
    const r = raw.get(field);
    if (!r) return undefined;
    if (!Array.isArray(r.value) || r.value.length === 0 || !r.value.every((s) => typeof s === 'string')) {
      return fail(field, 'expected a non-empty JSON array of strings, e.g. ["(", ")", "a"]');
    }
    return r.value as string[];
  };

  const model = str('model');
  if (!raw.has('model')) fail('model', 'missing; give the ONNX model path, relative to the notebook (e.g. `model: model.onnx`)');
  const kind = oneOf('input', INPUT_KINDS);
  if (!raw.has('input')) fail('input', `missing; give one of ${INPUT_KINDS.join(', ')} (e.g. \`input: random\`)`);

  let input: SpecInput | undefined;
  const only = (field: SpecField, forKind: string): void => {
    if (raw.has(field) && kind !== undefined && kind !== forKind) fail(field, `only used with \`input: ${forKind}\` (input is ${kind})`);
  };
  only('text', 'text');
  only('file', 'file');
  only('seed', 'random');
  only('steps', 'random');
  if (kind === 'text') {
    const text = raw.get('text');
    if (!text) fail('text', 'missing; `input: text` needs `text: ...` (a JSON string keeps leading spaces or a leading quote)');
    else if (typeof text.value !== 'string' || text.value.length === 0) fail('text', 'expected a non-empty string');
    else input = { kind: 'text', text: text.value };
  } else if (kind === 'file') {
    const path = str('file');
    if (!raw.has('file')) fail('file', 'missing; `input: file` needs `file: input.npy` (.npy or .json, relative to the notebook)');
    else if (path !== undefined) {
      if (!/\.(npy|json)$/i.test(path)) fail('file', `"${path}" must end in .npy or .json`);
      else input = { kind: 'file', path };
    }
  } else if (kind === 'random') {
    const seed = raw.has('seed') ? int('seed', 0, 2 ** 31 - 1) : 0;
    const steps = raw.has('steps') ? int('steps', 1, MAX_RANDOM_STEPS) : DEFAULT_RANDOM_STEPS;
    if (seed !== undefined && steps !== undefined) input = { kind: 'random', seed, steps };
  }

  const vocab = stringList('vocab');
  const tokens = stringList('tokens');
  const engine = oneOf('engine', SPEC_ENGINES);
  const precision = oneOf('precision', SPEC_PRECISIONS);
  let layers: number[] | undefined;
  const layersRaw = raw.get('layers');
  if (layersRaw) {
    const items = Array.isArray(layersRaw.value) ? layersRaw.value : typeof layersRaw.value === 'string' ? layersRaw.value.split(',').map((s) => s.trim()) : [];
    const nums = items.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN));
    if (nums.length === 0 || nums.some((n) => !Number.isSafeInteger(n) || n < 0)) {
      fail('layers', `expected layer indices such as \`0\` or \`0, 1\`, found ${JSON.stringify(layersRaw.value)}`);
    } else layers = [...new Set(nums)].sort((a, b) => a - b);
  }

  const compare = raw.has('compare') ? readCompare(raw.get('compare')!, input, problems) : undefined;
  let tolerance: number | undefined;
  const tol = raw.get('tolerance');
  if (tol) {
    const n = typeof tol.value === 'number' ? tol.value : typeof tol.value === 'string' && tol.value.trim() !== '' ? Number(tol.value) : Number.NaN;
    if (!Number.isFinite(n) || n < 0) fail('tolerance', `expected a number >= 0 such as 1e-5, found ${JSON.stringify(tol.value)}`);
    else if (!raw.has('compare')) fail('tolerance', 'only used with `compare:` (the largest |a - b| still counted as agreement)');
    else tolerance = n;
  }

  if (problems.length > 0 || model === undefined || input === undefined) return undefined;
  const spec: Spec = { model, input };
  if (vocab) spec.vocab = vocab;
  if (tokens) spec.tokens = tokens;
  if (engine) spec.engine = engine;
  if (precision) spec.precision = precision;
  if (layers) spec.layers = layers;
  if (compare) spec.compare = compare;
  if (tolerance !== undefined) spec.tolerance = tolerance;
  return spec;
}

const COMPARE_HELP = 'give another model (`compare: other.onnx`) or a JSON object with what differs: {"model": "other.onnx"}, {"text": "..."}, {"file": "x2.npy"}, {"seed": 1, "steps": 32}, or a model and an input';

/** `compare:` — a model path, or {model?, text | file | seed/steps}. */
function readCompare(r: RawValue, first: SpecInput | undefined, problems: SpecProblem[]): Spec['compare'] {
  const fail = (message: string): undefined => void problems.push({ line: r.line, field: 'compare', message });
  if (typeof r.value === 'string') {
    if (r.value === '' || r.value.startsWith('{')) return fail(COMPARE_HELP);
    if (!/\.onnx$/i.test(r.value)) return fail(`"${r.value}" is not an .onnx model; ${COMPARE_HELP}`);
    return { model: r.value };
  }
  if (typeof r.value !== 'object' || r.value === null || Array.isArray(r.value)) return fail(COMPARE_HELP);
  const o = r.value as Record<string, unknown>;
  const keys = Object.keys(o);
  const unknown = keys.find((k) => !['model', 'text', 'file', 'seed', 'steps'].includes(k));
  if (unknown) return fail(`unknown key "${unknown}"; ${COMPARE_HELP}`);
  const out: NonNullable<Spec['compare']> = {};
  if (o['model'] !== undefined) {
    if (typeof o['model'] !== 'string' || !/\.onnx$/i.test(o['model'])) return fail(`"model" must be the path of an .onnx file, found ${JSON.stringify(o['model'])}`);
    out.model = o['model'];
  }
  const kinds = [o['text'] !== undefined && 'text', o['file'] !== undefined && 'file', (o['seed'] !== undefined || o['steps'] !== undefined) && 'random'].filter(Boolean);
  if (kinds.length > 1) return fail(`give one input for the second run, found ${kinds.join(' and ')}`);
  if (o['text'] !== undefined) {
    if (typeof o['text'] !== 'string' || o['text'] === '') return fail('"text" must be a non-empty string');
    out.input = { kind: 'text', text: o['text'] };
  } else if (o['file'] !== undefined) {
    if (typeof o['file'] !== 'string' || !/\.(npy|json)$/i.test(o['file'])) return fail(`"file" must be a .npy or .json path, found ${JSON.stringify(o['file'])}`);
    out.input = { kind: 'file', path: o['file'] };
  } else if (kinds.length === 1) {
    const int = (k: string, min: number, max: number, dflt: number): number | undefined => {
      const v = o[k] ?? dflt;
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : undefined;
    };
    const seed = int('seed', 0, 2 ** 31 - 1, first?.kind === 'random' ? first.seed : 0);
    const steps = int('steps', 1, MAX_RANDOM_STEPS, first?.kind === 'random' ? first.steps : DEFAULT_RANDOM_STEPS);
    if (seed === undefined || steps === undefined) return fail(`"seed" must be an integer from 0 to ${2 ** 31 - 1} and "steps" from 1 to ${MAX_RANDOM_STEPS}`);
    out.input = { kind: 'random', seed, steps };
  }
  if (!out.model && !out.input) return fail(`nothing differs from the first run; ${COMPARE_HELP}`);
  return out;
}
