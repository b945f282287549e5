// "Gatescope: Compare With…": a model run twice, against another model on the same input (float
// against quantised, two checkpoints, a re-export) or on a second input, inserted like Inspect's
// result as a spec cell with `compare:` (docs/spec-cells.md) whose output is the comparison trace.
//
// API for tests (skips the pickers; same code path otherwise):
//   vscode.commands.executeCommand('gatescope.compareWith', {
//     model: Uri, input?: InputArg, compare: { model?: Uri, input?: InputArg, tolerance?: number },
//     cancellation?: CancellationToken,
//   }) → InspectResult | undefined (undefined when a picker was dismissed)

import * as vscode from 'vscode';
import { pickInput, readModelSummary, runInspect, type CompareArg, type InspectArgs, type InspectResult } from './inspect-command';
import type { HostPaths } from './run-spec';

async function pickOnnx(title: string, openLabel: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, openLabel, title });
  return picked?.[0];
}

export async function compareWithCommand(paths: HostPaths, arg?: unknown): Promise<InspectResult | undefined> {
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
