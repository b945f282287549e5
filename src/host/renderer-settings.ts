// Sends the renderer its settings (gatescope.colorMap, gatescope.heatmapDrawing): in answer to the
// renderer's 'ready' (each notebook webview sends one when the renderer starts) and to every renderer
// whenever either setting changes, so open outputs redraw in the new colours at once.
import * as vscode from 'vscode';
import type { HostToRenderer } from '../core/protocol';
import { readRendererSettings } from '../core/renderer-settings';

function current(): HostToRenderer {
  const c = vscode.workspace.getConfiguration('gatescope');
  return { type: 'settings', settings: readRendererSettings({ colorMap: c.get('colorMap'), drawing: c.get('heatmapDrawing') }) };
}

export function registerRendererSettings(): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging('gatescope');
  const sub = messaging.onDidReceiveMessage(({ editor, message }) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') void messaging.postMessage(current(), editor);
  });
  const watch = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('gatescope.colorMap') || e.affectsConfiguration('gatescope.heatmapDrawing')) void messaging.postMessage(current());
  });
  return vscode.Disposable.from(sub, watch);
}
