import * as assert from 'node:assert/strict';
import type { TraceInput } from '../../../src/core/trace/encode';
import { checkAgainstWasm, chooseBackend, maxGateDifference, WEBGPU_TOLERANCE } from '../../../src/pipeline/backend';

function run(values: number[], check = { reference: 'onnxruntime-web 1.30.0 (webgpu) Y of every GRU node (valid steps)', maxAbsError: 1e-7 }): TraceInput {
  const g = Float32Array.from(values);
  return {
    model: { name: 'm', source: 'onnx', engine: 'e', inputSize: 1 },
    layers: [{ layer: 0, direction: 'forward', cell: 'gru', hiddenSize: 1, gates: { r: g, z: g.map((v) => v / 2), n: g, h: g } }],
    batch: 1,
    steps: values.length,
    check,
  } as TraceInput;
}

describe('gatescope.backend (src/pipeline/backend.ts)', () => {
  it('wasm is used as asked, with nothing to say', async () => {
    assert.deepEqual(await chooseBackend('wasm', undefined), { backend: 'wasm' });
    assert.deepEqual(await chooseBackend(undefined, { requestAdapter: async () => ({}) }), { backend: 'wasm' });
  });

  it('webgpu without navigator.gpu falls back to wasm and says why', async () => {
    const c = await chooseBackend('webgpu', undefined);
    assert.equal(c.backend, 'wasm');
    assert.match(c.note!, /navigator\.gpu is absent/);
  });

  it('webgpu with navigator.gpu but no adapter (null or a throw) falls back to wasm and says why', async () => {
    for (const requestAdapter of [async () => null, async () => { throw new Error('blocked'); }]) {
      const c = await chooseBackend('webgpu', { requestAdapter });
      assert.equal(c.backend, 'wasm');
      assert.match(c.note!, /gives no WebGPU adapter/);
    }
  });

  it('webgpu with an adapter is used', async () => {
    assert.deepEqual(await chooseBackend('webgpu', { requestAdapter: async () => ({}) }), { backend: 'webgpu' });
  });

  it('the gate difference is the largest |a - b| over every gate; NaN in both runs is no difference, in one is', () => {
    assert.equal(maxGateDifference(run([0.5, -0.25, 0.125]), run([0.5, -0.25, 0.125])), 0);
    assert.equal(maxGateDifference(run([0.5, -0.25, 0.125]), run([0.5, -0.5, 0.125])), 0.25);
    assert.equal(maxGateDifference(run([NaN, 1]), run([NaN, 1])), 0);
    assert.equal(maxGateDifference(run([NaN, 1]), run([0, 1])), Infinity);
    assert.throws(() => maxGateDifference(run([1, 2]), run([1])), /gate r differs in size/);
  });

  it('a WebGPU run within tolerance: the check names both references and passes', () => {
    const gpu = run([0.5, 0.25]);
    const diff = checkAgainstWasm(gpu, run([0.5, 0.25 + 2 ** -20]));
    assert.equal(diff, 2 ** -20);
    assert.equal(gpu.check!.maxAbsError, 2 ** -20);
    assert.equal(gpu.check!.tolerance, WEBGPU_TOLERANCE);
    assert.equal(gpu.check!.passed, true);
    assert.match(gpu.check!.reference, /^onnxruntime-web 1\.30\.0 \(webgpu\) Y of every GRU node \(valid steps\), and every gate of the same run on onnxruntime-web's wasm backend \(max \|webgpu - wasm\| 9\.54e-7\)$/);
    assert.equal(gpu.warnings, undefined);
  });

  it('a WebGPU run beyond tolerance: the check fails and a warning says what to do', () => {
    const gpu = run([0.5, 0.25]);
    checkAgainstWasm(gpu, run([0.5, 0.26]));
    assert.equal(gpu.check!.passed, false);
    assert.equal(gpu.check!.maxAbsError, Math.fround(0.26) - 0.25);
    assert.match(gpu.warnings![0]!, /differ from the wasm run by up to 1\.00e-2 .*set gatescope\.backend to "wasm"/);
  });
});
