// decodeTrace: parsed JSON -> DecodedTrace, validating every field the renderer relies on. Unknown
// fields are ignored (version 1 may gain optional fields); a larger version number is refused with
// a message that says to update Gatescope.

import {
  GATE_NAMES,
  TRACE_FORMAT,
  TRACE_VERSION,
  type ActivationSpec,
  type DecodedLayer,
  type DecodedTrace,
  type TraceCheck,
  type TraceDownsample,
  type TraceModel,
} from './document';
import { TraceFormatError } from './errors';
import { decodeTensor, describe, isObject, type Dims } from './tensor';

export function decodeTrace(json: unknown): DecodedTrace {
  if (typeof json === 'string') throw new TraceFormatError('', 'expected a parsed JSON object, found a string (call JSON.parse first)');
  if (!isObject(json)) throw new TraceFormatError('', `expected a Gatescope trace object, found ${describe(json)}`);
  if (json['format'] !== TRACE_FORMAT) {
    throw new TraceFormatError('format', `expected "${TRACE_FORMAT}", found ${describe(json['format'])}: this is not a Gatescope trace`);
  }
  const version = json['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new TraceFormatError('version', `expected a positive integer, found ${describe(version)}`);
  }
  if (version > TRACE_VERSION) {
    throw new TraceFormatError(
      'version',
      `made by a newer Gatescope (trace version ${version}); this Gatescope reads version ${TRACE_VERSION}. Update the Gatescope extension to view it`,
    );
  }
  const model = decodeModel(json['model']);

  const layersJson = json['layers'];
  if (!Array.isArray(layersJson) || layersJson.length === 0) {
    throw new TraceFormatError('layers', `expected a non-empty array of layer entries, found ${describe(layersJson)}`);
  }
  const layers: DecodedLayer[] = [];
  const seen = new Set<string>();
  let shape: Dims | undefined;
  for (let i = 0; i < layersJson.length; i++) {
    const p = `layers[${i}]`;
    const l = layersJson[i];
    if (!isObject(l)) throw new TraceFormatError(p, `expected a layer object, found ${describe(l)}`);
    const layer = intField(l, 'layer', p, 0);
    const direction = l['direction'];
    if (direction !== 'forward' && direction !== 'reverse') {
      throw new TraceFormatError(`${p}.direction`, `expected "forward" or "reverse", found ${describe(direction)}`);
    }
    const hiddenSize = intField(l, 'hiddenSize', p, 1);
    const name = l['name'];
    if (typeof name !== 'string') throw new TraceFormatError(`${p}.name`, `expected a string, found ${describe(name)}`);
    const key = `${layer}/${direction}`;
    if (seen.has(key)) throw new TraceFormatError(p, `duplicate entry for layer ${layer} ${direction}`);
    seen.add(key);
    const gates = l['gates'];
    if (!isObject(gates)) throw new TraceFormatError(`${p}.gates`, `expected an object with tensors r, z, n, h, found ${describe(gates)}`);
    const decoded = {} as DecodedLayer['gates'];
    for (const g of GATE_NAMES) {
      const gp = `${p}.gates.${g}`;
      if (!(g in gates)) throw new TraceFormatError(gp, 'missing (every layer entry has tensors r, z, n and h)');
      const t = decodeTensor(gates[g], gp, shape ? [shape[0], shape[1], hiddenSize] : undefined);
      if (!shape) {
        if (t.dims[2] !== hiddenSize) {
          throw new TraceFormatError(`${gp}.dims`, `last dim ${t.dims[2]} differs from ${p}.hiddenSize ${hiddenSize}`);
        }
        shape = t.dims;
      }
      decoded[g] = t;
    }
    layers.push({ layer, direction, hiddenSize, name, gates: decoded });
  }
  const [batch, steps] = shape!;

  const out: DecodedTrace = { format: TRACE_FORMAT, version, model, layers, batch, steps };

  const tokens = json['tokens'];
  if (tokens !== undefined) {
    if (!Array.isArray(tokens)) throw new TraceFormatError('tokens', `expected an array of strings, found ${describe(tokens)}`);
    if (tokens.length !== steps) throw new TraceFormatError('tokens', `expected ${steps} labels (one per step), found ${tokens.length}`);
    tokens.forEach((s, i) => {
      if (typeof s !== 'string') throw new TraceFormatError(`tokens[${i}]`, `expected a string, found ${describe(s)}`);
    });
    out.tokens = tokens as string[];
  }

  const lengths = json['sequenceLengths'];
  if (lengths !== undefined) {
    if (!Array.isArray(lengths)) throw new TraceFormatError('sequenceLengths', `expected an array of integers, found ${describe(lengths)}`);
    if (lengths.length !== batch) throw new TraceFormatError('sequenceLengths', `expected ${batch} entries (one per batch item), found ${lengths.length}`);
    lengths.forEach((n, i) => {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > steps) {
        throw new TraceFormatError(`sequenceLengths[${i}]`, `expected an integer in [0, ${steps}], found ${describe(n)}`);
      }
    });
    out.sequenceLengths = lengths as number[];
  }

  if (json['check'] !== undefined) out.check = decodeCheck(json['check']);

  const warnings = json['warnings'];
  if (warnings !== undefined) {
    if (!Array.isArray(warnings)) throw new TraceFormatError('warnings', `expected an array of strings, found ${describe(warnings)}`);
    warnings.forEach((s, i) => {
      if (typeof s !== 'string') throw new TraceFormatError(`warnings[${i}]`, `expected a string, found ${describe(s)}`);
    });
    out.warnings = warnings as string[];
  }

  if (json['downsample'] !== undefined) out.downsample = decodeDownsample(json['downsample'], steps);

  for (const k of ['producer', 'createdAt'] as const) {
    const v = json[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TraceFormatError(k, `expected a string, found ${describe(v)}`);
    out[k] = v;
  }
  return out;
}

