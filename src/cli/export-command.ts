// `gatescope export TRACE --out DIR`: writes every gate of a trace (version 1 or 2, with or without
// a sidecar) as L{layer}-{direction}-{gate}.npy, float32 [B, T, H] with NaN where masked, so that the
// values open in numpy (numpy.load). Sidecar tiles are each checked against the header's SHA-256.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeNpyFloat32 } from '../core/io/npy-write';
import { decodeTrace } from '../core/trace/decode';
import type { DecodedTrace } from '../core/trace/decoded';
import { TraceFormatError } from '../core/trace/errors';
import { ExportError, exportGates, needsSidecar } from '../core/trace/export-gates';
import { SidecarError } from '../core/trace/sidecar';
import { SidecarReader } from '../core/trace/sidecar-reader';
import { fileByteSource, sha256Hex } from '../node/sidecar-file';
import { UsageError } from './args';
import { CliError, readFileOrFail } from './errors';

export interface ExportArgs {
  trace: string;
  out: string;
  verbose: boolean;
}

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const positional: string[] = [];
  let out: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg.startsWith('--out=')) {
      const v = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (v === undefined || v === '' || (v.startsWith('--') && v.length > 2)) throw new UsageError('--out needs a folder: gatescope export TRACE.json --out DIR');
      out = v;
    } else if (arg === '--verbose') verbose = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}' for export (see gatescope --help)`);
    else positional.push(arg);
  }
  if (positional.length === 0) throw new UsageError('no trace given: gatescope export TRACE.json --out DIR');
  if (positional.length > 1) throw new UsageError(`one trace expected, got ${positional.length} (${positional.join(', ')})`);
  if (out === undefined) throw new UsageError(`no output folder given for ${positional[0]}: add --out DIR (one .npy file per gate goes there)`);
  return { trace: positional[0]!, out, verbose };
}

function readTrace(file: string): DecodedTrace {
  const text = new TextDecoder().decode(readFileOrFail(file, 'trace file'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: not JSON (${(e as Error).message}); give a trace written by Gatescope (gatescope trace --out FILE)`, 1, e);
  }
  try {
    return decodeTrace(json);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new CliError(`${file}: ${e.message}`, 1, e);
    throw e;
  }
}

export async function exportCommand(argv: readonly string[], log: (line: string) => void): Promise<number> {
  const args = parseExportArgs(argv);
  const trace = readTrace(args.trace);

  let reader: SidecarReader | undefined;
  let close: (() => Promise<void>) | undefined;
  if (needsSidecar(trace)) {
    // decodeTrace guarantees a sidecar reference whenever a level lives in one.
    const ref = trace.sidecar!;
    const file = path.join(path.dirname(args.trace), ref.file);
    let src;
    try {
      src = await fileByteSource(file);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new CliError(
        missing
          ? `${args.trace}: its full-resolution values are in the sidecar '${file}', which is missing; keep the ${ref.file} written with the trace beside it`
          : `cannot read the sidecar '${file}': ${(e as Error).message}`,
        1,
        e,
      );
    }
    close = () => src.close();
    try {
      reader = await SidecarReader.open(src, ref, sha256Hex, file);
    } catch (e) {
      await close();
      if (e instanceof SidecarError) throw new CliError(`sidecar of ${args.trace}: ${e.message}`, 1, e);
      throw e;
    }
  }

  try {
    mkdirSync(args.out, { recursive: true });
  } catch (e) {
    await close?.();
    throw new CliError(`cannot create the output folder '${args.out}': ${(e as Error).message}; give a folder path you can write to`, 1, e);
  }

  let files = 0;
  let bytes = 0;
  try {
    const read = reader ? (name: string) => reader.tensorValues(name) : undefined;
    for await (const g of exportGates(trace, read)) {
      const npy = encodeNpyFloat32(g.values, g.shape);
      const target = path.join(args.out, g.file);
      try {
        writeFileSync(target, npy);
      } catch (e) {
        throw new CliError(`cannot write '${target}': ${(e as Error).message}; check the folder is writable and has room`, 1, e);
      }
      files++;
      bytes += npy.length;
      if (args.verbose) log(`gatescope: ${g.file} [${g.shape.join(', ')}]`);
    }
  } catch (e) {
    if (e instanceof SidecarError || e instanceof ExportError) throw new CliError(`sidecar of ${args.trace}: ${e.message}`, 1, e);
    throw e;
  } finally {
    await close?.();
  }
  if (trace.downsample) {
    const d = trace.downsample;
    log(`gatescope: warning: this trace (Gatescope 0.1.0) holds ${trace.steps} of the run's ${d.originalSteps} steps (${d.method}); the files hold those ${trace.steps} steps`);
  }
  log(`gatescope: wrote ${files} .npy files (${bytes} bytes; float32 [batch ${trace.batch}, ${trace.steps} steps, units], NaN where masked) to ${args.out}`);
  return 0;
}
