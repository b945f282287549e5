// Where a run beyond the output budget writes its sidecar in the web extension host: beside the saved
// notebook, on whatever file system holds it (vscode-vfs, vscode-remote, …), through
// vscode.workspace.fs. `dir` is the folder's URI as a string. An untitled notebook has no folder:
// the run must then fit the output, and the size error says to save the notebook first.

import * as vscode from 'vscode';
import type { TraceJob } from '../host/worker-protocol';

export function webSidecarTarget(notebook: vscode.Uri | undefined): TraceJob['sidecar'] {
  if (!notebook || notebook.scheme === 'untitled') return undefined;
  return { dir: vscode.Uri.joinPath(notebook, '..').toString(), stem: notebook.path.split('/').pop() || 'notebook' };
}
