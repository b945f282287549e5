// Helpers for the host suites: a scratch copy of the demo model in the workspace, notebooks made
// through the real ipynb serializer, running cells on the Gatescope controller, reading outputs.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { decodeTrace } from '../../../src/core/trace/decode';
import { TRACE_MIME, type TraceDocument } from '../../../src/core/trace/document';
import type { DecodedTrace } from '../../../src/core/trace/decoded';

export const EXTENSION_ID = 'gatescope.gatescope';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

export async function extension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need an open workspace folder');
  return folder.uri;
}

/** Copies the shipped demo model into <workspace>/<dir>/demo.onnx and returns its URI. */
export async function demoModelIn(dir: string): Promise<vscode.Uri> {
  const ext = await extension();
  const to = vscode.Uri.joinPath(workspaceRoot(), dir, 'demo.onnx');
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspaceRoot(), dir));
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(ext.extensionUri, 'media', 'demo', 'model.onnx'), to, { overwrite: true });
  return to;
}

/** Writes an .ipynb with the given cells (yaml code cells or markdown) and opens it in an editor. */
export async function openIpynb(uri: vscode.Uri, cells: { kind: 'code' | 'markdown'; source: string; language?: string }[]): Promise<vscode.NotebookEditor> {
  const nb = {
    cells: cells.map((c, i) =>
      c.kind === 'markdown'
        ? { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: c.source }
        : { cell_type: 'code', id: `c${i}`, execution_count: null, metadata: { vscode: { languageId: c.language ?? 'yaml' } }, outputs: [], source: c.source },
    ),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(nb, null, 1)));
  const doc = await vscode.workspace.openNotebookDocument(uri);
  return vscode.window.showNotebookDocument(doc);
}

export function decodeTraceItem(item: vscode.NotebookCellOutputItem): { doc: TraceDocument; decoded: DecodedTrace } {
  assert.equal(item.mime, TRACE_MIME);
  const doc = JSON.parse(new TextDecoder().decode(item.data)) as TraceDocument;
  return { doc, decoded: decodeTrace(doc) };
}

/**
 * The first item of the cell's one output. A trace output may carry one more item, the PNG preview
 * (gatescope.pngPreview), checked here to be a real PNG placed after the trace.
 */
export function mainItem(cell: vscode.NotebookCell): vscode.NotebookCellOutputItem {
  assert.equal(cell.outputs.length, 1, `cell ${cell.index} has ${cell.outputs.length} outputs`);
  const items = cell.outputs[0]!.items;
  if (items.length === 2) {
    assert.equal(items[0]!.mime, TRACE_MIME);
    assert.equal(items[1]!.mime, 'image/png');
    assert.deepEqual([...items[1]!.data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the preview is not a PNG');
  } else {
    assert.equal(items.length, 1, `the output has ${items.length} items`);
  }
  return items[0]!;
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Selects the Gatescope controller for the editor's notebook and runs cell `index` to completion. */
export async function runCell(editor: vscode.NotebookEditor, index: number): Promise<vscode.NotebookCell> {
  await vscode.window.showNotebookDocument(editor.notebook);
  const selected = await vscode.commands.executeCommand('notebook.selectKernel', { id: 'gatescope', extension: EXTENSION_ID });
  assert.equal(selected, true, 'notebook.selectKernel did not select the Gatescope controller');
  const cell = editor.notebook.cellAt(index);
  const before = cell.executionSummary?.executionOrder;
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: editor.notebook.uri });
  return waitFor(`cell ${index} to finish`, () => {
    const c = editor.notebook.cellAt(index);
    const s = c.executionSummary;
    return s && s.executionOrder !== before && s.success !== undefined ? c : undefined;
  });
}

/** Sets a gatescope.* setting for the duration of `body` (user settings), then restores it. */
export async function withSetting<T>(key: string, value: unknown, body: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration('gatescope');
  const old = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await body();
  } finally {
    await vscode.workspace.getConfiguration('gatescope').update(key, old, vscode.ConfigurationTarget.Global);
  }
}
