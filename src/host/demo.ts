// "Gatescope: Open Demo" opens media/demo/demo.ipynb (a GRU that counts brackets); "Open Demo: GRU vs
// LSTM on the Same Task" opens media/demo/twins.ipynb (the GRU and its LSTM twin). The notebooks and
// their models are copied to the extension's global storage first, so the user can edit, re-run and save the demo even when the
// extension folder is read-only; the copy is refreshed when the extension version changes.

import * as vscode from 'vscode';

/** model-int8.onnx: the demo model with int8 weights, for the demo's comparison cell (`compare:`). */
export const DEMO_FILES = ['demo.ipynb', 'model.onnx', 'model-int8.onnx', 'twins.ipynb', 'model-lstm.onnx'];

/** The demo notebooks, by command. */
export type DemoNotebook = 'demo.ipynb' | 'twins.ipynb';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Returns the writable demo folder, copying the shipped files when needed. */
export async function prepareDemo(context: vscode.ExtensionContext): Promise<vscode.Uri> {
  const from = vscode.Uri.joinPath(context.extensionUri, 'media', 'demo');
  const to = vscode.Uri.joinPath(context.globalStorageUri, 'demo');
  const version = String(context.extension.packageJSON.version ?? '0');
  const marker = vscode.Uri.joinPath(to, '.version');
  const current = (await exists(marker)) ? new TextDecoder().decode(await vscode.workspace.fs.readFile(marker)) : '';
  const complete = (await Promise.all(DEMO_FILES.map((f) => exists(vscode.Uri.joinPath(to, f))))).every(Boolean);
  if (current !== version || !complete) {
    await vscode.workspace.fs.createDirectory(to);
    for (const f of DEMO_FILES) await vscode.workspace.fs.copy(vscode.Uri.joinPath(from, f), vscode.Uri.joinPath(to, f), { overwrite: true });
    await vscode.workspace.fs.writeFile(marker, new TextEncoder().encode(version));
  }
  return to;
}

export async function openDemo(context: vscode.ExtensionContext, notebook: DemoNotebook = 'demo.ipynb'): Promise<vscode.Uri> {
  const folder = await prepareDemo(context);
  const uri = vscode.Uri.joinPath(folder, notebook);
  const nb = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(nb);
  return uri;
}
