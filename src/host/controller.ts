// The "Gatescope" notebook controller: runs spec cells (docs/spec-cells.md) and writes the trace as
// the cell's output. It sits beside Jupyter's kernels in .ipynb notebooks; it is preferred for
// notebooks whose cells are specs (e.g. the demo).

import * as vscode from 'vscode';
import { parseSpec } from '../core/spec/parse-spec';
import { formatProblem } from '../core/spec/spec';
import { errorOutput, traceOutput } from './cell-output';
import { runSpec, specBase, type HostPaths } from './run-spec';
import { CancelledError } from './job-runner';
import { holdCleanup } from './cleanup-hold';

export const CONTROLLER_ID = 'gatescope';
export const CONTROLLER_LANGUAGES = ['yaml', 'json', 'plaintext'];
const NOTEBOOK_TYPES = ['jupyter-notebook'];

/** True when a cell looks like a spec: a supported language and a `model:` line (or "model" key). */
function isSpecCell(cell: vscode.NotebookCell): boolean {
  return cell.kind === vscode.NotebookCellKind.Code && CONTROLLER_LANGUAGES.includes(cell.document.languageId) && /^\s*(?:"model"|model)\s*:/m.test(cell.document.getText());
}

async function execute(controller: vscode.NotebookController, paths: HostPaths, cell: vscode.NotebookCell, order: number): Promise<void> {
  const execution = controller.createNotebookCellExecution(cell);
  execution.executionOrder = order;
  const startedAt = Date.now();
  execution.start(startedAt);
  await execution.clearOutput();
  const parsed = parseSpec(cell.document.getText());
  if (!parsed.ok) {
    const message = parsed.problems.map(formatProblem).join('\n') + '\nSee docs/spec-cells.md for the fields.';
    await execution.replaceOutput([errorOutput('Gatescope spec error', message)]);
    execution.end(false, Date.now());
    return;
  }
  const release = holdCleanup(cell.notebook.uri);
  try {
    const run = await runSpec(parsed.spec, specBase(cell.notebook.uri), paths, { token: execution.token }, { notebook: cell.notebook.uri });
    await execution.replaceOutput([traceOutput(run.document, run.preview, { startedAt, timings: run.timings, runtime: run.runtime })]);
    release();
    execution.end(true, Date.now());
  } catch (e) {
    release();
    if (e instanceof CancelledError) {
      execution.end(undefined, Date.now());
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    await execution.replaceOutput([errorOutput(err.name === 'Error' ? 'Gatescope error' : err.name, err.message)]);
    execution.end(false, Date.now());
  }
}

export function createController(paths: HostPaths): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  let order = 0;
  for (const type of NOTEBOOK_TYPES) {
    const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, type, 'Gatescope');
    controller.supportedLanguages = CONTROLLER_LANGUAGES;
    controller.supportsExecutionOrder = true;
    controller.description = 'Runs Gatescope spec cells (ONNX GRU traces)';
    controller.detail = 'Cells hold `model:` and `input:` lines; see docs/spec-cells.md';
    controller.executeHandler = async (cells) => {
      for (const cell of cells) await execute(controller, paths, cell, ++order);
    };
    const prefer = (nb: vscode.NotebookDocument): void => {
      if (nb.notebookType === type && nb.getCells().some(isSpecCell)) controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
    };
    vscode.workspace.notebookDocuments.forEach(prefer);
    disposables.push(controller, vscode.workspace.onDidOpenNotebookDocument(prefer));
  }
  return vscode.Disposable.from(...disposables);
}
