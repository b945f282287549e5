// Extension entry: commands, the notebook controller and the renderer's export channel.
// Models run in dist/host/worker.js (worker_threads, kept warm between runs), never on the extension
// host's main thread.

import * as vscode from 'vscode';
import { createController } from './controller';
import { openDemo } from './demo';
import { registerExportMessaging } from './export-messaging';
import { registerRendererSettings } from './renderer-settings';
import { registerTileServer } from './tile-server';
import { nodeTileSources } from './tile-sources-node';
import { registerSidecarCleanup } from './sidecar-cleanup';
import { inspectOnnxCommand } from './inspect-command';
import { compareWithCommand } from './compare-command';
import { registerCompareWithMessaging } from './compare-traces-command';
import type { HostPaths } from './run-spec';
import { workerJobRunner } from './worker-client';
import { outsideFolders } from './containment';
import { watchModels } from './model-watch';

export function activate(context: vscode.ExtensionContext): void {
  const runner = workerJobRunner(vscode.Uri.joinPath(context.extensionUri, 'dist', 'host', 'worker.js').fsPath);
  const paths: HostPaths = {
    runner,
    wasmDir: vscode.Uri.joinPath(context.extensionUri, 'dist', 'ort').fsPath,
    outsideFolders,
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('gatescope.inspectOnnx', (arg?: unknown) => inspectOnnxCommand(paths, arg)),
    vscode.commands.registerCommand('gatescope.compareWith', (arg?: unknown) => compareWithCommand(paths, arg)),
    vscode.commands.registerCommand('gatescope.openDemo', () => openDemo(context)),
    vscode.commands.registerCommand('gatescope.openTwinDemo', () => openDemo(context, 'twins.ipynb')),
    createController(paths),
    registerExportMessaging(),
    registerRendererSettings(),
    registerCompareWithMessaging(),
    registerTileServer(nodeTileSources),
    registerSidecarCleanup(),
    // The warm worker, with its decoded models and onnxruntime sessions, ends with the extension.
    { dispose: () => runner.dispose() },
    watchModels(runner),
  );
}

export function deactivate(): void {
  // The warm worker is disposed with the context's subscriptions (activate).
}
