import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { findGruNodes, topologicalOrder } from '../../../src/onnx/graph';
import { inspectOnnxModel } from '../../../src/onnx/inspect';
import { instrumentModel } from '../../../src/onnx/instrument';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { fixtureBytes } from './fixtures';

const model = (name: string) => decodeModel(fixtureBytes(`${name}.onnx`));

describe('ONNX graph reading', () => {
  it('finds every GRU node of a 2-layer bidirectional export in topological order', () => {
    const nodes = findGruNodes(model('bigru'));
    assert.deepEqual(nodes.map((n) => n.name), ['/gru/GRU', '/gru/GRU_1']);
    assert.ok(nodes[0]!.nodeIndex < nodes[1]!.nodeIndex);
    for (const n of nodes) {
      assert.equal(n.attrs.direction, 'bidirectional');
      assert.equal(n.attrs.hiddenSize, 4);
      assert.equal(n.attrs.linearBeforeReset, true);
      assert.equal(n.W.kind, 'const');
    }
    assert.equal(nodes[0]!.X.kind, 'input');
    assert.equal(nodes[1]!.X.kind, 'computed');
    // W of layer 1 sees both directions of layer 0: [D, 3H, D*H].
    assert.deepEqual(nodes[1]!.W.kind === 'const' && nodes[1]!.W.tensor.dims, [2, 12, 8]);
  });

  it('orders nodes topologically even when the file lists them out of order', () => {
    const m = model('gru2');
    const nodes = m.graph!.node!;
    const shuffled = onnx.ModelProto.decode(onnx.ModelProto.encode(m).finish());
    shuffled.graph!.node = [...nodes].reverse();
    const found = findGruNodes(shuffled);
    assert.deepEqual(found.map((n) => n.name), ['/gru/GRU', '/gru/GRU_1']);
    const order = topologicalOrder(shuffled.graph!);
    assert.equal(order.length, nodes.length);
  });

  it('tells where initial_h, sequence_lens and weights come from', () => {
    assert.equal(findGruNodes(model('h0input'))[0]!.initialH.kind, 'input');
    assert.equal(findGruNodes(model('gru1'))[0]!.initialH.kind, 'computed');
    const c = findGruNodes(model('onnx_initialh_const'))[0]!;
    assert.equal(c.initialH.kind, 'const');
    assert.equal(c.W.kind, 'const');
    assert.equal(c.attrs.linearBeforeReset, false);
    const s = findGruNodes(model('onnx_seqlens'))[0]!;
    assert.equal(s.sequenceLens.kind, 'const');
    assert.deepEqual(s.sequenceLens.kind === 'const' && Array.from(s.sequenceLens.tensor.data), [6, 3, 4]);
    assert.equal(findGruNodes(model('onnx_reverse'))[0]!.attrs.direction, 'reverse');
  });

  it('resolves activations with alpha/beta consumed in order', () => {
    const a = findGruNodes(model('onnx_activations'))[0]!.attrs.activations[0]!;
    assert.deepEqual(a.f, { name: 'HardSigmoid', alpha: 0.25, beta: 0.44999998807907104 });
    assert.deepEqual(a.g, { name: 'LeakyRelu', alpha: 0.10000000149011612 });
    assert.equal(findGruNodes(model('onnx_clip'))[0]!.attrs.clip, 0.800000011920929);
  });

  it('names the recurrent ops of a model without GRU', () => {
    assert.throws(
      () => findGruNodes(model('bad_lstm')),
      (e: Error) => e instanceof OnnxTraceError && e.message === 'the model has no GRU node; it has LSTM (not supported yet), RNN (not supported yet): Gatescope shows the gates of ONNX GRU nodes only (export nn.GRU with torch.onnx.export)',
    );
  });

  it('rejects empty, truncated and random bytes with one clear line', () => {
    assert.throws(() => decodeModel(new Uint8Array(0)), /^OnnxTraceError: the model file is empty \(0 bytes\)/);
    const full = fixtureBytes('gru1.onnx');
    assert.throws(() => decodeModel(full.subarray(0, 1000)), /the model file is not a valid ONNX protobuf \(index out of range.*1000 bytes\); it may be truncated/);
    let seed = 7;
    const random = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255);
    assert.throws(() => decodeModel(random), (e: Error) => e instanceof OnnxTraceError && !e.message.includes('\n'));
  });

  it('never fails with anything but OnnxTraceError on any truncation of a real model', () => {
    const full = fixtureBytes('tagger.onnx');
    const lengths = Array.from({ length: full.length }, (_, i) => i).filter((len) => len % 5 === 0 || len > full.length - 60);
    let rejected = 0;
    for (const len of lengths) {
      try {
        inspectOnnxModel(full.subarray(0, len));
      } catch (e) {
        assert.ok(e instanceof OnnxTraceError, `length ${len}: ${(e as Error).stack}`);
        rejected++;
      }
    }
    // Only a cut exactly before the trailing metadata (the vocabulary) leaves a complete model.
    assert.ok(rejected >= lengths.length - 1, `${rejected} of ${lengths.length} truncations rejected`);
  });
});

