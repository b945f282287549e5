import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InspectResult } from '../../src/host/inspect-command';
import { parseSpec } from '../../src/core/spec/parse-spec';
import { decodeTraceItem, demoModelIn, mainItem, openIpynb, workspaceRoot } from './helpers/notebooks';

type Inserted = Extract<InspectResult, { status: 'inserted' }>;

async function inspect(args: object): Promise<InspectResult> {
  const r = await vscode.commands.executeCommand<InspectResult | undefined>('gatescope.inspectOnnx', args);
  assert.ok(r, 'the command returned nothing');
  return r;
}

function inserted(r: InspectResult): Inserted {
  assert.equal(r.status, 'inserted', r.status === 'failed' ? r.error : r.status);
  return r as Inserted;
}

describe('command gatescope.inspectOnnx', () => {
  let model: vscode.Uri;
  before(async () => {
    model = await demoModelIn('inspect');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('inserts a trace cell after the current cell of the active notebook', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'insert.ipynb');
    const editor = await openIpynb(uri, [
      { kind: 'markdown', source: '# first' },
      { kind: 'markdown', source: '# second' },
    ]);
    editor.selections = [new vscode.NotebookRange(0, 1)];
    const r = inserted(await inspect({ model, input: { kind: 'text', text: '(a(b"c)"))' } }));
    assert.equal(r.notebook.toString(), uri.toString());
    assert.equal(r.cellIndex, 1);
    const nb = editor.notebook;
    assert.deepEqual(nb.getCells().map((c) => c.document.getText()), ['# first', nb.cellAt(1).document.getText(), '# second']);
    const cell = nb.cellAt(1);
    const { doc, decoded } = decodeTraceItem(mainItem(cell));
    assert.deepEqual(doc.tokens, ['(', 'a', '(', 'b', '"', 'c', ')', '"', ')', ')']);
    assert.equal(decoded.steps, 10);
    assert.equal(decoded.batch, 1);
    assert.deepEqual(decoded.layers.map((l) => [l.layer, l.direction, l.hiddenSize]), [[0, 'forward', 24]]);
    assert.ok(doc.check && doc.check.maxAbsError < 1e-4, `recomputed h vs onnxruntime: ${doc.check?.maxAbsError}`);
    // The cell is a spec the controller can run again, with the model path relative to the notebook.
    const spec = parseSpec(cell.document.getText());
    assert.ok(spec.ok);
    assert.deepEqual(spec.spec, { model: 'demo.onnx', input: { kind: 'text', text: '(a(b"c)"))' } });
    assert.equal(cell.document.languageId, 'yaml');
  });

  it('keeps the output in the .ipynb file so it renders again when reopened', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'saved.ipynb');
    const editor = await openIpynb(uri, [{ kind: 'markdown', source: '# notes' }]);
    editor.selections = [new vscode.NotebookRange(0, 1)];
    const r = inserted(await inspect({ model, input: { kind: 'random', seed: 3, steps: 12 } }));
    const original = decodeTraceItem(mainItem(editor.notebook.cellAt(r.cellIndex))).doc;
    assert.ok(await editor.notebook.save(), 'saving the notebook failed');
    const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    const data = saved.cells[1].outputs[0].data['application/vnd.gatescope.trace+json'];
    assert.deepEqual(data, JSON.parse(JSON.stringify(original)));
  });

  it('opens a new Jupyter notebook when none is active', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const active = (): vscode.NotebookEditor | undefined => vscode.window.activeNotebookEditor;
    assert.equal(active(), undefined);
    const r = inserted(await inspect({ model, input: { kind: 'random', seed: 1, steps: 7 } }));
    const editor = active();
    assert.ok(editor, 'no notebook editor was opened');
    assert.equal(editor.notebook.uri.toString(), r.notebook.toString());
    assert.equal(editor.notebook.notebookType, 'jupyter-notebook');
    assert.equal(editor.notebook.cellCount, 1);
    const { decoded } = decodeTraceItem(mainItem(editor.notebook.cellAt(0)));
    assert.equal(decoded.steps, 7);
    // Random token ids are labelled through the model's gatescope.vocab metadata.
    assert.equal(decoded.tokens?.length, 7);
    assert.ok(decoded.tokens!.every((t) => ['(', ')', '"', 'a', 'b', 'c', ' '].includes(t)), JSON.stringify(decoded.tokens));
  });

  it('reads a .json input file', async () => {
    const file = vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'ids.json');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[[0, 3, 1, 2, 4, 2]]'));
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'file.ipynb'), []);
    const r = inserted(await inspect({ model, input: { kind: 'file', uri: file } }));
    const cell = editor.notebook.cellAt(r.cellIndex);
    assert.deepEqual(decodeTraceItem(mainItem(cell)).doc.tokens, ['(', 'a', ')', '"', 'b', '"']);
    const spec = parseSpec(cell.document.getText());
    assert.ok(spec.ok && spec.spec.input.kind === 'file' && spec.spec.input.path === 'ids.json', cell.document.getText());
  });

  it('reports text outside the vocabulary as an error and changes nothing', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'badtext.ipynb'), [{ kind: 'markdown', source: '# x' }]);
    const r = await inspect({ model, input: { kind: 'text', text: '(a)z' } });
    assert.equal(r.status, 'failed');
    assert.match((r as { error: string }).error, /character "z" at position 3 is not in the model's vocabulary/);
    assert.equal(editor.notebook.cellCount, 1);
  });

  it('cancelling stops the worker and leaves the notebook as it was', async function () {
    this.timeout(30000);
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'cancel.ipynb');
    const editor = await openIpynb(uri, [{ kind: 'markdown', source: '# keep me' }, { kind: 'code', source: 'model: demo.onnx\ninput: random' }]);
    const before = JSON.stringify(editor.notebook.getCells().map((c) => [c.kind, c.document.getText(), c.outputs.length]));
    const source = new vscode.CancellationTokenSource();
    const started = Date.now();
    // 300k steps: several seconds of work (onnxruntime, gate recompute, encoding) when not cancelled.
    const pending = inspect({ model, input: { kind: 'random', seed: 2, steps: 300_000 }, cancellation: source.token });
    await new Promise((r) => setTimeout(r, 700));
    const cancelledAt = Date.now();
    source.cancel();
    const r = await pending;
    const stoppedAfter = Date.now() - cancelledAt;
    assert.equal(r.status, 'cancelled');
    assert.ok(stoppedAfter < 1500, `the command settled ${stoppedAfter} ms after cancel (started ${cancelledAt - started} ms before)`);
    // Nothing arrives later either: the worker was terminated, not just ignored.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(JSON.stringify(editor.notebook.getCells().map((c) => [c.kind, c.document.getText(), c.outputs.length])), before);
    assert.equal(editor.notebook.isDirty, false);
  });

  it('returns "cancelled" without running when the token is already cancelled', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'inspect', 'precancel.ipynb'), []);
    const source = new vscode.CancellationTokenSource();
    source.cancel();
    const r = await inspect({ model, input: { kind: 'random' }, cancellation: source.token });
    assert.equal(r.status, 'cancelled');
    assert.equal(editor.notebook.cellCount, 0);
  });
});
