// `gatescope trace MODEL.onnx --input FILE ...`: reads the model and inputs, runs the job pipeline
// (src/pipeline/, the same as the editor's), writes the trace JSON to --out or stdout.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { OnnxTraceError } from '../onnx/errors';
import { MAX_JSON_CHARS } from '../onnx/estimate';
import { DEFAULT_MAX_BYTES } from '../core/trace/encode';
import { runPipeline, type PipelineJob } from '../pipeline';
import { parseTraceArgs, type TraceArgs } from './args';
import { CliError, readFileOrFail } from './errors';
import { readInputs } from './read-input';
import { parseTokensFile } from './read-tokens';
import { jsonChunks, refuseOutIsInput, streamStdout, writeFileAtomic, type Producer } from './write-output';
import { openSidecarFile, sha256Hex, writeSidecarFile } from '../node/sidecar-file';
import { GruThreadPool, resolveThreadCount } from '../node/gru-threads';

/** dist/ort/ next to dist/cli/main.js: the runtime files esbuild.js copies (never a CDN). */
export function ortDir(): string {
  const dir = path.join(__dirname, '..', 'ort');
  if (!existsSync(path.join(dir, 'ort-wasm-simd-threaded.wasm'))) {
    throw new CliError(`onnxruntime-web's runtime files are missing from ${dir}; rebuild with 'node esbuild.js'`, 1);
  }
  return dir;
}

/** A tokens file holds one short label per step: 64 MiB is far beyond any run Gatescope can show. */
const MAX_TOKENS_FILE_BYTES = 64 * 2 ** 20;

function readTokens(args: TraceArgs): string[] | undefined {
  if (args.tokens !== undefined) return args.tokens.split(/\s+/).filter((s) => s.length > 0);
  if (args.tokensFile !== undefined) {
    return parseTokensFile(readFileOrFail(args.tokensFile, 'tokens file', MAX_TOKENS_FILE_BYTES), args.tokensFile);
  }
  return undefined;
}

export async function traceCommand(argv: readonly string[], log: (line: string) => void): Promise<number> {
  const args = parseTraceArgs(argv);
  if (args.out !== undefined) {
    const read = [{ file: args.model, what: 'model' }, ...args.inputs.map((i) => ({ file: i.file, what: 'input file' }))];
    if (args.tokensFile !== undefined) read.push({ file: args.tokensFile, what: 'tokens file' });
    refuseOutIsInput(args.out, read);
  }
  const modelBytes = readFileOrFail(args.model, 'model file');
  // With --out, the trace gets a notebook's budget and levels beyond it go to a sidecar beside the
  // file (as in the editor); on stdout it is one document, whatever its size.
  const outDir = args.out ? path.dirname(path.resolve(args.out)) : undefined;
  const job: PipelineJob = {
    type: 'trace',
    modelName: path.basename(args.model),
    modelBytes,
    // The input files are read once the model's inputs are known (their names and element types).
    input: { kind: 'tensors', read: (inputs) => readInputs(args.inputs, inputs) },
    settings: { engine: args.engine, precision: args.precision, maxBytes: args.out ? DEFAULT_MAX_BYTES : Number.POSITIVE_INFINITY, numThreads: 1, pngPreview: false },
    wasmDir: ortDir(),
    allowMismatch: args.allowMismatch,
  };
  // On stdout the trace is written in pieces (write-output.ts, jsonChunks): refused before the run
  // when one gate's data could not be one string. With --out, levels beyond the budget go to the sidecar.
  if (!args.out) job.maxGateBytes = MAX_JSON_CHARS;
  const tokens = readTokens(args);
  if (tokens) job.tokens = tokens;
  if (args.out) job.sidecar = { dir: outDir!, stem: path.basename(args.out).replace(/\.json$/i, '') || 'trace' };
  const threads = resolveThreadCount(args.threads);
  const pool = threads > 1 ? new GruThreadPool(threads) : undefined;
  let result;
  try {
    result = await runPipeline(job, { flavour: 'cli', progress: () => undefined, writeSidecar: writeSidecarFile, openSidecar: openSidecarFile, sha256: sha256Hex, ...(pool ? { gruThreads: pool } : {}) });
  } catch (e) {
    if (e instanceof OnnxTraceError) throw new CliError(`${args.model}: ${e.message}`, 1, e);
    throw e;
  } finally {
    pool?.close();
  }
  const { document: doc, timings } = result;
  let written = 0;
  const encoder = new TextEncoder();
  const produce: Producer = (put) =>
    jsonChunks(doc as unknown as Record<string, unknown>, (chunk) => {
      const b = encoder.encode(chunk);
      written += b.length;
      put(b);
    });
  if (args.out) {
    writeFileAtomic(args.out, produce);
    if (doc.sidecar) log(`gatescope: full detail (${doc.sidecar.bytes} bytes) in ${path.join(outDir!, doc.sidecar.file)}; keep it beside ${path.basename(args.out)}`);
  } else streamStdout(produce);
  for (const w of doc.warnings ?? []) log(`gatescope: warning: ${w}`);
  if (args.verbose || args.out) {
    const dirs = doc.layers.length;
    log(`gatescope: ${dirs} layer entr${dirs === 1 ? 'y' : 'ies'}, batch ${doc.batch}, ${doc.steps} steps, engine ${doc.model.engine}; max |h - Y| = ${doc.check?.maxAbsError.toExponential(2)}${args.out ? `; wrote ${written} bytes to ${args.out}` : ''}`);
  }
  if (args.verbose) {
    log(`gatescope: timings ms: prepare ${timings.prepareMs.toFixed(1)}, session ${timings.sessionMs.toFixed(1)}, run ${timings.runMs.toFixed(1)}, gates ${timings.gatesMs.toFixed(1)}, encode ${timings.encodeMs.toFixed(1)}`);
  }
  return 0;
}
