// The ONNX path end to end on real onnxruntime-web: both engines against torch's own gates
// (PyTorch exports) and against onnxruntime's Y (hand-built ONNX-only features).
import * as assert from 'node:assert/strict';
import { decodeTrace } from '../../../src/core/trace/decode';
import { gateOf } from '../../../src/core/trace/decoded';
import { GATE_NAMES_V1 as GATE_NAMES } from '../../../src/core/trace/document-v1';
import type { GruConvention } from '../../../src/core/trace/document';
import type { TraceLayerInput } from '../../../src/core/trace/encode';
import { OnnxTraceError } from '../../../src/onnx/errors';
import type { UserTensor } from '../../../src/onnx/inputs';
import { getSession, modelKey } from '../../../src/onnx/session';
import type { SpecEngine } from '../../../src/core/spec/spec';
import { runOnnxTrace, traceOnnxModel } from '../../../src/onnx/trace';
import { fixtureBytes, fixtureInputs, manifest, maxAbsDiff, torchGates, WASM_DIR } from './fixtures';

const ENGINES: SpecEngine[] = ['onnxruntime', 'native'];
const TORCH = ['gru1', 'gru2', 'bigru', 'batchfirst', 'tagger', 'h0input'];
const HAND_BUILT = ['onnx_lbr0', 'onnx_clip', 'onnx_activations', 'onnx_seqlens', 'onnx_reverse', 'onnx_initialh_const'];

/** A GRU gate of a layer entry (throws when the entry has no such gate). */
function gate(l: TraceLayerInput, g: string): Float32Array {
  const v = l.gates[g];
  assert.ok(v, `layer ${l.layer} ${l.direction} has no gate ${g}`);
  return v;
}

function trace(name: string, engine: SpecEngine, inputs: Record<string, UserTensor> = fixtureInputs(name)) {
  return runOnnxTrace({ modelBytes: fixtureBytes(`${name}.onnx`), inputs, engine, wasmDir: WASM_DIR });
}

describe('ONNX trace vs torch gate references (PyTorch exports)', function () {
  this.timeout(60000);
  for (const name of TORCH) {
    for (const engine of ENGINES) {
      it(`${name}, engine ${engine}: every gate within 1e-5 of torch, h within 1e-6 of onnxruntime's Y`, async () => {
        const { input } = await trace(name, engine);
        const ref = torchGates(name);
        const m = manifest[name]!;
        const [entries, , B, T, H] = ref.dims as [number, number, number, number, number];
        assert.equal(input.layers.length, entries);
        assert.equal(input.layers.length, m.layers! * m.directions!);
        assert.equal(input.batch, B);
        assert.equal(input.steps, T);
        input.layers.forEach((l, k) => {
          assert.equal(l.layer, Math.floor(k / m.directions!));
          assert.equal(l.direction, k % m.directions! === 0 ? 'forward' : 'reverse');
          assert.equal(l.cell, 'gru');
          assert.deepEqual(Object.keys(l.gates).sort(), [...GATE_NAMES].sort());
          GATE_NAMES.forEach((g, gi) => {
            const off = (k * 4 + gi) * B * T * H;
            const err = maxAbsDiff(gate(l, g), ref.data.subarray(off, off + B * T * H));
            assert.ok(err <= 1e-5, `${name} layer ${l.layer} ${l.direction} ${g}: max |gatescope - torch| = ${err}`);
          });
        });
        assert.ok(input.check!.maxAbsError <= 1e-6, `max |h - Y| = ${input.check!.maxAbsError}`);
        assert.match(input.check!.reference, /^onnxruntime-web 1\.30\.0 Y/);
        assert.match(input.model.engine, engine === 'native' ? /^gatescope-native \((wasm|js)\) on X from onnxruntime-web/ : /^onnxruntime-web 1\.30\.0 \(wasm\) \+ gatescope gate recompute \(gatescope gatesFromStates\)$/);
        assert.equal(input.warnings, undefined);
      });
    }
  }

  it('labels the tagger steps from the vocabulary stored in the model', async () => {
    const { input } = await trace('tagger', 'onnxruntime');
    assert.deepEqual(input.tokens, ['the', 'cat', 'sat', 'on', 'the', 'mat', '.']);
  });

  it('writes a trace document that decodes back with the check and the gates', async () => {
    const { document: doc, sidecar } = await traceOnnxModel({ modelBytes: fixtureBytes('bigru.onnx'), inputs: fixtureInputs('bigru'), wasmDir: WASM_DIR, precision: 'float32', name: 'bigru.onnx' });
    assert.equal(sidecar, undefined);
    const back = decodeTrace(JSON.parse(JSON.stringify(doc)));
    assert.equal(back.layers.length, 4);
    assert.equal(back.model.source, 'onnx');
    assert.equal(back.model.name, 'bigru.onnx');
    assert.ok(back.check!.maxAbsError <= 1e-6);
    const ref = torchGates('bigru');
    const n = 2 * 5 * 4;
    assert.ok(maxAbsDiff(gateOf(back.layers[3]!, 'h')!.levels[0]!.mean!, ref.data.subarray((3 * 4 + 3) * n, (3 * 4 + 4) * n)) <= 1e-5);
  });
});

