// "Gatescope: Compare With…" on a trace output: the output's run (A) against a second trace (B), another
// trace output of the notebook or a trace .json file, compared as `gatescope diff A.json B.json` does
// (core/compare/comparison-trace.ts), and the comparison inserted below A's cell as a new code cell
// whose output is the comparison trace. The cell holds a comment, not a spec: there is nothing to
// re-run (the runs are already recorded), so the Gatescope controller leaves it alone.
//
// Reached three ways, all through gatescope.compareWith:
//   - the webview context menu of a trace output (package.json, webview/context), whose argument is
//     the output's data-vscode-context: { webviewSection: 'gatescope-trace', gatescopeOutputId };
//   - the "Compare With…" button under a trace output (renderer message 'compareWith', handled here);
//   - tests and other extensions, skipping the pickers:
//       executeCommand('gatescope.compareWith', {
//         trace: { notebook: Uri, cell: number, output?: number } | { notebook?: Uri, outputId: string },
//         with?: { cell: number, output?: number } | { file: Uri },   // B; default: a picker
//         tolerance?: number,
//       }) → CompareTracesResult | undefined (undefined when a picker was dismissed)

import * as vscode from 'vscode';
import { compareTraceInputs } from '../core/compare/comparison-trace';
import { CompareError } from '../core/compare/errors';
import { traceRunInput } from '../core/compare/trace-run';
import type { RendererToHost } from '../core/protocol';
import { DEFAULT_COMPARE_TOLERANCE } from '../core/spec/spec';
import { decodeTrace } from '../core/trace/decode';
import type { DecodedTrace } from '../core/trace/decoded';
import { TRACE_MIME, type TraceDocument } from '../core/trace/document';
import { encodeTrace } from '../core/trace/encode';
import { TraceFormatError, TraceSizeError } from '../core/trace/errors';
import { VERSION } from '../core/version';
import { SPEC_LANGUAGE, traceOutput } from './cell-output';
import { readSettings } from './settings';

export type TraceRef = { notebook?: vscode.Uri; cell: number; output?: number } | { notebook?: vscode.Uri; outputId: string };

export interface CompareTracesArgs {
  trace: TraceRef;
  with?: { cell: number; output?: number } | { file: vscode.Uri };
  tolerance?: number;
}

export type CompareTracesResult =
  | { status: 'inserted'; notebook: vscode.Uri; cellIndex: number; document: TraceDocument }
  /** The error was also shown to the user. */
  | { status: 'failed'; error: string };

/** A trace output found in a notebook. */
interface Found {
  notebook: vscode.NotebookDocument;
  cell: number;
  output: number;
  trace: DecodedTrace;
}

/** True when the command's argument names a trace output (menu context, button, or API). */
export function isTraceArg(arg: unknown): boolean {
  if (!arg || typeof arg !== 'object') return false;
  const a = arg as Record<string, unknown>;
  return typeof a['gatescopeOutputId'] === 'string' || (!!a['trace'] && typeof a['trace'] === 'object');
}

function normalise(arg: unknown): CompareTracesArgs {
  const a = arg as Record<string, unknown>;
  if (typeof a['gatescopeOutputId'] === 'string') return { trace: { outputId: a['gatescopeOutputId'] } };
  return a as unknown as CompareTracesArgs;
}

function traceItem(output: vscode.NotebookCellOutput): vscode.NotebookCellOutputItem | undefined {
  return output.items.find((i) => i.mime === TRACE_MIME);
}

function decodeItem(item: vscode.NotebookCellOutputItem, name: string): DecodedTrace {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(item.data));
  } catch (e) {
    throw new CompareError(`${name} is not valid JSON (${(e as Error).message})`);
  }
  return decodeTrace(json);
}

