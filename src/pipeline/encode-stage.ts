// The pipeline's one use of the trace encoder (src/core/trace/encode.ts, encode-stream.ts): the run's
// gates become the document, and levels beyond the document's budget go to a sidecar written by the
// host's I/O (Node fs in the worker and the CLI, vscode.workspace.fs in the web host).
//
// Two ways, chosen before the run:
// - streamed: where the host can open a sidecar for positional writes (io.openSidecar, Node), a single
//   run's gates go into the sidecar chunk by chunk as they are computed (src/onnx/trace-stream.ts), so
//   memory follows the chunk and the output budget, not steps × units;
//   A layer selection (the spec's `layers:`) streams only the selected entries; the others' chunks are
//   dropped as they come.
// - whole: the run's gates are kept and encoded at the end (comparisons, WebGPU's check against wasm,
//   the web host, and runs without a sidecar).

import { encodeTrace, type EncodeOptions, type Sha256, type SidecarSink, type TraceInput, type TracePrecision, type TraceShape } from '../core/trace/encode';
import { TraceStreamEncoder, type StreamSidecar } from '../core/trace/encode-stream';
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

  /** `layers`: the spec's layer selection (node indices), or undefined for every layer. */
  constructor(opts: EncodeStageOptions & { sidecar: { dir: string; stem: string } }, open: NonNullable<PipelineIO['openSidecar']>, sha256: Sha256, layers?: readonly number[]) {
    const enc = encodeOptions(opts, true);
    const { dir, stem } = opts.sidecar;
    this.gateStream = {
      open: async (shape) => {
        this.file = await open(dir, stem);
        const sidecar = { stem, sink: this.file.sink, sha256 };
        // A selection naming a layer the run lacks is refused after the run, with the field's message (recordRun).
        const selected = layers?.every((n) => shape.layers.some((l) => l.layer === n)) ? layers : undefined;
        return selected ? new SelectedLayersEncoder(shape, selected, enc, sidecar) : new TraceStreamEncoder(shape, enc, sidecar);
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

/**
 * The encoder of a layer selection: its trace holds the entries of the selected layers (in run order,
 * as recordRun's filter keeps them), and chunks of the other entries are dropped.
 */
class SelectedLayersEncoder extends TraceStreamEncoder {
  /** Run entry -> entry of this trace, or -1 (not selected). */
  private readonly map: number[];

  constructor(shape: TraceShape, layers: readonly number[], opts: EncodeOptions, sidecar: StreamSidecar) {
    super({ ...shape, layers: shape.layers.filter((l) => layers.includes(l.layer)) }, opts, sidecar);
    let next = 0;
    this.map = shape.layers.map((l) => (layers.includes(l.layer) ? next++ : -1));
  }

  override async push(entry: number, gates: Readonly<Record<string, Float32Array>>, t0: number, t1: number): Promise<void> {
    const m = this.map[entry];
    if (m === undefined) throw new RangeError(`TraceStreamEncoder.push: no layer entry ${entry} (the run has ${this.map.length})`);
    if (m >= 0) await super.push(m, gates, t0, t1);
  }
}

/** A stream for this run where the host can write one, else undefined (the run is encoded whole). */
export function sidecarStream(opts: EncodeStageOptions, io: Pick<PipelineIO, 'openSidecar' | 'sha256'>, layers?: readonly number[]): SidecarStream | undefined {
  if (!opts.sidecar || !io.openSidecar || !io.sha256) return undefined;
  return new SidecarStream({ ...opts, sidecar: opts.sidecar }, io.openSidecar, io.sha256, layers);
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
