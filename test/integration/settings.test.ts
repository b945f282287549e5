import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InspectResult } from '../../src/host/inspect-command';
import * as path from 'node:path';
import { decodeTrace } from '../../src/core/trace/decode';
import { gateOf } from '../../src/core/trace/decoded';
import { SidecarReader } from '../../src/core/trace/sidecar-reader';
import { fileByteSource, sha256Hex } from '../../src/node/sidecar-file';
import { decodeTraceItem, demoModelIn, mainItem, openIpynb, runCell, withSetting, workspaceRoot } from './helpers/notebooks';

type Inserted = Extract<InspectResult, { status: 'inserted' }>;

describe('gatescope.* settings', () => {
  let model: vscode.Uri;
  before(async () => {
    model = await demoModelIn('settings');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function run(input: object, notebook: string): Promise<Inserted> {
    await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'settings', notebook), []);
    const r = await vscode.commands.executeCommand<InspectResult>('gatescope.inspectOnnx', { model, input });
    assert.equal(r.status, 'inserted', r.status === 'failed' ? r.error : r.status);
    return r as Inserted;
  }

  it('gatescope.precision sets the stored dtype', async function () {
    // Several runs, each inserting a notebook cell: slow on a loaded machine.
    this.timeout(180000);
    for (const precision of ['float16', 'uint8', 'float32'] as const) {
      const r = await withSetting('precision', precision, () => run({ kind: 'random', seed: 1, steps: 8 }, `precision-${precision}.ipynb`));
      const dtypes = new Set(r.document.layers[0]!.gates.flatMap((g) => g.levels.map((l) => l.dtype)));
      assert.deepEqual([...dtypes], [precision]);
    }
  });

  it('gatescope.engine picks the engine that computes the gates', async function () {
    // Several runs, each inserting a notebook cell: slow on a loaded machine.
    this.timeout(180000);
    const native = await withSetting('engine', 'native', () => run({ kind: 'random', seed: 1, steps: 8 }, 'engine-native.ipynb'));
    const ort = await withSetting('engine', 'onnxruntime', () => run({ kind: 'random', seed: 1, steps: 8 }, 'engine-ort.ipynb'));
    assert.match(native.document.model.engine, /^gatescope-native/);
    assert.match(ort.document.model.engine, /^onnxruntime-web \S+ \(wasm\) \+ gatescope gate recompute/);
    assert.doesNotMatch(ort.document.model.engine, /native/);
    // Both engines compute the same function: their hidden states agree to float32 rounding.
    const h = (r: Inserted): Float32Array => gateOf(decodeTrace(r.document).layers[0]!, 'h')!.levels[0]!.mean!;
    const [a, b] = [h(native), h(ort)];
    assert.equal(a.length, 8 * 24);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    assert.ok(maxDiff < 1e-4, `native vs onnxruntime h differ by ${maxDiff}`);
  });

  it('gatescope.maxOutputMB bounds the output; every step moves to a sidecar beside the notebook, nothing is dropped', async function () {
    this.timeout(180000);
    // 6000 steps x 24 units x 4 gates as float32 base64: about 3 MB of JSON.
    const input = { kind: 'random', seed: 5, steps: 6000 };
    const big = await withSetting('precision', 'float32', () => run(input, 'size-default.ipynb'));
    assert.equal(big.document.sidecar, undefined);
    const bigBytes = new TextEncoder().encode(JSON.stringify(big.document)).length;
    assert.ok(bigBytes > 1024 * 1024, `the unbounded trace is ${bigBytes} bytes; the test needs more than 1 MB`);
    const small = await withSetting('precision', 'float32', () => withSetting('maxOutputMB', 1, () => run(input, 'size-1mb.ipynb')));
    const bytes = new TextEncoder().encode(JSON.stringify(small.document)).length;
    assert.ok(bytes <= 1024 * 1024, `trace is ${bytes} bytes with maxOutputMB = 1`);
    const ref = small.document.sidecar;
    assert.ok(ref, 'a run beyond the budget names its sidecar');
    assert.equal(small.document.steps, 6000, 'no step is dropped');
    // The sidecar lies beside the notebook, and its level 0 is the full run, exactly.
    const file = path.join(path.dirname(small.notebook.fsPath), ref.file);
    const src = await fileByteSource(file);
    try {
      const reader = await SidecarReader.open(src, ref, sha256Hex);
      const h0 = gateOf(decodeTrace(small.document).layers[0]!, 'h')!.levels[0]!;
      assert.equal(h0.mean, undefined, 'level 0 is not inline');
      const full = await reader.tensorValues(h0.remote!.mean.tensor);
      assert.deepEqual(full, gateOf(decodeTrace(big.document).layers[0]!, 'h')!.levels[0]!.mean);
    } finally {
      await src.close();
    }
  });

  it('a native run beyond gatescope.maxOutputMB streams its gates into the sidecar: level 0 is the whole run, exactly', async function () {
    this.timeout(180000);
    // The worker streams native runs chunk by chunk into the sidecar (src/onnx/trace-stream.ts).
    const input = { kind: 'random', seed: 6, steps: 6000 };
    const native = (f: () => Promise<Inserted>) => withSetting('engine', 'native', () => withSetting('precision', 'float32', f));
    const big = await native(() => run(input, 'stream-whole.ipynb'));
    assert.equal(big.document.sidecar, undefined);
    const small = await native(() => withSetting('maxOutputMB', 1, () => run(input, 'stream-1mb.ipynb')));
    const ref = small.document.sidecar;
    assert.ok(ref, 'a run beyond the budget names its sidecar');
    const file = path.join(path.dirname(small.notebook.fsPath), ref.file);
    const src = await fileByteSource(file);
    try {
      const reader = await SidecarReader.open(src, ref, sha256Hex);
      for (const name of ['r', 'z', 'n', 'h']) {
        const level0 = gateOf(decodeTrace(small.document).layers[0]!, name)!.levels[0]!;
        assert.deepEqual(await reader.tensorValues(level0.remote!.mean.tensor), gateOf(decodeTrace(big.document).layers[0]!, name)!.levels[0]!.mean, `gate ${name}`);
      }
    } finally {
      await src.close();
    }
  });

  it('gatescope.pngPreview adds a PNG of the heatmaps after the trace, or leaves it out', async function () {
    this.timeout(180000);
    const items = async (value: boolean, notebook: string): Promise<string[]> => {
      const r = await withSetting('pngPreview', value, () => run({ kind: 'random', seed: 2, steps: 8 }, notebook));
      const nb = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === r.notebook.toString())!;
      const cell = nb.cellAt(r.cellIndex);
      mainItem(cell); // checks the PNG signature and its place after the trace
      return cell.outputs[0]!.items.map((i) => i.mime);
    };
    assert.deepEqual(await items(true, 'preview-on.ipynb'), ['application/vnd.gatescope.trace+json', 'image/png']);
    assert.deepEqual(await items(false, 'preview-off.ipynb'), ['application/vnd.gatescope.trace+json']);
  });

  it('gatescope.onnxruntimeThreads reaches onnxruntime in the worker', async function () {
    // Several runs, each inserting a notebook cell: slow on a loaded machine.
    this.timeout(180000);
    const two = await withSetting('onnxruntimeThreads', 2, () => run({ kind: 'random', seed: 1, steps: 8 }, 'threads-2.ipynb'));
    const one = await withSetting('onnxruntimeThreads', 1, () => run({ kind: 'random', seed: 1, steps: 8 }, 'threads-1.ipynb'));
    assert.equal(two.runtime.numThreads, 2);
    assert.equal(one.runtime.numThreads, 1);
    // Same model, same input: the thread count changes nothing in the result.
    assert.deepEqual(two.document.layers, one.document.layers);
  });

  it('a spec cell overrides gatescope.precision and gatescope.engine', async () => {
    await withSetting('precision', 'uint8', async () => {
      const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'settings', 'override.ipynb'), [
        { kind: 'code', source: 'model: demo.onnx\ninput: random\nsteps: 5\nprecision: float16\nengine: native' },
      ]);
      const cell = await runCell(editor, 0);
      const { doc } = decodeTraceItem(mainItem(cell));
      assert.equal(doc.layers[0]!.gates.find((g) => g.name === 'h')!.levels[0]!.dtype, 'float16');
      assert.match(doc.model.engine, /^gatescope-native/);
    });
  });
});
