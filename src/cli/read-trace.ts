// Reading a trace file for the CLI (export, diff): the JSON decoded and checked, and its sidecar
// (when level 0 lives there) opened beside it and checked against the document's hash.

import * as path from 'node:path';
import { decodeTrace } from '../core/trace/decode';
import type { DecodedTrace } from '../core/trace/decoded';
import { TraceFormatError } from '../core/trace/errors';
import { needsSidecar } from '../core/trace/export-gates';
import { SidecarError } from '../core/trace/sidecar';
import { SidecarReader } from '../core/trace/sidecar-reader';
import { fileByteSource, sha256Hex } from '../node/sidecar-file';
import { CliError, readFileOrFail } from './errors';

export function readTrace(file: string): DecodedTrace {
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

/** The trace's sidecar, opened and checked, when some level 0 lives there; close it when done. */
export async function openSidecar(file: string, trace: DecodedTrace): Promise<{ reader: SidecarReader; close: () => Promise<void> } | undefined> {
  if (!needsSidecar(trace)) return undefined;
  // decodeTrace guarantees a sidecar reference whenever a level lives in one.
  const ref = trace.sidecar!;
  const sidecar = path.join(path.dirname(file), ref.file);
  let src;
  try {
    src = await fileByteSource(sidecar);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(
      missing
        ? `${file}: its full-resolution values are in the sidecar '${sidecar}', which is missing; keep the ${ref.file} written with the trace beside it`
        : `cannot read the sidecar '${sidecar}': ${(e as Error).message}`,
      1,
      e,
    );
  }
  const close = () => src.close();
  try {
    return { reader: await SidecarReader.open(src, ref, sha256Hex, sidecar), close };
  } catch (e) {
    await close();
    if (e instanceof SidecarError) throw new CliError(`sidecar of ${file}: ${e.message}`, 1, e);
    throw e;
  }
}
