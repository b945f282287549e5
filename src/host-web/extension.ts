// Web extension entry (package.json `browser`, dist/host-web/extension.js): vscode.dev, github.dev
// and other browser workbenches, where the extension host is a Web Worker with no Node built-ins.
// Same commands, controller and export channel as the Node entry (src/host/extension.ts); what
// differs: jobs run in-process (in-process-runner.ts), onnxruntime-web gets its .wasm bytes read
// from the extension's own URI, and sidecars are written and read through vscode.workspace.fs
// (sidecar-target.ts, tile-sources-web.ts); stale sidecars are not cleaned up on save here. scripts/lint-boundaries.js checks
// that nothing this file reaches imports a Node built-in.

import * as vscode from 'vscode';
import { createController } from '../host/controller';
import { openDemo } from '../host/demo';
import { registerExportMessaging } from '../host/export-messaging';
import { registerRendererSettings } from '../host/renderer-settings';
import { inspectOnnxCommand } from '../host/inspect-command';
import { compareWithCommand } from '../host/compare-command';
import { registerCompareWithMessaging } from '../host/compare-traces-command';
import type { HostPaths } from '../host/run-spec';
import { registerTileServer } from '../host/tile-server';
import { inProcessJobRunner, webSha256 } from './in-process-runner';
import { ORT_WEB_WASM } from './ort-web-files';
import { webTileSources } from './tile-sources-web';
import { webSidecarTarget } from './sidecar-target';
import { watchModels } from '../host/model-watch';

export function activate(context: vscode.ExtensionContext): void {
  const ortDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'ort');
  const runner = inProcessJobRunner({
    loadWasm: async () => vscode.workspace.fs.readFile(vscode.Uri.joinPath(ortDir, ORT_WEB_WASM)),
    writeFile: async (dir, name, bytes) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(vscode.Uri.parse(dir), name), bytes),
  });
  const paths: HostPaths = {
    runner,
    wasmDir: ortDir.toString(),
    sidecarTarget: webSidecarTarget,
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('gatescope.inspectOnnx', (arg?: unknown) => inspectOnnxCommand(paths, arg)),
    vscode.commands.registerCommand('gatescope.compareWith', (arg?: unknown) => compareWithCommand(paths, arg)),
    vscode.commands.registerCommand('gatescope.openDemo', () => openDemo(context)),
    createController(paths),
    registerExportMessaging(),
    registerRendererSettings(),
    registerCompareWithMessaging(),
    registerTileServer(webTileSources),
    // Decoded models and onnxruntime sessions kept between runs end with the extension.
    { dispose: () => runner.dispose() },
    watchModels(runner),
  );
}

export function deactivate(): void {
  // The runner's cached models are disposed with the context's subscriptions (activate).
}

// For npm run test:web, which drives this bundle's pipeline in a Chromium worker (test/web/).
export { inProcessJobRunner, ORT_WEB_WASM, webSha256 };
