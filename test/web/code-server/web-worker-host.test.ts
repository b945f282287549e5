// Runs in code-server's Node extension host (the test entry's host), while the extension under test
// runs in code-server's web worker extension host: the driver (../code-server.web.test.ts) sets
// `remote.extensionKind` {"gatescope.gatescope": ["web"]}, so VS Code loads the extension's
// `browser` entry there. Everything below reaches the extension through the VS Code API only
// (commands, the notebook controller), across the two hosts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { decodeTrace } from '../../../src/core/trace/decode';
import { SidecarReader } from '../../../src/core/trace/sidecar-reader';
import { sha256Hex } from '../../../src/node/sidecar-file';
import { decodeTraceItem, mainItem, openIpynb, runCell, withSetting, workspaceRoot } from '../../integration/helpers/notebooks';

const WEB_PRODUCER = /^gatescope \S+ \(vscode web\)$/;

describe('Gatescope in code-server\'s web worker extension host', () => {
  it('runs outside this (Node) extension host', () => {
    // getExtension sees only the extensions of the calling host; the traces below carry the web
    // entry's producer, "(vscode web)", which only dist/host-web/extension.js writes.
    assert.equal(vscode.extensions.getExtension('gatescope.gatescope'), undefined);
  });

  it('"Inspect GRU in ONNX Model…" traces a workspace model read through workspace.fs, on onnxruntime-web (wasm)', async () => {
    const model = vscode.Uri.joinPath(workspaceRoot(), 'demo.onnx');
    const res = (await vscode.commands.executeCommand('gatescope.inspectOnnx', { model, input: { kind: 'text', text: '(a(b)"(")' } })) as {
      status: string;
      error?: string;
      notebook: vscode.Uri;
      cellIndex: number;
      document: { producer: string; steps: number; tokens: string[]; model: { engine: string }; check: { maxAbsError: number } };
    };
    assert.equal(res.status, 'inserted', res.error);
    assert.match(res.document.producer, WEB_PRODUCER);
    assert.match(res.document.model.engine, /^onnxruntime-web 1\.30\.\d+ \(wasm\)/);
    assert.equal(res.document.steps, 9);
    assert.ok(res.document.check.maxAbsError <= 1e-5, String(res.document.check.maxAbsError));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the notebook controller runs spec cells with onnxruntime-web and with the native engine', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'run.ipynb'), [
      { kind: 'code', source: 'model: demo.onnx\ninput: text\ntext: ((a))\nprecision: float32' },
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nseed: 5\nsteps: 64\nengine: native\nprecision: float32' },
    ]);
    const ort = await runCell(editor, 0);
    assert.equal(ort.executionSummary?.success, true, JSON.stringify(ort.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)))));
    const a = decodeTraceItem(mainItem(ort));
    assert.match(a.doc.producer!, WEB_PRODUCER);
    assert.deepEqual(a.doc.tokens, ['(', '(', 'a', ')', ')']);
    const native = await runCell(editor, 1);
    assert.equal(native.executionSummary?.success, true);
    const b = decodeTraceItem(mainItem(native));
    assert.match(b.doc.model.engine, /^gatescope-native/);
    assert.equal(b.decoded.steps, 64);
    assert.ok(b.doc.check!.maxAbsError <= 1e-5);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a run beyond gatescope.maxOutputMB writes its sidecar beside the notebook through workspace.fs', async () => {
    // 20000 steps x 24 units x 4 gates: about 2.5 MB of JSON even as uint8, over a 1 MB budget.
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'big.ipynb'), [{ kind: 'code', source: 'model: demo.onnx\ninput: random\nsteps: 20000' }]);
    const cell = await withSetting('maxOutputMB', 1, () => runCell(editor, 0));
    assert.equal(cell.executionSummary?.success, true, JSON.stringify(cell.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)))));
    const { doc } = decodeTraceItem(mainItem(cell));
    assert.match(doc.producer!, WEB_PRODUCER);
    const ref = doc.sidecar!;
    assert.match(ref.file, /^big\.ipynb-[0-9a-f]{12}\.gatescope\.safetensors$/);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), ref.file));
    assert.equal(bytes.length, ref.bytes);
    // Header hash against the output's reference, then one tile against the header's hash.
    const reader = await SidecarReader.open({ size: bytes.length, read: async (a, b) => bytes.subarray(a, b) }, ref, sha256Hex);
    const h = decodeTrace(doc).layers[0]!.gates.find((g) => g.name === 'h')!;
    assert.ok((await reader.tileBytes(h.levels[0]!.remote!.mean.tensor, 0, 0)).length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a run beyond the budget in an untitled notebook is refused, saying to save the notebook first', async () => {
    // Relative paths of an untitled notebook resolve against the first workspace folder.
    const nb = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'model: demo.onnx\ninput: random\nsteps: 20000', 'yaml')]));
    const editor = await vscode.window.showNotebookDocument(nb);
    const cell = await withSetting('maxOutputMB', 1, () => runCell(editor, 0));
    assert.equal(cell.executionSummary?.success, false);
    const err = JSON.parse(new TextDecoder().decode(cell.outputs[0]!.items[0]!.data)) as { name: string; message: string };
    assert.equal(err.name, 'TraceSizeError');
    assert.match(err.message, /save the notebook first/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a notebook saved with a sidecar-backed output and keeps the hosts up while the driver zooms it', async function () {
    this.timeout(180000);
    const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.joinPath(workspaceRoot(), 'sidecar', 'long.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const item = nb.cellAt(0).outputs[0]!.items.find((i) => i.mime === 'application/vnd.gatescope.trace+json')!;
    assert.ok(decodeTraceItem(item).doc.sidecar, 'the saved output refers to a sidecar');
    // The extension hosts end with this suite: tell the driver the notebook is open, then wait for
    // the driver-done file it writes once it has looked.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'host-ready'), new Uint8Array());
    const done = vscode.Uri.joinPath(workspaceRoot(), 'driver-done');
    for (const deadline = Date.now() + 170000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      if (await vscode.workspace.fs.stat(done).then(() => true, () => false)) return;
    }
    throw new Error('the driver did not finish looking at the output within 170 s');
  });
});
