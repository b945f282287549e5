// Notebook cell outputs Gatescope writes: the trace under its MIME type (saved in .ipynb as JSON,
// rendered again on reopen) and errors as VS Code's error output.

import * as vscode from 'vscode';
import { TRACE_MIME, type TraceDocument } from '../core/trace/document';
import type { RunTimings, RuntimeReport } from './worker-protocol';

/**
 * The trace output. With `run`, the output's metadata records where the run's time went
 * (`metadata.gatescope.timings`, RunTimings; the .ipynb serializer saves `metadata.metadata` as the
 * output's Jupyter metadata): what `npm run bench:notebook` reads, and a user can look up; and
 * `metadata.gatescope.runtime` (RuntimeReport): onnxruntime's threads and backend, and modelCache
 * 'hit' when the run found its model decoded and its sessions made by an earlier run of the same
 * file (src/pipeline/model-cache.ts).
 */
export function traceOutput(
  doc: TraceDocument,
  preview: Uint8Array | undefined,
  run?: { startedAt: number; timings: Omit<RunTimings, 'serializeMs' | 'startedAt' | 'writtenAt'>; runtime?: RuntimeReport },
): vscode.NotebookCellOutput {
  const t0 = performance.now();
  // The trace first; the PNG after it. Where Gatescope is installed, its contributed
  // notebook.displayOrder default keeps the interactive view in front of image/png.
  const items = [vscode.NotebookCellOutputItem.json(doc, TRACE_MIME)];
  if (preview) items.push(new vscode.NotebookCellOutputItem(preview, 'image/png'));
  if (!run) return new vscode.NotebookCellOutput(items);
  const timings: RunTimings = { ...run.timings, serializeMs: performance.now() - t0, startedAt: run.startedAt, writtenAt: Date.now() };
  for (const k of Object.keys(timings) as (keyof RunTimings)[]) {
    if (k !== 'startedAt' && k !== 'writtenAt') timings[k] = Math.round(timings[k] * 10) / 10;
  }
  const gatescope = run.runtime ? { timings, runtime: run.runtime } : { timings };
  return new vscode.NotebookCellOutput(items, { metadata: { gatescope } });
}

export function errorOutput(name: string, message: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message })]);
}

/** Language of the cells Gatescope writes (specs read as YAML-like `key: value` lines). */
export const SPEC_LANGUAGE = 'yaml';
