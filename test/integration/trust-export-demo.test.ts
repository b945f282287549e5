import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { handleExport } from '../../src/host/export-messaging';
import { decodeTraceItem, extension, mainItem, workspaceRoot } from './helpers/notebooks';

describe('workspace trust declaration', () => {
  it('declares limited support for untrusted workspaces with a reason', async () => {
    const ext = await extension();
    const untrusted = ext.packageJSON.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.match(untrusted.description, /needs trust/);
  });

  it('runs models without asking in a trusted workspace', () => {
    // The integration workspace is trusted (trust prompts are off); the command tests above ran in it.
    assert.equal(vscode.workspace.isTrusted, true);
  });
});

describe('Gatescope: Open Demo', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a writable copy of the demo notebook with its saved trace', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('gatescope.openDemo');
    const editor = vscode.window.activeNotebookEditor;
    assert.ok(editor);
    assert.equal(editor.notebook.uri.toString(), uri.toString());
    const ext = await extension();
    assert.ok(!uri.path.startsWith(ext.extensionUri.path), `demo opened from the extension folder: ${uri.path}`);
    const spec = editor.notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.ok(spec, 'the demo has a spec cell');
    const { doc, decoded } = decodeTraceItem(mainItem(spec));
    assert.equal(doc.tokens?.join(''), '(a(b "(" c)(a(b(c)a)b)) "))" a(b)');
    assert.equal(decoded.layers[0]!.hiddenSize, 24);
    // The model was copied beside it, so the spec cell can run there.
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, '..', 'model.onnx'));
    // The comparison case: float against int8 weights, drift past the tolerance from step 8 (test/fixtures/compare/manifest.json).
    const cmp = editor.notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && /^compare:/m.test(c.document.getText()));
    assert.ok(cmp, 'the demo has a comparison cell');
    const compared = decodeTraceItem(mainItem(cmp)).decoded;
    assert.equal(compared.compare!.b.label, 'model-int8.onnx');
    assert.equal(Math.min(...compared.compare!.stats!.map((s) => s.firstDivergentStep ?? Infinity)), 8);
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, '..', 'model-int8.onnx'));
  });

  it('opens the GRU vs LSTM demo with both saved traces: a GRU layer (r, z, n, h) and an LSTM layer (i, f, g, o, c, h)', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('gatescope.openTwinDemo');
    const editor = vscode.window.activeNotebookEditor;
    assert.ok(editor);
    assert.equal(editor.notebook.uri.toString(), uri.toString());
    assert.ok(uri.path.endsWith('/twins.ipynb'), uri.path);
    const specs = editor.notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(specs.length, 2);
    const [gru, lstm] = specs.map((c) => decodeTraceItem(mainItem(c)).decoded);
    assert.deepEqual(gru!.layers[0]!.gates.map((g) => g.name), ['r', 'z', 'n', 'h']);
    assert.equal(lstm!.layers[0]!.cell, 'lstm');
    assert.deepEqual(lstm!.layers[0]!.gates.map((g) => g.name), ['i', 'f', 'g', 'o', 'c', 'h']);
    assert.equal(lstm!.tokens?.join(''), '(a(b "(" c)(a(b(c)a)b)) "))" a(b)');
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, '..', 'model-lstm.onnx'));
  });
});

describe('renderer export through the save dialog', () => {
  const base64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

  it('writes the renderer bytes where the user chose', async () => {
    const target = vscode.Uri.joinPath(workspaceRoot(), 'export', 'gates.png');
    let offered: vscode.SaveDialogOptions | undefined;
    const reply = await handleExport(
      { type: 'export', requestId: 7, format: 'png', suggestedName: 'gru-layer0.png', data: base64('PNGDATA'), encoding: 'base64' },
      undefined,
      {
        showSaveDialog: async (o) => {
          offered = o;
          return target;
        },
        writeFile: (u, b) => vscode.workspace.fs.writeFile(u, b),
      },
    );
    assert.deepEqual(reply, { type: 'exportResult', requestId: 7, ok: true, path: target.fsPath });
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), 'PNGDATA');
    assert.equal(offered?.defaultUri?.path.split('/').pop(), 'gru-layer0.png');
    assert.deepEqual(offered?.filters, { 'PNG image': ['png'] });
  });

  it('answers "cancelled" when the dialog is dismissed', async () => {
    const reply = await handleExport(
      { type: 'export', requestId: 8, format: 'csv', suggestedName: 'g.csv', data: 'a,b\n', encoding: 'utf8' },
      undefined,
      { showSaveDialog: async () => undefined, writeFile: async () => assert.fail('nothing may be written') },
    );
    assert.deepEqual(reply, { type: 'exportResult', requestId: 8, ok: false, cancelled: true });
  });

  it('answers malformed requests (inherited format names, a non-string name) without opening a dialog', async () => {
    const noDialog = { showSaveDialog: async () => assert.fail('no dialog for a malformed request'), writeFile: async () => assert.fail('nothing may be written') };
    for (const bad of [{ format: 'toString' }, { format: '__proto__' }, { suggestedName: 7 }]) {
      const msg = { type: 'export', requestId: 9, format: 'csv', suggestedName: 'g.csv', data: 'a\n', encoding: 'utf8', ...bad };
      const reply = await handleExport(msg as never, undefined, noDialog);
      assert.equal(reply.type, 'exportResult');
      assert.equal(reply.requestId, 9);
      assert.equal(reply.ok, false);
      assert.match((reply as { error?: string }).error ?? '', /the export request is malformed/);
    }
  });
});
