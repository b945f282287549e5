// Version-1 documents (Gatescope 0.1.0) -> the decoded form of version 2: a GRU layer per entry,
// its four gates as level 0 of their pyramids. Every field is validated as 0.1.0 did; decode.ts has
// already checked format and version.

import { gateSet } from '../cells/gate-sets';
import type { TraceConvention, TraceModel } from './document';
import { GATE_NAMES_V1, type TraceDownsample } from './document-v1';
import type { DecodedLayer, DecodedTrace } from './decoded';
import { TraceFormatError } from './errors';
import { chooseTileSteps, PYRAMID_FANOUT } from './pyramid';
import { decodeTensor, describe, isObject, type Dims } from './tensor';
import { decodeActivation, decodeCommonFields, intField, stringField } from './fields';

export function decodeTraceV1(json: Record<string, unknown>): DecodedTrace {
  const { model, convention } = decodeModel(json['model']);
  const specs = gateSet('gru', { gateAct: convention.activations.f, candidateAct: convention.activations.g });

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
    const decoded: DecodedLayer['gates'] = [];
    for (const g of GATE_NAMES_V1) {
      const gp = `${p}.gates.${g}`;
      if (!(g in gates)) throw new TraceFormatError(gp, 'missing (every layer entry has tensors r, z, n and h)');
      const t = decodeTensor(gates[g], gp, shape ? [shape[0], shape[1], hiddenSize] : undefined);
      if (!shape) {
        if (t.dims[2] !== hiddenSize) {
          throw new TraceFormatError(`${gp}.dims`, `last dim ${t.dims[2]} differs from ${p}.hiddenSize ${hiddenSize}`);
        }
        shape = t.dims;
      }
      const spec = specs.find((s) => s.name === g)!;
      decoded.push({ ...spec, units: hiddenSize, levels: [{ bucket: 1, buckets: t.dims[1], dtype: t.dtype, maxError: t.maxError ?? 0, mean: t.values }] });
    }
    layers.push({ layer, direction, hiddenSize, name, cell: 'gru', convention, gates: decoded });
  }
  const [batch, steps] = shape!;

  const out: DecodedTrace = { version: 1, model, layers, batch, steps, pyramid: { fanout: PYRAMID_FANOUT, tileSteps: chooseTileSteps(Math.max(...layers.map((l) => l.hiddenSize))) } };

  decodeCommonFields(json, out);
  if (json['downsample'] !== undefined) out.downsample = decodeDownsample(json['downsample'], steps);

  return out;
}

function decodeModel(m: unknown): { model: TraceModel; convention: TraceConvention } {
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
  const model: TraceModel = { name, source, engine };
  const convention: TraceConvention = { gateOrder: gateOrder as string[], linearBeforeReset: lbr, zMeaning, activations: { f, g } };
  if (c['clip'] !== undefined) {
    const clip = c['clip'];
    if (typeof clip !== 'number' || !Number.isFinite(clip) || clip <= 0) {
      throw new TraceFormatError('model.convention.clip', `expected a finite number > 0, found ${describe(clip)}`);
    }
    convention.clip = clip;
  }
  if (m['inputSize'] !== undefined) model.inputSize = intField(m, 'inputSize', 'model', 1);
  return { model, convention };
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
