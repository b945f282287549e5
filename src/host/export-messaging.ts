// Export requests from the renderer (src/core/protocol.ts): webviews cannot download files, so the
// renderer sends the bytes and the host asks where to save them.

import * as vscode from 'vscode';
import type { ExportFormat, HostToRenderer, RendererToHost } from '../core/protocol';
import { decodeBase64 } from '../core/encoding/base64';
import { specBase } from './run-spec';
import { checkExportRequest } from '../core/protocol-validate';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  svg: { 'SVG image': ['svg'] },
  csv: { 'CSV table': ['csv'] },
};

export interface ExportDeps {
  showSaveDialog(options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined>;
  writeFile(uri: vscode.Uri, bytes: Uint8Array): Thenable<void>;
}

const realDeps: ExportDeps = {
  showSaveDialog: (o) => vscode.window.showSaveDialog(o),
  writeFile: (u, b) => vscode.workspace.fs.writeFile(u, b),
};

/** Handles one export request and returns the reply for the renderer. */
export async function handleExport(
  message: Extract<RendererToHost, { type: 'export' }>,
  editor: vscode.NotebookEditor | undefined,
  deps: ExportDeps = realDeps,
): Promise<Extract<HostToRenderer, { type: 'exportResult' }>> {
  const checked = checkExportRequest(message);
  if (!checked) return { type: 'exportResult', requestId: -1, ok: false, cancelled: false, error: 'not an export request' };
  if (!checked.ok) return { type: 'exportResult', requestId: checked.requestId, ok: false, cancelled: false, error: `the export request is malformed: ${checked.error}` };
  const { requestId, format } = checked.request;
  const safeName = message.suggestedName.replace(/[\\/:*?"<>|]/g, '_') || `gatescope.${format}`;
  // Default folder: the notebook's, else the first workspace folder (as for spec paths).
  const folder = specBase(editor?.notebook.uri);
  const uri = await deps.showSaveDialog({
    title: `Gatescope: save ${format.toUpperCase()}`,
    filters: FILTERS[format],
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, safeName) } : {}),
  });
  if (!uri) return { type: 'exportResult', requestId, ok: false, cancelled: true };
  try {
    const bytes = message.encoding === 'base64' ? decodeBase64(message.data) : new TextEncoder().encode(message.data);
    await deps.writeFile(uri, bytes);
    return { type: 'exportResult', requestId, ok: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
  } catch (e) {
    return { type: 'exportResult', requestId, ok: false, cancelled: false, error: `could not write ${uri.toString()}: ${(e as Error).message}` };
  }
}

export function registerExportMessaging(): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging('gatescope');
  return messaging.onDidReceiveMessage(async ({ editor, message }) => {
    // Untrusted: checked strictly by handleExport; every export request gets a reply, even a failed one.
    if (checkExportRequest(message) === undefined) return;
    let reply: HostToRenderer;
    try {
      reply = await handleExport(message as Extract<RendererToHost, { type: 'export' }>, editor);
    } catch (e) {
      const id = (message as { requestId?: unknown }).requestId;
      reply = { type: 'exportResult', requestId: typeof id === 'number' ? id : -1, ok: false, cancelled: false, error: `export failed: ${(e as Error)?.message ?? String(e)}` };
    }
    if (!reply.ok && !reply.cancelled && reply.error) void vscode.window.showErrorMessage(`Gatescope export: ${reply.error}`);
    await messaging.postMessage(reply, editor);
  });
}
