import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InspectResult } from '../../src/host/inspect-command';
import type { CompareTracesResult } from '../../src/host/compare-traces-command';
import { TRACE_MIME } from '../../src/core/trace/document';
import { parseSpec } from '../../src/core/spec/parse-spec';
import { decodeTraceItem, demoModelIn, extension, mainItem, openIpynb, runCell, workspaceRoot } from './helpers/notebooks';

describe('command gatescope.compareWith ("Gatescope: Compare With…")', () => {
  let model: vscode.Uri;
  let int8: vscode.Uri;
  before(async () => {
    model = await demoModelIn('compare-with');
    int8 = vscode.Uri.joinPath(workspaceRoot(), 'compare-with', 'demo-int8.onnx');
    // The demo model with int8 weights (QuantizeLinear/DequantizeLinear), test/fixtures/compare/make_compare_fixtures.py.
    await vscode.workspace.fs.copy(vscode.Uri.joinPath((await extension()).extensionUri, 'test', 'fixtures', 'compare', 'demo-int8.onnx'), int8, { overwrite: true });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('inserts the comparison of a model with another model as a re-runnable spec cell with compare:', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'compare-with', 'int8.ipynb');
    const editor = await openIpynb(uri, [{ kind: 'markdown', source: '# float against int8' }]);
    editor.selections = [new vscode.NotebookRange(0, 1)];
    const r = await vscode.commands.executeCommand<InspectResult>('gatescope.compareWith', { model, input: { kind: 'text', text: '(a "b(c)" (a b))' }, compare: { model: int8, tolerance: 0.054 } });
    assert.equal(r?.status, 'inserted', r?.status === 'failed' ? r.error : r?.status);
    const cell = editor.notebook.cellAt(1);
    const spec = parseSpec(cell.document.getText());
    assert.ok(spec.ok);
    assert.deepEqual(spec.spec, { model: 'demo.onnx', input: { kind: 'text', text: '(a "b(c)" (a b))' }, compare: { model: 'demo-int8.onnx' }, tolerance: 0.054 });
    const { decoded } = decodeTraceItem(mainItem(cell));
    assert.deepEqual(decoded.compare!.b, { label: 'demo-int8.onnx' });
    assert.equal(decoded.layers.filter((l) => l.run === 'b').length, 1);
    // The same text as the fixtures script's first 16 characters: int8 drift passes 0.054 at step 8 (manifest.json).
    assert.equal(Math.min(...decoded.compare!.stats!.map((s) => s.firstDivergentStep ?? Infinity)), 8);
  });

  it('refuses a second run that differs in nothing', async () => {
    const r = await vscode.commands.executeCommand<InspectResult>('gatescope.compareWith', { model, input: { kind: 'random' }, compare: {} });
    assert.deepEqual(r, { status: 'failed', error: 'compare: give another model or another input for the second run' });
  });

  it('on a trace output: compares it with another trace output of the notebook, or with a trace file found by output id, and inserts the comparison below it', async () => {
    // The fixtures' two texts agree before step 37 (test/fixtures/compare/manifest.json, demoTwoTexts).
    const manifest = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath((await extension()).extensionUri, 'test', 'fixtures', 'compare', 'manifest.json')))) as {
      demoTwoTexts: { textA: string; textB: string; firstDivergentStep: number };
    };
    const { textA, textB, firstDivergentStep } = manifest.demoTwoTexts;
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'compare-with', 'outputs.ipynb');
    const spec = (text: string) => `model: demo.onnx\ninput: text\ntext: ${JSON.stringify(text)}\nprecision: float32`;
    const editor = await openIpynb(uri, [
      { kind: 'code', source: spec(textA) },
      { kind: 'code', source: spec(textB) },
    ]);
    for (const i of [0, 1]) assert.equal((await runCell(editor, i)).executionSummary?.success, true, `cell ${i} ran`);

    // Cell 0's output against cell 1's: inserted as cell 1 (right below the output compared), not a spec cell.
    const r = await vscode.commands.executeCommand<CompareTracesResult>('gatescope.compareWith', { trace: { notebook: uri, cell: 0 }, with: { cell: 1 } });
    assert.equal(r?.status, 'inserted', r?.status === 'failed' ? r.error : r?.status);
    const inserted = editor.notebook.cellAt(1);
    assert.match(inserted.document.getText(), /^# Gatescope comparison/);
    assert.doesNotMatch(inserted.document.getText(), /^\s*model\s*:/m);
    const { decoded } = decodeTraceItem(mainItem(inserted));
    assert.equal(decoded.compare!.a.label, 'demo.onnx (cell 1)');
    assert.equal(decoded.compare!.b.label, 'demo.onnx (cell 2)');
    assert.equal(decoded.layers.filter((l) => l.run === 'b').length, 1);
    assert.equal(Math.min(...decoded.compare!.stats!.map((s) => s.firstDivergentStep ?? Infinity)), firstDivergentStep);

    // The renderer's path: the output named by its id (what the button and the context menu send), B from a .json file.
    const bCell = editor.notebook.cellAt(2);
    const file = vscode.Uri.joinPath(workspaceRoot(), 'compare-with', 'b.trace.json');
    await vscode.workspace.fs.writeFile(file, bCell.outputs[0]!.items.find((i) => i.mime === TRACE_MIME)!.data);
    const id = (editor.notebook.cellAt(0).outputs[0] as { id?: string }).id;
    assert.equal(typeof id, 'string', 'a cell output carries its id at run time');
    const r2 = await vscode.commands.executeCommand<CompareTracesResult>('gatescope.compareWith', { trace: { outputId: id }, with: { file }, tolerance: 0.5 });
    assert.equal(r2?.status, 'inserted', r2?.status === 'failed' ? r2.error : r2?.status);
    const again = decodeTraceItem(mainItem(editor.notebook.cellAt(1))).decoded;
    assert.equal(again.compare!.b.label, 'b.trace.json');
    assert.equal(again.compare!.tolerance, 0.5);

    // A cell that is not there, and a cell without a trace: one clear message each.
    const none = await vscode.commands.executeCommand<CompareTracesResult>('gatescope.compareWith', { trace: { notebook: uri, cell: 0 }, with: { cell: 5 } });
    assert.deepEqual(none, { status: 'failed', error: 'the notebook has no cell 6 (it has 4)' });
    assert.ok(await vscode.workspace.applyEdit(markdownAtEnd(uri, editor.notebook.cellCount)));
    const plain = await vscode.commands.executeCommand<CompareTracesResult>('gatescope.compareWith', { trace: { notebook: uri, cell: 0 }, with: { cell: 4 } });
    assert.deepEqual(plain, { status: 'failed', error: 'cell 5 has no Gatescope trace output' });
  });
});

function markdownAtEnd(uri: vscode.Uri, index: number): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  edit.set(uri, [vscode.NotebookEdit.insertCells(index, [new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, 'no trace here', 'markdown')])]);
  return edit;
}