describe('ONNX trace of hand-built GRU graphs (ONNX-only features) vs onnxruntime-web Y', function () {
  this.timeout(60000);
  for (const name of HAND_BUILT) {
    it(`${name}: both engines reproduce onnxruntime's Y within 1e-6 and agree with each other within 1e-5`, async () => {
      const ort = (await trace(name, 'onnxruntime')).input;
      const nat = (await trace(name, 'native')).input;
      assert.ok(ort.check!.maxAbsError <= 1e-6, `recompute: max |h - Y| = ${ort.check!.maxAbsError}`);
      assert.ok(nat.check!.maxAbsError <= 1e-6, `native: max |h - Y| = ${nat.check!.maxAbsError}`);
      assert.equal(ort.layers.length, manifest[name]!.direction === 'bidirectional' ? 2 : 1);
      ort.layers.forEach((l, k) => {
        for (const g of GATE_NAMES) assert.ok(maxAbsDiff(gate(l, g), gate(nat.layers[k]!, g)) <= 1e-5, `${name} ${l.direction} ${g}`);
      });
    });
  }

  it('records sequence_lens and leaves masked steps at 0', async () => {
    const { input } = await trace('onnx_seqlens', 'onnxruntime');
    assert.deepEqual(input.sequenceLengths, [6, 3, 4]);
    const { steps: T } = input;
    const H = 4;
    for (const l of input.layers) {
      const h = gate(l, 'h');
      const b1 = h.subarray((1 * T + 3) * H, (2 * T) * H);
      assert.ok(b1.every((v) => v === 0), `${l.direction}: steps 3..5 of batch item 1 are masked`);
      assert.ok(h.subarray((1 * T + 2) * H, (1 * T + 3) * H).some((v) => v !== 0));
    }
  });

  it('gives a reverse node its own direction label, in input time order', async () => {
    const { input } = await trace('onnx_reverse', 'onnxruntime');
    assert.deepEqual(input.layers.map((l) => l.direction), ['reverse']);
    assert.equal((input.layers[0]!.convention as GruConvention).linearBeforeReset, true);
  });

  it('carries the non-default activations and clip into the convention', async () => {
    const conv = async (name: string) => (await trace(name, 'onnxruntime')).input.layers.map((l) => l.convention as GruConvention);
    const acts = await conv('onnx_activations');
    assert.ok(acts.length > 0);
    for (const c of acts) assert.deepEqual(c.activations.f.name, 'HardSigmoid');
    const clip = await conv('onnx_clip');
    assert.ok(clip.length > 0);
    for (const c of clip) assert.equal(c.clip, 0.800000011920929);
  });

  it('warns about a PyTorch-produced model with linear_before_reset = 0, and still traces it', async () => {
    const { input } = await trace('warn_pytorch_lbr0', 'onnxruntime');
    assert.ok(input.check!.maxAbsError <= 1e-6);
    assert.match(input.warnings!.join('\n'), /comes from PyTorch but has linear_before_reset = 0/);
  });
});

