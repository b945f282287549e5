// Sidecar files on a local disk (Node fs), for the extension host's worker and the CLI: written with
// positional writes into a temporary file in the target folder and renamed into place (so a reader
// never sees half a file and two runs never interleave), read with ranged reads.

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SidecarRef } from '../core/trace/document';
import { writeSidecar, type SidecarPlan } from '../core/trace/encode';
import type { ByteSource } from '../core/trace/sidecar-reader';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
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
  const tmp = path.join(dir, `.${plan.stem}.${process.pid}.${randomBytes(4).toString('hex')}.gatescope-partial`);
  const fh = await fsp.open(tmp, 'wx');
  let ref: SidecarRef;
  try {
    ref = await writeSidecar(
      plan,
      {
        write: async (bytes, position) => {
          let done = 0;
          while (done < bytes.length) {
            const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
            if (bytesWritten <= 0) throw new Error(`short write to ${tmp}`);
            done += bytesWritten;
          }
        },
      },
      sha256Hex,
      progress,
    );
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, path.join(dir, ref.file));
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
