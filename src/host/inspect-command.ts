// "Gatescope: Inspect GRU in ONNX Model…": pick a model and an input, trace it in a worker under a
// cancellable progress notification, and insert the result after the current cell of the active
// notebook (or into a new .ipynb notebook). The inserted cell is a spec cell (docs/spec-cells.md), so
// the Gatescope controller can run it again.
//
// API for tests and other extensions (skips the pickers; same code path otherwise):
//   vscode.commands.executeCommand('gatescope.inspectOnnx', {
//     model: Uri,
//     input: { kind: 'random', seed?, steps? } | { kind: 'text', text } | { kind: 'file', uri: Uri },
//     cancellation?: CancellationToken,   // cancels like the notification's Cancel button
//   }) → InspectResult | undefined (undefined when a picker was dismissed)

import * as vscode from 'vscode';
import type { Spec, SpecInput } from '../core/spec/spec';
import { DEFAULT_RANDOM_STEPS } from '../core/spec/spec';
import { formatSpec } from '../core/spec/format-spec';
import type { TraceDocument } from '../core/trace/document';
import { SPEC_LANGUAGE, traceOutput } from './cell-output';
import { readVersioned, runSpec, specBase, specPathFor, type HostPaths } from './run-spec';
import { holdCleanup } from './cleanup-hold';
import { ensureTrusted } from './trust';
import { workspaceTrust } from './trust-prompt';
import { CancelledError } from './job-runner';
import type { ModelSummary, RuntimeReport } from './worker-protocol';

export type InputArg =
  | { kind: 'random'; seed?: number; steps?: number }
  | { kind: 'text'; text: string }
  | { kind: 'file'; uri: vscode.Uri };

export interface InspectArgs {
  model?: vscode.Uri;
  input?: InputArg;
  cancellation?: vscode.CancellationToken;
  /** Run a second time and insert the comparison (the spec's `compare:`; compare-command.ts). */
  compare?: CompareArg;
}

/** The second run: another model and/or another input (at least one), and the tolerance. */
export interface CompareArg {
  model?: vscode.Uri;
  input?: InputArg;
  tolerance?: number;
}

export type InspectResult =
  | { status: 'inserted'; notebook: vscode.Uri; cellIndex: number; document: TraceDocument; runtime: RuntimeReport }
  | { status: 'cancelled' }
  /** The error was also shown to the user. */
  | { status: 'failed'; error: string };

function parseArgs(arg: unknown): InspectArgs {
  if (arg instanceof vscode.Uri) return { model: arg };
  if (arg && typeof arg === 'object') return arg as InspectArgs;
  return {};
}

async function pickModel(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'ONNX model': ['onnx'] },
    openLabel: 'Inspect GRU',
    title: 'Gatescope: choose an ONNX model with a GRU',
  });
  return picked?.[0];
}

function describeInputs(summary: ModelSummary): string {
  return summary.inputs.map((i) => `${i.name}: ${i.dtype} [${i.dims.join(', ')}]`).join('; ');
}

export async function readModelSummary(paths: HostPaths, model: vscode.Uri): Promise<ModelSummary> {
  const name = model.path.split('/').pop() ?? 'model';
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Gatescope: reading ${name}`, cancellable: true }, async (_p, token) => {
    const { bytes, identity } = await readVersioned(model, 'model');
    return paths.runner.inspect(bytes, { token }, identity);
  });
}

export async function pickInput(summary: ModelSummary, title = 'Gatescope: input for the model'): Promise<InputArg | undefined> {
  const main = summary.inputs[0];
  const takesTokens = main !== undefined && (main.dtype === 'int64' || main.dtype === 'int32');
  type Item = vscode.QuickPickItem & { kind2: InputArg['kind'] };
  const items: Item[] = [];
  if (takesTokens && summary.vocab) items.push({ kind2: 'text', label: 'Text…', description: `tokenized with the model's vocabulary (${summary.vocab.length} tokens)` });
  if (!takesTokens || summary.vocab) items.push({ kind2: 'random', label: 'Random input', description: `${DEFAULT_RANDOM_STEPS} steps, seed 0` });
  items.push({ kind2: 'file', label: 'From a file…', description: '.npy or .json (nested arrays)' });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: describeInputs(summary) });
  if (!pick) return undefined;
  if (pick.kind2 === 'random') return { kind: 'random' };
  if (pick.kind2 === 'text') {
    const vocab = summary.vocab ?? [];
    const text = await vscode.window.showInputBox({
      title: 'Gatescope: text to feed the model',
      prompt: `Characters from the vocabulary: ${vocab.join('')}`,
      validateInput: (v) => (v.length === 0 ? 'Type at least one character' : undefined),
    });
    return text === undefined ? undefined : { kind: 'text', text };
  }
  const file = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Tensor (.npy, .json)': ['npy', 'json'] }, title: 'Gatescope: input tensor' });
  return file?.[0] ? { kind: 'file', uri: file[0] } : undefined;
}

/** Where the result goes, captured before the run so switching editors meanwhile changes nothing. */
interface Target {
  notebook?: vscode.NotebookDocument;
  index: number;
}

function currentTarget(): Target {
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) return { index: 0 };
  const sel = editor.selections[0];
  // A focused cell is the selection [start, end); with none, the result goes to the end.
  return { notebook: editor.notebook, index: sel && !sel.isEmpty ? sel.end : editor.notebook.cellCount };
}

