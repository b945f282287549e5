// CLI errors: one line on stderr beginning 'gatescope: ', an exit status, the cause kept for --verbose.

import { oneLinePrintable } from '../core/io/printable';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: 1 | 2 = 1, cause?: unknown) {
    super(oneLinePrintable(message), cause === undefined ? undefined : { cause });
  }
}

/** Largest file the CLI reads: 2 GiB, protobuf's own limit for a model (larger ones keep weights outside). */
export const MAX_READ_BYTES = 2 ** 31 - 1;

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a plain file';
}

/**
 * Reads a whole regular file of at most `maxBytes`. Anything else (a FIFO, which would block until
 * a writer comes; a device such as /dev/zero, which never ends) is refused before it is opened for
 * reading, and the size is checked before reading. Errors are CliErrors naming the file.
 */
export function readFileOrFail(file: string, what: string, maxBytes = MAX_READ_BYTES): Uint8Array {
  const cannot = (why: string, e?: unknown): CliError => new CliError(`cannot read ${what} '${file}': ${why}`, 1, e);
  let fd: number | undefined;
  try {
    const before = statSync(file);
    if (before.isDirectory()) throw cannot('it is a directory; give a file');
    if (!before.isFile()) throw cannot(`it is ${kindOf(before)}, not a regular file; save the data to a file first`);
    // O_NONBLOCK: should the path turn into a FIFO between stat and open, open still returns at once.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw cannot(`it is ${kindOf(st)}, not a regular file; save the data to a file first`);
    if (st.size > maxBytes) throw cannot(`it is ${st.size} bytes, above the ${maxBytes}-byte limit for ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`);
    const out = new Uint8Array(st.size);
    let off = 0;
    while (off < out.length) {
      const n = readSync(fd, out, off, out.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === out.length ? out : out.subarray(0, off);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file; check the path' : code === 'EISDIR' ? 'it is a directory; give a file' : code === 'EACCES' ? 'permission denied; check the path' : `${(e as Error).message}; check the path`;
    throw cannot(why, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