/** The output's id as the renderer sees it (outputItem.id); the extension API carries it at run time without declaring it. */
function outputId(o: vscode.NotebookCellOutput): string | undefined {
  const id = (o as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

function notebookOf(uri: vscode.Uri | undefined): vscode.NotebookDocument | undefined {
  if (uri) return vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

function findTrace(ref: TraceRef): Found {
  const candidates = ref.notebook ? [notebookOf(ref.notebook)].filter((n): n is vscode.NotebookDocument => !!n) : [...new Set([vscode.window.activeNotebookEditor?.notebook, ...vscode.workspace.notebookDocuments].filter((n): n is vscode.NotebookDocument => !!n))];
  if (candidates.length === 0) throw new CompareError('the notebook of the trace output is not open');
  for (const nb of candidates) {
    if ('outputId' in ref) {
      for (const cell of nb.getCells()) {
        const k = cell.outputs.findIndex((o) => outputId(o) === ref.outputId);
        if (k >= 0) return found(nb, cell.index, k);
      }
    } else {
      if (!Number.isInteger(ref.cell) || ref.cell < 0 || ref.cell >= nb.cellCount) throw new CompareError(`the notebook has no cell ${ref.cell + 1} (it has ${nb.cellCount})`);
      const outputs = nb.cellAt(ref.cell).outputs;
      const k = ref.output ?? outputs.findIndex((o) => traceItem(o));
      if (k >= 0 && k < outputs.length && traceItem(outputs[k]!)) return found(nb, ref.cell, k);
      throw new CompareError(`cell ${ref.cell + 1} has no Gatescope trace output${ref.output === undefined ? '' : ` at output ${ref.output}`}`);
    }
  }
  throw new CompareError('the trace output is no longer in the notebook (was its cell re-run or cleared?); run the command again on the output');
}

function found(notebook: vscode.NotebookDocument, cell: number, output: number): Found {
  const item = traceItem(notebook.cellAt(cell).outputs[output]!)!;
  return { notebook, cell, output, trace: decodeItem(item, `the trace output of cell ${cell + 1}`) };
}

/** Every other trace output of the notebook, for the picker. */
function otherTraces(nb: vscode.NotebookDocument, not: Found): { cell: number; output: number; item: vscode.NotebookCellOutputItem }[] {
  const out: { cell: number; output: number; item: vscode.NotebookCellOutputItem }[] = [];
  for (const cell of nb.getCells()) {
    cell.outputs.forEach((o, k) => {
      const item = traceItem(o);
      if (item && !(cell.index === not.cell && k === not.output)) out.push({ cell: cell.index, output: k, item });
    });
  }
  return out;
}

/** B and its label, from the argument or the pickers; undefined when a picker was dismissed. */
async function pickOther(a: Found, arg: CompareTracesArgs['with']): Promise<{ trace: DecodedTrace; label: string; where: string } | undefined> {
  if (arg && 'file' in arg) return readTraceFile(arg.file);
  if (arg) {
    const b = findTrace({ notebook: a.notebook.uri, cell: arg.cell, ...(arg.output === undefined ? {} : { output: arg.output }) });
    return { trace: b.trace, label: labelOf(b.trace, b.cell), where: `the trace of cell ${b.cell + 1}` };
  }
  type Item = vscode.QuickPickItem & { pick: { cell: number; output: number } | 'file' };
  const items: Item[] = [];
  for (const o of otherTraces(a.notebook, a)) {
    let description = '';
    try {
      const t = decodeItem(o.item, `cell ${o.cell + 1}`);
      description = `${t.model.name} · ${t.layers.filter((l) => l.run !== 'b').length} layer entries · ${t.steps} steps${t.compare ? ' · a comparison (its run A)' : ''}`;
    } catch (e) {
      description = `not readable: ${(e as Error).message}`;
    }
    items.push({ label: `Cell ${o.cell + 1}${o.output > 0 ? `, output ${o.output + 1}` : ''}`, description, pick: { cell: o.cell, output: o.output } });
  }
  items.push({ label: 'A trace file (.json)…', description: 'a trace written by `gatescope trace` or saved from a notebook', pick: 'file' });
  const picked = await vscode.window.showQuickPick(items, { title: `Gatescope: compare the trace of cell ${a.cell + 1} with` });
  if (!picked) return undefined;
  if (picked.pick === 'file') {
    const file = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Gatescope trace': ['json'] }, title: 'Gatescope: the trace to compare with' });
    return file?.[0] ? readTraceFile(file[0]) : undefined;
  }
  return pickOther(a, picked.pick);
}

async function readTraceFile(uri: vscode.Uri): Promise<{ trace: DecodedTrace; label: string; where: string }> {
  const name = uri.path.split('/').pop() ?? 'the trace file';
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch (e) {
    throw new CompareError(`${name} is not a readable JSON trace (${(e as Error).message})`);
  }
  return { trace: decodeTrace(json), label: name, where: name };
}

function labelOf(t: DecodedTrace, cell: number): string {
  return `${t.compare ? t.compare.a.label : t.model.name} (cell ${cell + 1})`;
}

export async function compareTracesCommand(arg: unknown): Promise<CompareTracesResult | undefined> {
  try {
    const args = normalise(arg);
    const a = findTrace(args.trace);
    const b = await pickOther(a, args.with);
    if (!b) return undefined;
    const labels = { a: labelOf(a.trace, a.cell), b: b.label };
    if (labels.a === labels.b) labels.b = `${labels.b} (B)`;
    const tolerance = args.tolerance ?? DEFAULT_COMPARE_TOLERANCE;
    const c = compareTraceInputs(traceRunInput(a.trace, `the trace of cell ${a.cell + 1}`), traceRunInput(b.trace, b.where), { labels, tolerance, producer: `gatescope ${VERSION} (Compare With…)`, createdAt: new Date().toISOString() });
    const settings = readSettings();
    let doc: TraceDocument;
    try {
      doc = encodeTrace(c.input, { precision: settings.precision, maxBytes: settings.maxBytes }).document;
    } catch (e) {
      if (e instanceof TraceSizeError) throw new CompareError(`the comparison does not fit gatescope.maxOutputMB (${e.message}); write it with \`gatescope diff A.json B.json --out DIFF.json\`, which keeps long runs in a sidecar`);
      throw e;
    }
    const cell = new vscode.NotebookCellData(
      vscode.NotebookCellKind.Code,
      `# Gatescope comparison (Compare With…): A = ${labels.a}, B = ${labels.b}, tolerance ${tolerance}.\n# Recorded runs, nothing to re-run; \`gatescope diff A.json B.json\` gives the same figures and a CI exit code.`,
      SPEC_LANGUAGE,
    );
    cell.outputs = [traceOutput(doc, undefined)];
    const index = a.cell + 1;
    const edit = new vscode.WorkspaceEdit();
    edit.set(a.notebook.uri, [vscode.NotebookEdit.insertCells(index, [cell])]);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not insert the comparison into ${a.notebook.uri.toString()}`);
    return { status: 'inserted', notebook: a.notebook.uri, cellIndex: index, document: doc };
  } catch (e) {
    const error = e instanceof CompareError || e instanceof TraceFormatError ? e.message : e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`Gatescope: ${error}`);
    return { status: 'failed', error };
  }
}

/** The renderer's "Compare With…" button (src/core/protocol.ts, 'compareWith'). */
export function registerCompareWithMessaging(): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging('gatescope');
  return messaging.onDidReceiveMessage(({ editor, message }) => {
    const m = message as Partial<Extract<RendererToHost, { type: 'compareWith' }>>;
    // Untrusted input: only a well-formed request, and only for an output of the sending editor's notebook.
    if (!m || m.type !== 'compareWith' || typeof m.outputId !== 'string' || m.outputId.length > 200) return;
    void vscode.commands.executeCommand('gatescope.compareWith', { trace: { notebook: editor.notebook.uri, outputId: m.outputId } });
  });
}
