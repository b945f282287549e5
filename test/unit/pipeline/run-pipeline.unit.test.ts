// The job pipeline on real onnxruntime-web: one decode per model file version, warm repeated runs,
// the one step-label rule for every input kind, and the one cancellation error.
import * as assert from 'node:assert/strict';
import { CancelledError } from '../../../src/core/cancel';
import { ModelCache, runPipeline, type PipelineIO, type PipelineJob } from '../../../src/pipeline';
import { fixtureBytes, fixtureInputs, WASM_DIR } from '../onnx/fixtures';
import { npyInt64 } from './npy-int64';

const TAGGER_LABELS = ['the', 'cat', 'sat', 'on', 'the', 'mat', '.'];

function job(modelBytes: Uint8Array, input: PipelineJob['input'], extra: Partial<PipelineJob> = {}): PipelineJob {
  return {
    type: 'trace',
    modelName: 'tagger.onnx',
    modelBytes,
    input,
    settings: { engine: 'onnxruntime', precision: 'float32', maxBytes: Number.POSITIVE_INFINITY, numThreads: 1, pngPreview: false },
    wasmDir: WASM_DIR,
    ...extra,
  };
}

function io(models: ModelCache, more: Partial<PipelineIO> = {}): PipelineIO {
  return { flavour: 'test', progress: () => undefined, models, ...more };
}

describe('job pipeline (src/pipeline)', function () {
  this.timeout(60000);

  it('decodes a model once per file version: a second run of the same file is a warm cache hit with the same trace', async () => {
    const released: string[] = [];
    const models = new ModelCache(4, async (key) => void released.push(key));
    const bytes = fixtureBytes('tagger.onnx');
    const tensors = { kind: 'tensors' as const, read: () => fixtureInputs('tagger') };
    const identity = { file: 'file:///w/tagger.onnx', version: '1-1' };
    const first = await runPipeline(job(bytes, tensors, { modelIdentity: identity }), io(models));
    const second = await runPipeline(job(bytes, tensors, { modelIdentity: identity }), io(models));
    assert.equal(first.runtime.modelCache, 'miss');
    assert.equal(second.runtime.modelCache, 'hit');
    assert.deepEqual(second.document.layers, first.document.layers);
    // A new version of the file (edited: another mtime) is decoded again and the old one released.
    const third = await runPipeline(job(bytes, tensors, { modelIdentity: { ...identity, version: '1-2' } }), io(models));
    assert.equal(third.runtime.modelCache, 'miss');
    assert.deepEqual(released, [`file ${identity.file} @1-1`]);
    assert.equal(models.size, 1);
    await models.clear();
    assert.equal(models.size, 0);
  });

  it('labels steps by one rule whether the ids come from the editor (file, random) or the CLI (tensors)', async () => {
    const models = new ModelCache(4, async () => undefined);
    const bytes = fixtureBytes('tagger.onnx');
    const viaCli = await runPipeline(job(bytes, { kind: 'tensors', read: () => fixtureInputs('tagger') }), io(models));
    assert.deepEqual(viaCli.document.tokens, TAGGER_LABELS);
    const t = fixtureInputs('tagger')['tokens']!;
    const npy = npyInt64(t.dims, Array.from(t.data as BigInt64Array, Number));
    const viaEditor = await runPipeline(job(bytes, { kind: 'file', name: 'ids.npy', bytes: npy }), io(models));
    assert.deepEqual(viaEditor.document.tokens, TAGGER_LABELS);
  });

  it('stops with the one CancelledError when the host cancels during the run', async () => {
    const signal = { aborted: false };
    const stages: string[] = [];
    const run = runPipeline(
      job(fixtureBytes('tagger.onnx'), { kind: 'tensors', read: () => fixtureInputs('tagger') }),
      io(new ModelCache(1, async () => undefined), {
        signal,
        progress: (message) => {
          stages.push(message);
          if (message === 'run') signal.aborted = true;
        },
      }),
    );
    await assert.rejects(run, (e: unknown) => e instanceof CancelledError);
    assert.ok(stages.includes('run') && !stages.includes('encoding'), stages.join(', '));
  });
});

