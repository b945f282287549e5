// The pipeline's one use of the trace encoder (src/core/trace/encode.ts, encode-stream.ts): the run's
// gates become the document, and levels beyond the document's budget go to a sidecar written by the
// host's I/O (Node fs in the worker and the CLI, vscode.workspace.fs in the web host).
//
// Two ways, chosen before the run:
// - streamed: where the host can open a sidecar for positional writes (io.openSidecar, Node), a single
//   run's gates go into the sidecar chunk by chunk as they are computed (src/onnx/trace-stream.ts), so
//   memory follows the chunk and the output budget, not steps × units;
// - whole: the run's gates are kept and encoded at the end (comparisons, WebGPU's check against wasm,
//   a layer selection, the web host, runs without a sidecar, and models runOnnxTrace does not stream).

import { encodeTrace, type EncodeOptions, type Sha256, type SidecarSink, type TraceInput, type TracePrecision } from '../core/trace/encode';
import { TraceStreamEncoder } from '../core/trace/encode-stream';
import type { TraceDocument } from '../core/trace/document';
import type { TraceOnnxOptions } from '../onnx/trace';
import type { PipelineIO } from './run-pipeline';

export interface EncodeStageOptions {
  precision: TracePrecision;
  /** Bytes of JSON the document may take (Infinity: no budget, no sidecar needed). */
  maxBytes: number;
  /** Where levels beyond the budget may go; used only when io.writeSidecar (or io.openSidecar) is given. */
  sidecar?: { dir: string; stem: string };
}

/** A sidecar opened for positional writes (src/node/sidecar-file.ts, openSidecarFile). */
export interface OpenedSidecar {
  sink: SidecarSink;
  /** Renames the finished file to `file` (undefined: no sidecar was needed, the file is removed). */
  commit(file: string | undefined): Promise<void>;
  /** Removes the unfinished file (after an error or a cancel). */
  abort(): Promise<void>;
}

function encodeOptions(opts: EncodeStageOptions, canWrite: boolean): EncodeOptions {
  const enc: EncodeOptions = { precision: opts.precision, maxBytes: opts.maxBytes };
  if (opts.sidecar && canWrite) enc.sidecar = { stem: opts.sidecar.stem };
  return enc;
}

/** The streamed way's state across one run: the file, once runOnnxTrace has opened it. */
export class SidecarStream {
  private file: OpenedSidecar | undefined;
  readonly gateStream: NonNullable<TraceOnnxOptions['gateStream']>;

  constructor(opts: EncodeStageOptions & { sidecar: { dir: string; stem: string } }, open: NonNullable<PipelineIO['openSidecar']>, sha256: Sha256) {
    const enc = encodeOptions(opts, true);
    const { dir, stem } = opts.sidecar;
    this.gateStream = {
      open: async (shape) => {
        this.file = await open(dir, stem);
        return new TraceStreamEncoder(shape, enc, { stem, sink: this.file.sink, sha256 });
      },
    };
  }

  /** The document of a streamed run, its sidecar committed under its final name. */
  async finish(encoder: TraceStreamEncoder, input: TraceInput): Promise<TraceDocument> {
    try {
      const { document } = await encoder.finish({ model: input.model, check: input.check, warnings: input.warnings, createdAt: input.createdAt });
      await this.file!.commit(document.sidecar?.file);
      this.file = undefined;
      return document;
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** Removes an unfinished sidecar (the run failed or was cancelled). */
  async abort(): Promise<void> {
    await this.file?.abort();
    this.file = undefined;
  }
}

/** A stream for this run where the host can write one, else undefined (the run is encoded whole). */
export function sidecarStream(opts: EncodeStageOptions, io: Pick<PipelineIO, 'openSidecar' | 'sha256'>): SidecarStream | undefined {
  if (!opts.sidecar || !io.openSidecar || !io.sha256) return undefined;
  return new SidecarStream({ ...opts, sidecar: opts.sidecar }, io.openSidecar, io.sha256);
}

/** The document of a run encoded whole; levels beyond the budget written by io.writeSidecar. */
export async function encodeStage(input: TraceInput, opts: EncodeStageOptions, io: Pick<PipelineIO, 'progress' | 'writeSidecar' | 'signal'>): Promise<TraceDocument> {
  const { document, sidecar } = encodeTrace(input, encodeOptions(opts, io.writeSidecar !== undefined));
  if (sidecar) {
    // Levels beyond the output's budget go to a sidecar beside the notebook (nothing is dropped).
    io.progress('writing the sidecar', 0.96);
    const onProgress = (f: number): void => io.progress('writing the sidecar', 0.96 + 0.03 * f);
    document.sidecar = await io.writeSidecar!(sidecar, opts.sidecar!.dir, io.signal ? { onProgress, signal: io.signal } : { onProgress });
  }
  return document;
}
