import * as assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decodeTraceItem, demoModelIn, ERROR_MIME, mainItem, openIpynb, runCell, workspaceRoot } from './helpers/notebooks';

function errorOf(cell: vscode.NotebookCell): { name: string; message: string } {
  const item = mainItem(cell);
  assert.equal(item.mime, ERROR_MIME);
  return JSON.parse(new TextDecoder().decode(item.data));
}

describe('notebook controller "Gatescope"', () => {
  before(async () => {
    await demoModelIn('controller');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs a spec cell and writes a trace with labels from the model vocabulary', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'run.ipynb'), [
      { kind: 'markdown', source: '# spec below' },
      { kind: 'code', source: '# the demo model\nmodel: demo.onnx\ninput: text\ntext: ((a))\nprecision: float32' },
    ]);
    const cell = await runCell(editor, 1);
    assert.equal(cell.executionSummary?.success, true);
    const { doc, decoded } = decodeTraceItem(mainItem(cell));
    assert.deepEqual(doc.tokens, ['(', '(', 'a', ')', ')']);
    assert.equal(decoded.layers[0]!.gates.find((g) => g.name === 'z')!.levels[0]!.dtype, 'float32');
    assert.equal(decoded.steps, 5);
  });

  it('runs a JSON spec with a vocabulary and step labels of its own', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'json.ipynb'), [
      {
        kind: 'code',
        language: 'json',
        // The spec's vocabulary renames the ids: "<" is id 0 (the model's "(").
        source: JSON.stringify({ model: 'demo.onnx', input: 'text', text: '<x>', vocab: ['<', '>', "'", 'x', 'y', 'z', '_'] }, null, 2),
      },
    ]);
    const cell = await runCell(editor, 0);
    assert.equal(cell.executionSummary?.success, true, JSON.stringify(cell.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)))));
    assert.deepEqual(decodeTraceItem(mainItem(cell)).doc.tokens, ['<', 'x', '>']);
  });

  it('keeps only the layers a spec asks for, and names a missing one', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'layers.ipynb'), [
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nseed: 4\nsteps: 9\nlayers: 0' },
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nlayers: 0, 3' },
    ]);
    const ok = await runCell(editor, 0);
    assert.deepEqual(decodeTraceItem(mainItem(ok)).decoded.layers.map((l: { layer: number }) => l.layer), [0]);
    const bad = await runCell(editor, 1);
    assert.equal(bad.executionSummary?.success, false);
    assert.match(errorOf(bad).message, /field `layers`: the model has no layer 3; its recurrent layers are 0/);
  });

  it('compares two runs with `compare:`: the comparison trace marks the first step where the texts differ', async () => {
    const [a, b] = ['(a "b" (c)) a', '(a "b" (c)( a'];
    const k = [...a].findIndex((ch, i) => ch !== b[i]);
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'compare.ipynb'), [
      { kind: 'code', source: `model: demo.onnx\ninput: text\ntext: ${a}\ncompare: ${JSON.stringify({ text: b })}\ntolerance: 1e-6` },
      { kind: 'code', source: 'model: demo.onnx\ninput: text\ntext: (a)\ncompare: {"text": "(a))"}' },
      { kind: 'code', source: 'model: demo.onnx\ninput: random\ncompare: nowhere/int8.onnx' },
    ]);
    const cell = await runCell(editor, 0);
    assert.equal(cell.executionSummary?.success, true, JSON.stringify(cell.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)))));
    const { decoded } = decodeTraceItem(mainItem(cell));
    assert.deepEqual(decoded.layers.map((l: { run?: string }) => l.run ?? 'a'), ['a', 'b']);
    const c = decoded.compare!;
    assert.equal(c.tolerance, 1e-6);
    assert.equal(c.a.label, `demo.onnx on text ${JSON.stringify(a)}`);
    assert.equal(Math.min(...c.stats!.map((s: { firstDivergentStep: number | null }) => s.firstDivergentStep ?? Infinity)), k);

    const short = await runCell(editor, 1);
    assert.equal(short.executionSummary?.success, false);
    assert.match(errorOf(short).message, /^field `compare`: demo\.onnx on text "\(a\)" and demo\.onnx on text "\(a\)\)" do not line up: .* has 3 steps, .* has 4; compare two runs/);
    const missing = await runCell(editor, 2);
    assert.equal(missing.executionSummary?.success, false);
    assert.equal(errorOf(missing).message, `field \`compare\`: ${vscode.Uri.joinPath(workspaceRoot(), 'controller', 'nowhere', 'int8.onnx').fsPath} not found`);
  });

  it('shows a bad spec as a cell error naming the line and the field', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'bad.ipynb'), [
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nengine: tensorflow' },
    ]);
    const cell = await runCell(editor, 0);
    assert.equal(cell.executionSummary?.success, false);
    const err = errorOf(cell);
    assert.equal(err.name, 'Gatescope spec error');
    assert.match(err.message, /^line 3, field `engine`: "tensorflow" is not one of onnxruntime, native/);
  });

  it('shows a missing model file as a cell error with its resolved path', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'missing.ipynb'), [
      { kind: 'code', source: 'model: nowhere/none.onnx\ninput: random' },
    ]);
    const cell = await runCell(editor, 0);
    assert.equal(cell.executionSummary?.success, false);
    const expected = vscode.Uri.joinPath(workspaceRoot(), 'controller', 'nowhere', 'none.onnx').fsPath;
    assert.equal(errorOf(cell).message, `field \`model\`: ${expected} not found`);
  });

  it('refuses a model outside the workspace (absolute path or symlink) unless the setting allows it', async () => {
    const demo = vscode.Uri.joinPath(workspaceRoot(), 'controller', 'demo.onnx');
    const outsideDir = mkdtempSync(path.join(tmpdir(), 'gatescope-outside-'));
    const outside = path.join(outsideDir, 'elsewhere.onnx');
    writeFileSync(outside, await vscode.workspace.fs.readFile(demo));
    const link = path.join(workspaceRoot().fsPath, 'controller', 'link.onnx');
    symlinkSync(outside, link);
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'outside.ipynb'), [
      { kind: 'code', source: `model: ${outside}\ninput: random` },
      { kind: 'code', source: 'model: link.onnx\ninput: random' },
    ]);
    const real = realpathSync(outside);
    for (const i of [0, 1]) {
      const cell = await runCell(editor, i);
      assert.equal(cell.executionSummary?.success, false);
      assert.equal(errorOf(cell).message, `field \`model\`: the file is outside this workspace's folders (it resolves to ${real}); move it into the workspace, or allow such files with the setting gatescope.allowFilesOutsideWorkspace`);
    }
    const config = vscode.workspace.getConfiguration('gatescope');
    await config.update('allowFilesOutsideWorkspace', true, vscode.ConfigurationTarget.Global);
    try {
      const cell = await runCell(editor, 1);
      assert.equal(cell.executionSummary?.success, true);
    } finally {
      await config.update('allowFilesOutsideWorkspace', undefined, vscode.ConfigurationTarget.Global);
      rmSync(link, { force: true });
      rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('refuses a FIFO as the model at once instead of hanging', async () => {
    const fifo = path.join(workspaceRoot().fsPath, 'controller', 'pipe.onnx');
    spawnSync('mkfifo', [fifo]);
    try {
      const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'fifo.ipynb'), [{ kind: 'code', source: 'model: pipe.onnx\ninput: random' }]);
      const cell = await runCell(editor, 0);
      assert.equal(cell.executionSummary?.success, false);
      assert.match(errorOf(cell).message, /^field `model`: .*pipe\.onnx is not a regular file \(a pipe, socket or device\)/);
    } finally {
      rmSync(fifo, { force: true });
    }
  });

  it('replaces an old output when a cell runs again', async () => {
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'controller', 'rerun.ipynb'), [
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nseed: 1\nsteps: 3' },
    ]);
    await runCell(editor, 0);
    const edit = new vscode.WorkspaceEdit();
    const cellDoc = editor.notebook.cellAt(0).document;
    edit.replace(cellDoc.uri, new vscode.Range(0, 0, cellDoc.lineCount, 0), 'model: demo.onnx\ninput: random\nseed: 1\nsteps: 6');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const cell = await runCell(editor, 0);
    assert.equal(decodeTraceItem(mainItem(cell)).decoded.steps, 6);
  });
});
