// The verdict on the check of recomputed h against onnxruntime's Y (issue 15: a failed verification
// used to exit 0 with wrong gates).
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { MISMATCH_TOLERANCE, mismatchVerdict } from '../../../src/onnx/verify';
import { runOnnxTrace } from '../../../src/onnx/trace';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { fixtureBytes, fixtureInputs, WASM_DIR } from './fixtures';

describe('verification against onnxruntime Y', function () {
  this.timeout(60000);

  it('passes at and below the tolerance without a warning', () => {
    assert.deepEqual(mismatchVerdict(0, 0, false), {});
    assert.deepEqual(mismatchVerdict(MISMATCH_TOLERANCE, 0.5, false), {});
  });

  it('fails above the tolerance with one line that names the error and --allow-mismatch', () => {
    assert.throws(
      () => mismatchVerdict(1.4, 1.4, false),
      (e: unknown) => e instanceof OnnxTraceError && !e.message.includes('\n') && /differ from onnxruntime's output Y by up to 1\.40e\+0/.test(e.message) && /--allow-mismatch/.test(e.message),
    );
  });

  it('treats NaN as a mismatch', () => {
    assert.throws(() => mismatchVerdict(Number.NaN, Number.NaN, false), OnnxTraceError);
  });

  it('keeps the trace with a warning when asked', () => {
    const v = mismatchVerdict(1.4, 1.4, true);
    assert.match(v.warning ?? '', /^Verification failed and was kept on request \(allow-mismatch\)/);
  });

  it('runOnnxTrace fails a run whose error exceeds the tolerance, and keeps it with a warning on request', async () => {
    const opts = { modelBytes: fixtureBytes('gru2.onnx'), inputs: fixtureInputs('gru2'), engine: 'native' as const, wasmDir: WASM_DIR };
    const ok = await runOnnxTrace(opts);
    const err = ok.input.check!.maxAbsError;
    assert.ok(err > 0, 'the native engine differs from onnxruntime by rounding, so a tolerance below it must fail');
    assert.equal(ok.input.warnings, undefined);
    await assert.rejects(runOnnxTrace({ ...opts, mismatchTolerance: err / 4 }), (e: unknown) => e instanceof OnnxTraceError && /--allow-mismatch/.test(e.message));
    const kept = await runOnnxTrace({ ...opts, mismatchTolerance: err / 4, allowMismatch: true });
    assert.equal(kept.input.check!.maxAbsError, err);
    assert.equal(kept.input.warnings?.length, 1);
    assert.match(kept.input.warnings![0]!, /allow-mismatch/);
  });
});

describe('NaN on one side only is a mismatch unless the input explains it', function () {
  this.timeout(60000);

  /** onnx_initialh_const with f = Affine(alpha -1, beta 1), g = Softplus: z and r leave [0, 1], and
   * onnxruntime's kernel gives NaN where the formula stays finite (found by the fuzz suite). */
  function affineSoftplus(): Uint8Array {
    const m = decodeModel(fixtureBytes('onnx_initialh_const.onnx'));
    const gru = m.graph!.node!.find((n) => n.opType === 'GRU')!;
    const enc = (s: string) => new TextEncoder().encode(s);
    gru.attribute = (gru.attribute ?? []).filter((a) => !/^activation/.test(a.name ?? ''));
    gru.attribute.push(
      onnx.AttributeProto.create({ name: 'activations', type: onnx.AttributeProto.AttributeType.STRINGS, strings: [enc('Affine'), enc('Softplus')] }),
      onnx.AttributeProto.create({ name: 'activation_alpha', type: onnx.AttributeProto.AttributeType.FLOATS, floats: [-1] }),
      onnx.AttributeProto.create({ name: 'activation_beta', type: onnx.AttributeProto.AttributeType.FLOATS, floats: [1] }),
    );
    return onnx.ModelProto.encode(m).finish();
  }

  it('fails when onnxruntime Y is NaN where the recomputed h is finite, and keeps it with --allow-mismatch', async () => {
    const opts = { modelBytes: affineSoftplus(), inputs: fixtureInputs('onnx_initialh_const'), wasmDir: WASM_DIR };
    await assert.rejects(runOnnxTrace(opts), (e: unknown) => e instanceof OnnxTraceError && /\d+ values are NaN on one side only/.test(e.message));
    const kept = await runOnnxTrace({ ...opts, allowMismatch: true });
    assert.ok(kept.input.warnings!.some((w) => /^Verification failed and was kept on request/.test(w)));
  });

  it('mismatchVerdict counts NaN-only values as a failure', () => {
    assert.throws(() => mismatchVerdict(0, 0, false, MISMATCH_TOLERANCE, 3), (e: unknown) => e instanceof OnnxTraceError && /3 values are NaN on one side only/.test(e.message));
  });
});