describe('instrumentModel', () => {
  it('adds X, Y and computed initial_h of every GRU node to the outputs, and re-encodes', () => {
    const m = model('bigru');
    const nodes = findGruNodes(m);
    const inst = instrumentModel(m, nodes);
    assert.deepEqual(inst.fetch.map((f) => [f.X, f.Y, f.initialH]), [
      [undefined, '/gru/GRU_output_0', '/gru/Expand_output_0'],
      ['/gru/Reshape_output_0', '/gru/GRU_1_output_0', '/gru/Expand_1_output_0'],
    ]);
    const back = decodeModel(inst.bytes);
    const outs = back.graph!.output!.map((o) => o.name);
    for (const f of inst.fetch) for (const v of [f.X, f.Y, f.initialH]) if (v) assert.ok(outs.includes(v), v);
    assert.equal(m.graph!.output!.length, 1, 'the original model is left unchanged');
  });
});

describe('inspectOnnxModel', () => {
  it('lists inputs with dims and dtype, GRU nodes and the stored vocabulary', () => {
    const info = inspectOnnxModel(fixtureBytes('tagger.onnx'));
    assert.deepEqual(info.inputs, [{ name: 'tokens', dims: [1, 7], dtype: 'int64' }]);
    assert.equal(info.gruNodes.length, 1);
    assert.equal(info.gruNodes[0]!.inputSize, 6);
    assert.equal(info.gruNodes[0]!.hiddenSize, 7);
    assert.equal(info.vocab?.[2], 'cat');
    assert.equal(info.producer.startsWith('pytorch'), true);
    assert.deepEqual(info.warnings, []);
    const h0 = inspectOnnxModel(fixtureBytes('h0input.onnx'));
    assert.deepEqual(h0.inputs.map((i) => i.name), ['x', 'h0']);
    assert.equal(h0.gruNodes[0]!.initialH, 'input');
  });

  it('warns about PyTorch lbr=0, layout 1, float64 weights and opset < 7', () => {
    const w = (name: string) => inspectOnnxModel(fixtureBytes(`${name}.onnx`)).warnings;
    assert.match(w('warn_pytorch_lbr0').join('\n'), /comes from PyTorch but has linear_before_reset = 0/);
    assert.match(w('warn_layout1').join('\n'), /layout = 1 \(batch first\); onnxruntime rejects it/);
    assert.match(w('warn_float64').join('\n'), /has double weights; onnxruntime's GRU runs float32 only/);
    assert.match(w('warn_opset6').join('\n'), /imports ONNX opset 6/);
    assert.equal(w('onnx_lbr0').length, 0, 'lbr=0 from another producer is not suspicious');
    assert.equal(w('gru1').length, 0);
  });
});
