// One clear line for the small cases of issue 15: rank-2 weights and a GRU in another domain.
// (protobufjs's DEP0005 warning shows only in the bundle: test/unit/cli/cli.unit.test.ts.)
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { findGruNodes } from '../../../src/onnx/graph';
import { decodeModel } from '../../../src/onnx/proto';
import { fixtureBytes } from './fixtures';

const lbr0 = () => decodeModel(fixtureBytes('onnx_lbr0.onnx'));

describe('small ONNX messages', () => {
  it('rank-2 W names its dims and the rank ONNX GRU needs (not "undefined")', () => {
    const m = lbr0();
    m.graph!.initializer!.find((t) => t.name === 'W')!.dims = [15, 4];
    assert.throws(() => findGruNodes(m), (e: unknown) => e instanceof OnnxTraceError && /GRU node 'GRU #0': W has dims \[15, 4\]; ONNX GRU needs rank 3 \[num_directions, 3 \* hidden_size, input_size\]/.test(e.message) && !/undefined/.test(e.message));
  });

  it('a GRU in another domain is named as such', () => {
    const m = lbr0();
    m.graph!.node!.find((n) => n.opType === 'GRU')!.domain = 'com.example';
    assert.throws(() => findGruNodes(m), (e: unknown) => e instanceof OnnxTraceError && /it has GRU in domain 'com\.example' \(not the ONNX GRU\)/.test(e.message));
  });
});