describe('ONNX trace inputs and failures', function () {
  this.timeout(60000);
  const gru1 = () => fixtureInputs('gru1').x!;

  it('keeps NaN as NaN and says why onnxruntime differs', async () => {
    const x = gru1();
    const data = Float32Array.from(x.data as Float32Array);
    data[2 * 5 + 1] = Number.NaN;
    const { input } = await trace('gru1', 'onnxruntime', { x: { ...x, data } });
    const h = gate(input.layers[0]!, 'h');
    assert.ok(h.subarray(2 * 6, 3 * 6).every(Number.isNaN), 'step 2 is NaN');
    assert.ok(h.subarray(0, 2 * 6).every(Number.isFinite), 'steps before it are not');
    assert.match(input.warnings!.join('\n'), /NaN here but finite in onnxruntime's Y, because onnxruntime's GRU kernel clamps activation inputs/);
    const native = (await trace('gru1', 'native', { x: { ...x, data } })).input;
    assert.ok(gate(native.layers[0]!, 'h').subarray(2 * 6).every(Number.isNaN), 'the native engine carries NaN to every later step');
  });

  it('converts float64-sourced and integer inputs to what the model declares', async () => {
    const x = gru1();
    const { input } = await trace('gru1', 'onnxruntime', { x: { dims: x.dims, dtype: 'int32', data: Int32Array.from(x.data as Float32Array, (v) => Math.round(v)) } });
    assert.ok(input.check!.maxAbsError <= 1e-6);
    const tokens = fixtureInputs('tagger').tokens!;
    const asFloat = { dims: tokens.dims, dtype: 'float32' as const, data: Float32Array.from(tokens.data as BigInt64Array, Number) };
    assert.deepEqual((await trace('tagger', 'onnxruntime', { tokens: asFloat })).input.tokens![1], 'cat');
    await assert.rejects(trace('tagger', 'onnxruntime', { tokens: { ...asFloat, data: asFloat.data.map((v) => v + 0.5) } }), /input 'tokens' holds a non-integer value at flat index 0 \(float32\), but the model expects int64/);
  });

  it('names the expected dims for a wrong rank or width', async () => {
    const x = gru1();
    await assert.rejects(trace('gru1', 'onnxruntime', { x: { dims: [7, 5], dtype: 'float32', data: x.data } }), (e: Error) => e instanceof OnnxTraceError && e.message === "input 'x' has rank 2 (dims [7, 5]); the model expects rank 3: [7, 1, 5]");
    await assert.rejects(trace('gru1', 'onnxruntime', { x: { dims: [7, 1, 4], dtype: 'float32', data: new Float32Array(28) } }), /input 'x' has dims \[7, 1, 4\]; the model expects \[7, 1, 5\] \(dim 2 must be 5, found 4\)/);
    // Symbolic dims: the width is checked against the GRU's W.
    await assert.rejects(trace('onnx_lbr0', 'onnxruntime', { X: { dims: [6, 2, 3], dtype: 'float32', data: new Float32Array(36) } }), /input 'X' has dims \[6, 2, 3\]; the model expects \[6, 2, 4\]/);
  });

  it('names missing and unknown inputs', async () => {
    await assert.rejects(trace('h0input', 'onnxruntime', { x: fixtureInputs('h0input').x! }), /model input 'h0' \(float32 \[1, 2, 5\]\) was not given a value/);
    await assert.rejects(trace('gru1', 'onnxruntime', { x: gru1(), y: gru1() }), /'y' is not an input of the model; its inputs are 'x'/);
  });

  it('refuses layout = 1 before onnxruntime does, saying what to do', async () => {
    await assert.rejects(trace('warn_layout1', 'onnxruntime'), /GRU node 'GRU #0' has layout = 1 \(batch-first X\), which onnxruntime rejects .*re-export the model with layout 0/);
  });

  it('reuses one onnxruntime session per model', async () => {
    const bytes = fixtureBytes('gru1.onnx');
    const key = modelKey(bytes);
    assert.equal(key, modelKey(fixtureBytes('gru1.onnx')));
    assert.notEqual(key, modelKey(fixtureBytes('gru2.onnx')));
    const big = new Uint8Array(300_001);
    const before = modelKey(big);
    big[200_003] = 1;
    assert.notEqual(modelKey(big), before, 'every byte counts, so an edited model never reuses a stale session');
    const a = await getSession(`${key}:test`, () => bytes, { wasmDir: WASM_DIR });
    const b = await getSession(`${key}:test`, () => { throw new Error('must not be created again'); }, { wasmDir: WASM_DIR });
    assert.equal(a, b);
  });
});
