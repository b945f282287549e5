// Notebook cell outputs Gatescope writes: the trace under its MIME type (saved in .ipynb as JSON,
// rendered again on reopen) and errors as VS Code's error output.

import * as vscode from 'vscode';
import { TRACE_MIME, type TraceDocument } from '../core/trace/document';

export function traceOutput(doc: TraceDocument): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(doc, TRACE_MIME)]);
}

export function errorOutput(name: string, message: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message })]);
}

/** Language of the cells Gatescope writes (specs read as YAML-like `key: value` lines). */
export const SPEC_LANGUAGE = 'yaml';