function decodeModel(m: unknown): TraceModel {
  if (!isObject(m)) throw new TraceFormatError('model', `expected an object {name, source, engine, convention}, found ${describe(m)}`);
  const name = stringField(m, 'name', 'model');
  const source = m['source'];
  if (source !== 'onnx' && source !== 'pytorch' && source !== 'keras' && source !== 'native') {
    throw new TraceFormatError('model.source', `expected "onnx", "pytorch", "keras" or "native", found ${describe(source)}`);
  }
  const engine = stringField(m, 'engine', 'model');
  const c = m['convention'];
  if (!isObject(c)) throw new TraceFormatError('model.convention', `expected an object {gateOrder, linearBeforeReset, zMeaning, activations}, found ${describe(c)}`);
  const gateOrder = c['gateOrder'];
  if (!Array.isArray(gateOrder) || gateOrder.length !== 3 || !gateOrder.every((g) => typeof g === 'string')) {
    throw new TraceFormatError('model.convention.gateOrder', `expected 3 gate names such as ["r","z","n"], found ${describe(gateOrder)}`);
  }
  const lbr = c['linearBeforeReset'];
  if (typeof lbr !== 'boolean') throw new TraceFormatError('model.convention.linearBeforeReset', `expected true or false, found ${describe(lbr)}`);
  const zMeaning = c['zMeaning'];
  if (zMeaning !== 'keep-old' && zMeaning !== 'take-new') {
    throw new TraceFormatError('model.convention.zMeaning', `expected "keep-old" or "take-new", found ${describe(zMeaning)}`);
  }
  const acts = c['activations'];
  if (!isObject(acts)) throw new TraceFormatError('model.convention.activations', `expected an object {f, g}, found ${describe(acts)}`);
  const f = decodeActivation(acts['f'], 'model.convention.activations.f');
  const g = decodeActivation(acts['g'], 'model.convention.activations.g');
  const model: TraceModel = { name, source, engine, convention: { gateOrder: gateOrder as string[], linearBeforeReset: lbr, zMeaning, activations: { f, g } } };
  if (c['clip'] !== undefined) {
    const clip = c['clip'];
    if (typeof clip !== 'number' || !Number.isFinite(clip) || clip <= 0) {
      throw new TraceFormatError('model.convention.clip', `expected a finite number > 0, found ${describe(clip)}`);
    }
    model.convention.clip = clip;
  }
  if (m['inputSize'] !== undefined) model.inputSize = intField(m, 'inputSize', 'model', 1);
  return model;
}

function decodeActivation(a: unknown, path: string): ActivationSpec {
  if (!isObject(a)) throw new TraceFormatError(path, `expected an object {name, alpha?, beta?}, found ${describe(a)}`);
  const spec: ActivationSpec = { name: stringField(a, 'name', path) };
  for (const k of ['alpha', 'beta'] as const) {
    const v = a[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TraceFormatError(`${path}.${k}`, `expected a finite number, found ${describe(v)}`);
    spec[k] = v;
  }
  return spec;
}

function decodeCheck(c: unknown): TraceCheck {
  if (!isObject(c)) throw new TraceFormatError('check', `expected an object {reference, maxAbsError}, found ${describe(c)}`);
  const reference = stringField(c, 'reference', 'check');
  const e = c['maxAbsError'];
  if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) {
    throw new TraceFormatError('check.maxAbsError', `expected a finite number >= 0, found ${describe(e)}`);
  }
  return { reference, maxAbsError: e };
}

function decodeDownsample(d: unknown, steps: number): TraceDownsample {
  if (!isObject(d)) throw new TraceFormatError('downsample', `expected an object {originalSteps, stride, method}, found ${describe(d)}`);
  const originalSteps = intField(d, 'originalSteps', 'downsample', 1);
  const stride = intField(d, 'stride', 'downsample', 1);
  const method = stringField(d, 'method', 'downsample');
  if (Math.ceil(originalSteps / stride) !== steps) {
    throw new TraceFormatError(
      'downsample',
      `keeping every ${stride}th of ${originalSteps} steps gives ${Math.ceil(originalSteps / stride)} steps, but the tensors hold ${steps}`,
    );
  }
  return { originalSteps, stride, method };
}

function stringField(o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new TraceFormatError(`${path}.${key}`, `expected a string, found ${describe(v)}`);
  return v;
}

function intField(o: Record<string, unknown>, key: string, path: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TraceFormatError(`${path}.${key}`, `expected an integer >= ${min}, found ${describe(v)}`);
  }
  return v;
}