async function insertResult(target: Target, spec: (base: vscode.Uri | undefined) => Spec, doc: TraceDocument, preview: Uint8Array | undefined): Promise<{ notebook: vscode.Uri; cellIndex: number }> {
  const makeCell = (base: vscode.Uri | undefined): vscode.NotebookCellData => {
    const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, formatSpec(spec(base)), SPEC_LANGUAGE);
    cell.outputs = [traceOutput(doc, preview)];
    return cell;
  };
  let nb = target.notebook && !target.notebook.isClosed ? target.notebook : undefined;
  if (!nb) {
    // An empty notebook first, then the same edit as for an open one: outputs passed inside the
    // NotebookData of openNotebookDocument reach the extension host's cell model without their bytes
    // (seen in VS Code 1.139), while outputs added by a WorkspaceEdit arrive intact.
    nb = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([]));
    await vscode.window.showNotebookDocument(nb);
  }
  const index = Math.min(target.index, nb.cellCount);
  const edit = new vscode.WorkspaceEdit();
  edit.set(nb.uri, [vscode.NotebookEdit.insertCells(index, [makeCell(specBase(nb.uri))])]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not insert the result into ${nb.uri.toString()}`);
  return { notebook: nb.uri, cellIndex: index };
}

function failed(e: unknown): InspectResult {
  const error = e instanceof Error ? e.message : String(e);
  void vscode.window.showErrorMessage(`Gatescope: ${error}`);
  return { status: 'failed', error };
}

export async function inspectOnnxCommand(paths: HostPaths, arg?: unknown): Promise<InspectResult | undefined> {
  return runInspect(paths, parseArgs(arg));
}

/** The inspect flow with its errors shown to the user (also the end of "Compare With…"). */
export async function runInspect(paths: HostPaths, args: InspectArgs): Promise<InspectResult | undefined> {
  try {
    return await inspectOnnx(paths, args);
  } catch (e) {
    return e instanceof CancelledError ? { status: 'cancelled' } : failed(e);
  }
}

async function inspectOnnx(paths: HostPaths, args: InspectArgs): Promise<InspectResult | undefined> {
  const model = args.model ?? (await pickModel());
  if (!model) return undefined;
  await ensureTrusted(workspaceTrust, `the model ${model.path.split('/').pop()}`);
  const target = currentTarget();
  const name = model.path.split('/').pop() ?? 'model';
  let input = args.input;
  if (!input) {
    input = await pickInput(await readModelSummary(paths, model));
    if (!input) return undefined;
  }
  const chosen = input;
  const specInput = (i: InputArg, base: vscode.Uri | undefined): SpecInput =>
    i.kind === 'random' ? { kind: 'random', seed: i.seed ?? 0, steps: i.steps ?? DEFAULT_RANDOM_STEPS } : i.kind === 'text' ? { kind: 'text', text: i.text } : { kind: 'file', path: specPathFor(i.uri, base) };
  const compare = args.compare;
  if (compare) {
    if (!compare.model && !compare.input) throw new Error('compare: give another model or another input for the second run');
    if (compare.model) await ensureTrusted(workspaceTrust, `the model ${compare.model.path.split('/').pop()}`);
  }
  const spec = (base: vscode.Uri | undefined): Spec => {
    const s: Spec = { model: specPathFor(model, base), input: specInput(chosen, base) };
    if (compare) {
      s.compare = {};
      if (compare.model) s.compare.model = specPathFor(compare.model, base);
      if (compare.input) s.compare.input = specInput(compare.input, base);
      if (compare.tolerance !== undefined) s.tolerance = compare.tolerance;
    }
    return s;
  };
  // Files the user chose in this command (dialogs or arguments) may lie outside the workspace.
  const picked = [model, compare?.model, chosen.kind === 'file' ? chosen.uri : undefined, compare?.input?.kind === 'file' ? compare.input.uri : undefined].filter((u): u is vscode.Uri => u !== undefined);
  const into = target.notebook && !target.notebook.isClosed ? target.notebook.uri : undefined;
  // Cleanup of stale sidecars waits until the new output (and its sidecar) is in the notebook.
  const release = holdCleanup(into);
  try {
    const run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Gatescope: ${compare ? 'comparing' : 'tracing'} ${name}`, cancellable: true },
      (progress, token) => {
        const source = new vscode.CancellationTokenSource();
        const subs = [token.onCancellationRequested(() => source.cancel()), args.cancellation?.onCancellationRequested(() => source.cancel())];
        if (args.cancellation?.isCancellationRequested) source.cancel();
        let last = 0;
        // The spec is resolved against the model's own folder: the model path is then just its name.
        return runSpec(spec(vscode.Uri.joinPath(model, '..')), vscode.Uri.joinPath(model, '..'), paths, {
          token: source.token,
          onProgress: (message, fraction) => {
            const increment = fraction === undefined ? undefined : Math.max(0, fraction * 100 - last);
            if (fraction !== undefined) last = fraction * 100;
            progress.report(increment === undefined ? { message } : { message, increment });
          },
        }, { notebook: into, chosen: picked }).finally(() => {
          subs.forEach((s) => s?.dispose());
          source.dispose();
        });
      },
    );
    const placed = await insertResult(target, spec, run.document, run.preview);
    return { status: 'inserted', ...placed, document: run.document, runtime: run.runtime };
  } finally {
    release();
  }
}
