// The two runs of `gatescope diff` as encoder inputs (TraceInput: every gate [B, T, units] float32):
// from trace files (level 0 inline or from the sidecar, every tile checked) or from two ONNX models
// run on inputs through the same path as `gatescope trace`.

import * as path from 'node:path';
import { exportGates } from '../core/trace/export-gates';
import type { TraceInput } from '../core/trace/encode';
import { CompareError } from '../core/compare/errors';
import { traceRunInput } from '../core/compare/trace-run';
import { runModel } from '../pipeline';
import type { InputArg } from './args';
import { CliError, readFileOrFail } from './errors';
import { readInputs } from './read-input';
import { openSidecar, readTrace } from './read-trace';
import { ortDir } from './trace-command';

export interface LoadedRun {
  input: TraceInput;
  /** Bound of |stored − original| of its values (uint8/float16 storage), 0 when exact. */
  storageError: number;
  /** Its storage dtypes, for the note about storage error. */
  dtypes: Set<string>;
}

/** A trace file's run a (a comparison document's run b is left out). */
export async function loadTraceRun(file: string): Promise<LoadedRun> {
  const trace = readTrace(file);
  const sidecar = await openSidecar(file, trace);
  const values = new Map<string, Float32Array>();
  try {
    for await (const g of exportGates(trace, sidecar ? (name) => sidecar.reader.tensorValues(name) : undefined)) {
      if (g.layer.run !== 'b') values.set(`${g.layer.layer}/${g.layer.direction}/${g.gate}`, g.values);
    }
  } finally {
    await sidecar?.close();
  }
  let storageError = 0;
  const dtypes = new Set<string>();
  let input: TraceInput;
  try {
    input = traceRunInput(trace, file, (l, g) => {
      storageError = Math.max(storageError, g.levels[0]!.maxError);
      dtypes.add(g.levels[0]!.dtype);
      return values.get(`${l.layer}/${l.direction}/${g.name}`)!;
    });
  } catch (e) {
    if (e instanceof CompareError) throw new CliError(e.message, 2, e);
    throw e;
  }
  return { input, storageError, dtypes };
}

/** Runs an ONNX model on the given inputs (onnxruntime-web, gates recomputed and checked, float32). */
export async function loadModelRun(file: string, inputArgs: readonly InputArg[]): Promise<LoadedRun> {
  const modelBytes = readFileOrFail(file, 'model file');
  const { input } = await runModel(
    {
      type: 'trace',
      modelName: path.basename(file),
      modelBytes,
      input: { kind: 'tensors', read: (inputs) => readInputs(inputArgs, inputs) },
      settings: { engine: 'onnxruntime', precision: 'auto', maxBytes: Number.POSITIVE_INFINITY, numThreads: 1, pngPreview: false },
      wasmDir: ortDir(),
    },
    { flavour: 'cli', progress: () => undefined },
  );
  return { input, storageError: 0, dtypes: new Set(['float32']) };
}
