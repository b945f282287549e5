// `gatescope trace MODEL.onnx --input FILE ...`: reads the model and inputs, runs the ONNX path,
// writes the trace JSON to --out or stdout.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { inspectOnnxModel } from '../onnx/inspect';
import { OnnxTraceError } from '../onnx/errors';
import { runOnnxTrace } from '../onnx/trace';
import { MAX_JSON_CHARS } from '../onnx/estimate';
import { DEFAULT_MAX_BYTES, encodeTrace, type EncodeOptions } from '../core/trace/encode';
import { TraceStreamEncoder } from '../core/trace/encode-stream';
import { parseTraceArgs, type TraceArgs } from './args';
import { CliError, readFileOrFail } from './errors';
import { readInputs } from './read-input';
import { parseTokensFile } from './read-tokens';
import { jsonChunks, refuseOutIsInput, streamStdout, writeFileAtomic, type Producer } from './write-output';
import { VERSION } from '../core/version';
import { openSidecarFile, sha256Hex, writeSidecarFile, type SidecarFileWriter } from '../node/sidecar-file';

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
  const where = (e: unknown): never => {
    if (e instanceof OnnxTraceError) throw new CliError(`${args.model}: ${e.message}`, 1, e);
    throw e;
  };
  let info;
  try {
    info = inspectOnnxModel(modelBytes);
  } catch (e) {
    where(e);
  }
  const inputs = readInputs(args.inputs, info!.inputs);
  const tokens = readTokens(args);
  const opts: Parameters<typeof runOnnxTrace>[0] = {
    modelBytes,
    inputs,
    engine: args.engine,
    wasmDir: ortDir(),
    numThreads: 1,
    name: path.basename(args.model),
    producer: `gatescope ${VERSION} (cli)`,
    allowMismatch: args.allowMismatch,
    precision: args.precision,
    // On stdout the trace is streamed entry by entry: refused before the run when one entry could not
    // be one string. With --out, levels beyond the output budget go to the sidecar instead.
    ...(args.out ? {} : { maxEntryBytes: MAX_JSON_CHARS }),
  };
  if (tokens) opts.tokens = tokens;
  // With --out, the trace gets a notebook's budget and levels beyond it go to a sidecar beside the
  // file (as in the editor); on stdout it is one document, whatever its size.
  const outDir = args.out ? path.dirname(path.resolve(args.out)) : undefined;
  const stem = args.out ? path.basename(args.out).replace(/\.json$/i, '') || 'trace' : '';
  const enc: EncodeOptions = args.out ? { precision: args.precision, maxBytes: DEFAULT_MAX_BYTES, sidecar: { stem } } : { precision: args.precision, maxBytes: Number.POSITIVE_INFINITY };
  // With --out, the gates of GRU nodes without sequence_lens stream chunk by chunk into the sidecar
  // (memory by the chunk and the output budget, not steps × units); other runs are encoded whole below.
  let streamFile: SidecarFileWriter | undefined;
  if (args.out) {
    opts.gateStream = {
      open: async (shape) => {
        streamFile = await openSidecarFile(outDir!, stem);
        return new TraceStreamEncoder(shape, enc, { stem, sink: streamFile.sink, sha256: sha256Hex });
      },
    };
  }
  let result;
  try {
    result = await runOnnxTrace(opts);
  } catch (e) {
    await streamFile?.abort();
    where(e);
  }
  const { input, timings, stream } = result!;
  const t0 = performance.now();
  let doc;
  if (stream) {
    try {
      doc = (await stream.finish({ model: input.model, check: input.check, warnings: input.warnings, createdAt: input.createdAt })).document;
      await streamFile!.commit(doc.sidecar?.file);
    } catch (e) {
      await streamFile!.abort();
      throw e;
    }
  } else {
    const encoded = encodeTrace(input, enc);
    doc = encoded.document;
    if (encoded.sidecar) doc.sidecar = await writeSidecarFile(encoded.sidecar, outDir!);
  }
  timings.encodeMs = performance.now() - t0;
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
    log(`gatescope: ${dirs} layer entr${dirs === 1 ? 'y' : 'ies'}, batch ${input.batch}, ${input.steps} steps, engine ${doc.model.engine}; max |h - Y| = ${doc.check?.maxAbsError.toExponential(2)}${args.out ? `; wrote ${written} bytes to ${args.out}` : ''}`);
  }
  if (args.verbose) {
    log(`gatescope: timings ms: prepare ${timings.prepareMs.toFixed(1)}, session ${timings.sessionMs.toFixed(1)}, run ${timings.runMs.toFixed(1)}, gates ${timings.gatesMs.toFixed(1)}, encode ${timings.encodeMs.toFixed(1)}`);
  }
  return 0;
}
