// "Gatescope: Compare With…": a model run twice, against another model on the same input (float
// against quantised, two checkpoints, a re-export) or on a second input, inserted like Inspect's
// result as a spec cell with `compare:` (docs/spec-cells.md) whose output is the comparison trace.
//
// On a trace output (its context menu, the button under it, or the palette with a cell holding a
// trace selected), the output's run is compared with a second recorded trace: compare-traces-command.ts.
//
// API for tests (skips the pickers; same code path otherwise):
//   vscode.commands.executeCommand('gatescope.compareWith', {
//     model: Uri, input?: InputArg, compare: { model?: Uri, input?: InputArg, tolerance?: number },
//     cancellation?: CancellationToken,
//   }) → InspectResult | undefined (undefined when a picker was dismissed)

import * as vscode from 'vscode';
import { compareTracesCommand, isTraceArg, type CompareTracesResult } from './compare-traces-command';
import { pickInput, readModelSummary, runInspect, type CompareArg, type InspectArgs, type InspectResult } from './inspect-command';
import { TRACE_MIME } from '../core/trace/document';
import type { HostPaths } from './run-spec';

async function pickOnnx(title: string, openLabel: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, openLabel, title });
  return picked?.[0];
}

/** The selected cell of the active notebook when it holds a trace output (the palette then offers comparing it). */
function selectedTraceCell(): { notebook: vscode.Uri; cell: number } | undefined {
  const editor = vscode.window.activeNotebookEditor;
  const sel = editor?.selections[0];
  if (!editor || !sel || sel.isEmpty) return undefined;
  const cell = editor.notebook.cellAt(sel.start);
  return cell.outputs.some((o) => o.items.some((i) => i.mime === TRACE_MIME)) ? { notebook: editor.notebook.uri, cell: sel.start } : undefined;
}

export async function compareWithCommand(paths: HostPaths, arg?: unknown): Promise<InspectResult | CompareTracesResult | undefined> {
  if (isTraceArg(arg)) return compareTracesCommand(arg);
  if (arg === undefined) {
    const traced = selectedTraceCell();
    if (traced) {
      const pick = await vscode.window.showQuickPick(
        [
          { id: 'trace', label: `The trace of cell ${traced.cell + 1}…`, description: 'against another trace output or a trace .json file' },
          { id: 'model', label: 'A model…', description: 'run an ONNX model twice (another model or another input)' },
        ],
        { title: 'Gatescope: compare' },
      );
      if (!pick) return undefined;
      if (pick.id === 'trace') return compareTracesCommand({ trace: traced });
    }
  }
  const args: InspectArgs = arg instanceof vscode.Uri ? { model: arg } : arg && typeof arg === 'object' ? (arg as InspectArgs) : {};
  const model = args.model ?? (await pickOnnx('Gatescope: the first model of the comparison', 'Compare this model'));
  if (!model) return undefined;
  let compare: CompareArg | undefined = args.compare;
  if (!compare) {
    const name = model.path.split('/').pop() ?? 'the model';
    const pick = await vscode.window.showQuickPick(
      [
        { id: 'model', label: 'Another model…', description: `the same input through ${name} and a second model (quantised, fine-tuned, re-exported)` },
        { id: 'input', label: 'Another input…', description: `${name} on two inputs` },
      ],
      { title: `Gatescope: compare ${name} with` },
    );
    if (!pick) return undefined;
    if (pick.id === 'model') {
      const other = await pickOnnx(`Gatescope: the model to compare with ${name}`, 'Compare with this model');
      if (!other) return undefined;
      compare = { model: other };
    } else {
      const summary = await readModelSummary(paths, model);
      const first = args.input ?? (await pickInput(summary, 'Gatescope: the first input'));
      if (!first) return undefined;
      const second = await pickInput(summary, 'Gatescope: the second input');
      if (!second) return undefined;
      return runInspect(paths, { ...args, model, input: first, compare: { input: second } });
    }
  }
  return runInspect(paths, { ...args, model, compare });
}
