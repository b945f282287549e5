// Tells the job runner when a model file changes or goes away, so its warm copy (decoded model and
// onnxruntime sessions, src/pipeline/model-cache.ts) is dropped at once rather than at the file's next
// run (which would find the new size and mtime and decode it again anyway). Workspace files only:
// a model outside the workspace is caught by that next-run check.

import * as vscode from 'vscode';
import type { JobRunner } from './job-runner';

export function watchModels(runner: JobRunner): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.onnx', true, false, false);
  const forget = (uri: vscode.Uri): void => runner.forget?.(uri.toString());
  return vscode.Disposable.from(watcher, watcher.onDidChange(forget), watcher.onDidDelete(forget));
}
