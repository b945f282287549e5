// Sidecar files on a local disk (Node fs), for the extension host's worker and the CLI: written with
// positional writes into a temporary file in the target folder and renamed into place (so a reader
// never sees half a file and two runs never interleave), read with ranged reads. The same writer
// serves a whole plan (writeSidecarFile) and a TraceStreamEncoder (openSidecarFile).

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SidecarRef } from '../core/trace/document';
import { writeSidecar, type SidecarPlan, type SidecarSink } from '../core/trace/encode';
import type { ByteSource } from '../core/trace/sidecar-reader';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A sidecar being written: a temporary file in the target folder, renamed into place by commit. */
export interface SidecarFileWriter {
  sink: SidecarSink;
  /** Syncs and renames the file to `file` (the reference's name) in the folder; undefined: nothing was needed, the file is removed. */
  commit(file: string | undefined): Promise<void>;
  /** Removes the temporary file (after an error). */
  abort(): Promise<void>;
}

/** Opens a temporary sidecar file in `dir` for positional writes (TraceStreamEncoder, writeSidecar). */
export async function openSidecarFile(dir: string, stem: string): Promise<SidecarFileWriter> {
  const tmp = path.join(dir, `.${stem}.${process.pid}.${randomBytes(4).toString('hex')}.gatescope-partial`);
  const fh = await fsp.open(tmp, 'wx');
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    sink: {
      write: async (bytes, position) => {
        let done = 0;
        while (done < bytes.length) {
          const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
          if (bytesWritten <= 0) throw new Error(`short write to ${tmp}`);
          done += bytesWritten;
        }
      },
    },
    commit: async (file) => {
      if (file === undefined) {
        await close();
        await fsp.rm(tmp, { force: true });
        return;
      }
      await fh.sync();
      await close();
      await fsp.rename(tmp, path.join(dir, file));
    },
    abort: async () => {
      await close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
    },
  };
}

/**
 * Writes the plan's sidecar into `dir` and returns its reference (document.sidecar). The file's name
 * carries its header hash, so a re-run that produces the same data writes the same name.
 */
export async function writeSidecarFile(
  plan: SidecarPlan,
  dir: string,
  progress?: { onProgress?: (fraction: number) => void; signal?: { aborted: boolean } },
): Promise<SidecarRef> {
  const out = await openSidecarFile(dir, plan.stem);
  let ref: SidecarRef;
  try {
    ref = await writeSidecar(plan, out.sink, sha256Hex, progress);
    await out.commit(ref.file);
  } catch (e) {
    await out.abort();
    throw e;
  }
  return ref;
}

/** A regular file as a ranged byte source (one open handle; close() when done). */
export async function fileByteSource(file: string): Promise<ByteSource & { close(): Promise<void> }> {
  const fh = await fsp.open(file, 'r');
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new Error(`${path.basename(file)} is not a regular file`);
  }
  return {
    size: st.size,
    read: async (start, end) => {
      const out = new Uint8Array(end - start);
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
        if (bytesRead <= 0) throw new Error(`${path.basename(file)} ended at byte ${start + done} (expected ${end})`);
        done += bytesRead;
      }
      return out;
    },
    close: () => fh.close(),
  };
}
