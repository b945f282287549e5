// The job pipeline with a sidecar that can be opened for positional writes (the Node worker):
// a run streams its gates into the sidecar (either engine, GRU and LSTM models), and the file is the one the whole-run encoder
// writes (same name, same bytes), with no temporary file left behind.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runPipeline, type PipelineIO } from '../../../src/pipeline';
import type { PipelineJob } from '../../../src/pipeline/job';
import { GruThreadPool } from '../../../src/node/gru-threads';
import { openSidecarFile, sha256Hex, writeSidecarFile } from '../../../src/node/sidecar-file';
import { WASM_DIR } from '../onnx/fixtures';
import { exportedAnySteps, fixtureAnySteps, torchOnnx } from '../onnx/stream-both';

/** onnx_reverse (a reverse GRU with initial_h) with symbolic steps (runs any T). */
const GRU = (): Uint8Array => fixtureAnySteps('onnx_reverse.onnx');
/** A bidirectional LSTM with peepholes and initial states (make_lstm_rnn_fixtures.py), any T. */
const LSTM = (): Uint8Array => torchOnnx('lstm_peepholes_bidir.onnx');
/** torch.onnx's GRU -> bidirectional LSTM -> RNN (layers 0, 1, 2), any T. */
const MIXED = (): Uint8Array => exportedAnySteps('export_mixed');

describe('pipeline: runs streamed into the sidecar', function () {
  this.timeout(120000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  let opened = 0;
  async function run(streamed: boolean, engine: 'native' | 'onnxruntime', gruThreads?: GruThreadPool, model = GRU, layers?: number[]): Promise<{ dir: string; document: Record<string, unknown> }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatescope-stream-'));
    dirs.push(dir);
    const job: PipelineJob = {
      type: 'trace',
      modelName: 'rev.onnx',
      modelBytes: model(),
      input: { kind: 'random', seed: 3, steps: 3000 },
      settings: { engine, precision: 'auto', maxBytes: 60_000, numThreads: 1, pngPreview: false },
      wasmDir: WASM_DIR,
      sidecar: { dir, stem: 'nb' },
      ...(layers ? { layers } : {}),
    };
    const io: PipelineIO = { flavour: 'test', progress: () => undefined, writeSidecar: writeSidecarFile, ...(gruThreads ? { gruThreads } : {}) };
    if (streamed) {
      io.openSidecar = (dir, stem) => {
        opened++;
        return openSidecarFile(dir, stem);
      };
      io.sha256 = sha256Hex;
    }
    const done = await runPipeline(job, io);
    return { dir, document: done.document as unknown as Record<string, unknown> };
  }

  for (const [cell, model] of [['GRU', GRU], ['LSTM', LSTM]] as const) {
    for (const engine of ['native', 'onnxruntime'] as const) {
      it(`a ${cell} run writes the same sidecar file as the whole-run encoder (engine ${engine})`, async () => {
        opened = 0;
        const whole = await run(false, engine, undefined, model);
        const streamed = await run(true, engine, undefined, model);
        assert.equal(opened, 1, 'the streamed run opened its sidecar before the gates');
        const ref = streamed.document['sidecar'] as { file: string };
        assert.deepEqual(ref, whole.document['sidecar']);
        assert.deepEqual(readdirSync(streamed.dir), [ref.file], 'only the sidecar is left in the folder');
        assert.ok(readFileSync(path.join(streamed.dir, ref.file)).equals(readFileSync(path.join(whole.dir, ref.file))));
      });
    }
  }

  it('a layer selection streams only its entries: the same document and sidecar file as the whole run', async () => {
    opened = 0;
    const whole = await run(false, 'onnxruntime', undefined, MIXED, [1]);
    const streamed = await run(true, 'onnxruntime', undefined, MIXED, [1]);
    assert.equal(opened, 1);
    assert.deepEqual((streamed.document['layers'] as { layer: number }[]).map((l) => l.layer), [1, 1]);
    assert.deepEqual({ ...streamed.document, createdAt: '' }, { ...whole.document, createdAt: '' });
    const ref = streamed.document['sidecar'] as { file: string };
    assert.ok(readFileSync(path.join(streamed.dir, ref.file)).equals(readFileSync(path.join(whole.dir, ref.file))));
  });

  it('a selection naming a layer the model lacks fails with the field\'s message and leaves no file', async () => {
    const streamed = run(true, 'onnxruntime', undefined, MIXED, [1, 7]);
    await assert.rejects(streamed, /field `layers`: the model has no layer 7; its recurrent layers are 0, 1, 2/);
    assert.deepEqual(readdirSync(dirs[dirs.length - 1]!), []);
  });

  it('a streamed native run on a thread pool writes the one-thread sidecar and names its threads', async () => {
    const pool = new GruThreadPool(2);
    try {
      const one = await run(true, 'native');
      const two = await run(true, 'native', pool);
      assert.match(String((two.document['model'] as { engine: string }).engine), /^gatescope-native \(wasm, 2 threads\)/);
      const ref = two.document['sidecar'] as { file: string };
      assert.deepEqual(ref, one.document['sidecar']);
      assert.ok(readFileSync(path.join(two.dir, ref.file)).equals(readFileSync(path.join(one.dir, ref.file))));
    } finally {
      pool.close();
    }
  });
});
