// Web extension entry (package.json `browser`, dist/host-web/extension.js): vscode.dev, github.dev
// and other browser workbenches, where the extension host is a Web Worker with no Node built-ins.
// Same commands, controller and export channel as the Node entry (src/host/extension.ts); what
// differs: jobs run in-process (in-process-runner.ts), onnxruntime-web gets its .wasm bytes read
// from the extension's own URI, and no sidecar files are written. scripts/lint-boundaries.js checks
// that nothing this file reaches imports a Node built-in.

import * as vscode from 'vscode';
import { createController } from '../host/controller';
import { openDemo } from '../host/demo';
import { registerExportMessaging } from '../host/export-messaging';
import { inspectOnnxCommand } from '../host/inspect-command';
import type { HostPaths } from '../host/run-spec';
import { inProcessJobRunner } from './in-process-runner';
import { ORT_WEB_WASM } from './ort-web-files';

/** Why a run beyond gatescope.maxOutputMB fails here (said before the size error's own advice). */
export const NO_SIDECAR_WHY =
  'In the web extension host (vscode.dev, github.dev) Gatescope does not write sidecar files yet, so the whole run must fit the notebook output.';

export function activate(context: vscode.ExtensionContext): void {
  const ortDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'ort');
  const paths: HostPaths = {
    runner: inProcessJobRunner({
      loadWasm: async () => vscode.workspace.fs.readFile(vscode.Uri.joinPath(ortDir, ORT_WEB_WASM)),
      noSidecarWhy: NO_SIDECAR_WHY,
    }),
    wasmDir: ortDir.toString(),
    sidecars: false,
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('gatescope.inspectOnnx', (arg?: unknown) => inspectOnnxCommand(paths, arg)),
    vscode.commands.registerCommand('gatescope.openDemo', () => openDemo(context)),
    createController(paths),
    registerExportMessaging(),
  );
}

export function deactivate(): void {
  // Jobs run in this worker and end with their promise; nothing is left to stop.
}

// For npm run test:web, which drives this bundle's pipeline in a Chromium worker (test/web/).
export { inProcessJobRunner, ORT_WEB_WASM };
