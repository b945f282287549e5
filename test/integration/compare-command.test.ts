import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InspectResult } from '../../src/host/inspect-command';
import { parseSpec } from '../../src/core/spec/parse-spec';
import { decodeTraceItem, demoModelIn, extension, mainItem, openIpynb, workspaceRoot } from './helpers/notebooks';

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
});
