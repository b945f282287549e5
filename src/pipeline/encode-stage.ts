// The pipeline's one call of the trace encoder (src/core/trace/encode.ts): the run's gates become the
// document, and levels beyond the document's budget go to a sidecar written by the host's I/O
// (Node fs in the worker and the CLI, vscode.workspace.fs in the web host). Kept in one place so the
// encoder's streaming into the sidecar has one place to be wired in.

import { encodeTrace, type EncodeOptions, type TraceInput, type TracePrecision } from '../core/trace/encode';
import type { TraceDocument } from '../core/trace/document';
import type { PipelineIO } from './run-pipeline';

export interface EncodeStageOptions {
  precision: TracePrecision;
  /** Bytes of JSON the document may take (Infinity: no budget, no sidecar needed). */
  maxBytes: number;
  /** Where levels beyond the budget may go; used only when io.writeSidecar is given. */
  sidecar?: { dir: string; stem: string };
}

export async function encodeStage(input: TraceInput, opts: EncodeStageOptions, io: Pick<PipelineIO, 'progress' | 'writeSidecar' | 'signal'>): Promise<TraceDocument> {
  const enc: EncodeOptions = { precision: opts.precision, maxBytes: opts.maxBytes };
  if (opts.sidecar && io.writeSidecar) enc.sidecar = { stem: opts.sidecar.stem };
  const { document, sidecar } = encodeTrace(input, enc);
  if (sidecar) {
    // Levels beyond the output's budget go to a sidecar beside the notebook (nothing is dropped).
    io.progress('writing the sidecar', 0.96);
    const onProgress = (f: number): void => io.progress('writing the sidecar', 0.96 + 0.03 * f);
    document.sidecar = await io.writeSidecar!(sidecar, opts.sidecar!.dir, io.signal ? { onProgress, signal: io.signal } : { onProgress });
  }
  return document;
}
