// The warm worker and its model cache (issue 12 item 5) in the real extension host: a repeated run
// of the same model file finds it decoded and its onnxruntime sessions made (asserted through the
// run's own report, never through a time), an edited file is decoded again, and cancelling a run on
// multiple threads (onnxruntime's, or the native engine's thread pool) stops it at once and leaves
// the next run a fresh worker.
import * as assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import * as vscode from 'vscode';
import type { InspectResult } from '../../src/host/inspect-command';
import { demoModelIn, mainItem, openIpynb, runCell, withSetting, workspaceRoot } from './helpers/notebooks';

type Inserted = Extract<InspectResult, { status: 'inserted' }>;

describe('warm worker and cached model', () => {
  let model: vscode.Uri;
  before(async () => {
    model = await demoModelIn('warm');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function inspect(args: object, notebook: string): Promise<InspectResult> {
    await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'warm', notebook), []);
    const r = await vscode.commands.executeCommand<InspectResult | undefined>('gatescope.inspectOnnx', { model, ...args });
    assert.ok(r, 'the command returned nothing');
    return r;
  }

  async function run(input: object, notebook: string): Promise<Inserted> {
    const r = await inspect({ input }, notebook);
    assert.equal(r.status, 'inserted', r.status === 'failed' ? r.error : r.status);
    return r as Inserted;
  }

  /** Starts a 300k-step run, cancels it after 1 s, and checks that the command settles at once. */
  async function cancelLongRun(notebook: string): Promise<void> {
    await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'warm', notebook), []);
    const source = new vscode.CancellationTokenSource();
    // 300k steps: several seconds of work (run, gates, encoding) when not cancelled; after 1 s the
    // job is in the worker (the host's part, with the model file read, takes far less).
    const pending = vscode.commands.executeCommand<InspectResult>('gatescope.inspectOnnx', { model, input: { kind: 'random', seed: 2, steps: 300_000 }, cancellation: source.token });
    await new Promise((r) => setTimeout(r, 1000));
    const cancelledAt = Date.now();
    source.cancel();
    const r = await pending;
    const stoppedAfter = Date.now() - cancelledAt;
    assert.equal(r.status, 'cancelled');
    assert.ok(stoppedAfter < 1500, `the command settled ${stoppedAfter} ms after cancel`);
  }

  it('a second run of the same model file is a cache hit with the same gates; an edited file is decoded again', async function () {
    this.timeout(180000);
    const first = await run({ kind: 'random', seed: 3, steps: 40 }, 'first.ipynb');
    const second = await run({ kind: 'random', seed: 3, steps: 40 }, 'second.ipynb');
    assert.equal(first.runtime.modelCache, 'miss');
    assert.equal(second.runtime.modelCache, 'hit');
    assert.deepEqual(second.document.layers, first.document.layers);
    // The file is written again (a new mtime): its decoded copy and sessions are not reused.
    const later = new Date(Date.now() + 120_000);
    utimesSync(model.fsPath, later, later);
    const edited = await run({ kind: 'random', seed: 3, steps: 40 }, 'edited.ipynb');
    assert.equal(edited.runtime.modelCache, 'miss');
    assert.deepEqual(edited.document.layers, first.document.layers);
  });

  it('a spec cell run again writes the warm run into its output metadata', async function () {
    this.timeout(180000);
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'warm', 'cell.ipynb'), [{ kind: 'code', source: 'model: demo.onnx\ninput: random\nsteps: 30\nseed: 5' }]);
    const cacheOf = (cell: vscode.NotebookCell): unknown => {
      mainItem(cell);
      // The output's Jupyter metadata (cell-output.ts) sits under the output's `metadata` key.
      return (cell.outputs[0]!.metadata as { metadata?: { gatescope?: { runtime?: { modelCache?: string } } } } | undefined)?.metadata?.gatescope?.runtime?.modelCache;
    };
    await runCell(editor, 0);
    const again = await runCell(editor, 0);
    assert.equal(again.executionSummary?.success, true);
    assert.equal(cacheOf(again), 'hit');
  });

  it('cancelling a run on two onnxruntime threads stops it at once; the next run gets a fresh worker', async function () {
    this.timeout(180000);
    await withSetting('onnxruntimeThreads', 2, async () => {
      // A small run first: the warm worker now runs onnxruntime on two threads, with the model cached.
      const warm = await run({ kind: 'random', seed: 1, steps: 20 }, 'threads-warm.ipynb');
      assert.equal(warm.runtime.numThreads, 2);
      await cancelLongRun('threads-cancel.ipynb');
      // The cancelled run's worker was terminated with its cache: the next run starts cold, on two threads.
      const next = await run({ kind: 'random', seed: 1, steps: 20 }, 'threads-next.ipynb');
      assert.equal(next.runtime.modelCache, 'miss');
      assert.equal(next.runtime.numThreads, 2);
      assert.deepEqual(next.document.layers, warm.document.layers);
    });
  });

  it('the native engine on two threads (gatescope.threads) gives the one-thread gates, and cancelling it stops at once', async function () {
    this.timeout(180000);
    await withSetting('engine', 'native', async () => {
      const one = await withSetting('threads', 1, () => run({ kind: 'random', seed: 4, steps: 300 }, 'native-one.ipynb'));
      await withSetting('threads', 2, async () => {
        const two = await run({ kind: 'random', seed: 4, steps: 300 }, 'native-two.ipynb');
        // The engine names the thread count it ran with (src/node/gru-threads.ts); the gates are bit for bit one thread's.
        assert.deepEqual(two.document.warnings ?? [], one.document.warnings ?? []);
        assert.match(two.document.model.engine, /^gatescope-native \(wasm, 2 threads\)/);
        assert.doesNotMatch(one.document.model.engine, /threads/);
        assert.deepEqual(two.document.layers, one.document.layers);
        await cancelLongRun('native-cancel.ipynb');
        // The terminated worker took its helper threads with it: the next threaded run works.
        const next = await run({ kind: 'random', seed: 4, steps: 300 }, 'native-next.ipynb');
        assert.deepEqual(next.document.layers, one.document.layers);
      });
    });
  });
});
