// Writing the CLI's output so that a failed write never looks like success. write(2) may write
// fewer bytes than asked (a disk filling up, a file size limit) and Node's synchronous stdout stream
// ignores that count; so every write here goes through writeAll, which continues short writes and
// fails with one CliError. --out is written to a temporary file in the same folder, then renamed
// over the target: the target is either the old file or the complete new one, and two runs writing
// the same --out cannot interleave.

import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { CliError } from './errors';

/** Writes up to `len` bytes of `buf` from `off`; returns how many it wrote (fs.writeSync's contract). */
export type WriteFn = (buf: Uint8Array, off: number, len: number) => number;

/** How long writeAll waits in total on a full non-blocking pipe (EAGAIN) before giving up. */
const EAGAIN_LIMIT_MS = 60_000;

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EFBIG: 'the file size limit was reached',
  EDQUOT: 'the disk quota is used up',
  EPIPE: 'the reading end was closed',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a directory',
  EIO: 'an input/output error',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && REASONS[code]) ?? (e instanceof Error ? e.message : String(e));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Writes every byte of `bytes` with `write`; `label` names the destination in the error, `before`
 * counts the bytes written to it by earlier calls (streamed output), for the message.
 */
export function writeAll(write: WriteFn, bytes: Uint8Array, label: string, before = 0): void {
  let off = 0;
  let waited = 0;
  while (off < bytes.length) {
    let n: number;
    try {
      n = write(bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === 'EAGAIN' && waited < EAGAIN_LIMIT_MS) {
        sleepMs(5);
        waited += 5;
        continue;
      }
      throw new CliError(`cannot write ${label}: ${reason(e)} after ${before + off} bytes; free space or write elsewhere`, 1, e);
    }
    if (!(n > 0)) throw new CliError(`cannot write ${label}: the write made no progress after ${before + off} bytes; free space or write elsewhere`, 1);
    off += n;
  }
}

/** Writes to standard output (fd 1), checking every write. */
export function writeStdout(bytes: Uint8Array, before = 0): void {
  writeAll((b, o, l) => writeSync(1, b, o, l), bytes, 'standard output', before);
}

/** Content written in pieces: calls `put` once per piece. */
export type Producer = (put: (bytes: Uint8Array) => void) => void;

/** Pieces are gathered up to about this many characters before `each` gets them (fewer writes). */
const PIECE_CHARS = 1 << 16;
/** A string longer than this is handed over in slices of it (a gate's base64 data). */
const SLICE_CHARS = 1 << 20;

/**
 * A JSON document's text, exactly JSON.stringify(doc), handed to `each` in pieces of about
 * PIECE_CHARS: objects and arrays are walked, and long strings (a gate's base64) go out in slices.
 * No string ever holds the trace, a layer entry or a copy of a gate's data, so memory beside the
 * document is a few slices, and its size is not bounded by V8's longest string (2^29 - 24 characters).
 */
export function jsonChunks(doc: Record<string, unknown>, each: (chunk: string) => void): void {
  let pending: string[] = [];
  let size = 0;
  const put = (s: string): void => {
    pending.push(s);
    size += s.length;
    if (size >= PIECE_CHARS) flush();
  };
  const flush = (): void => {
    if (pending.length > 0) each(pending.join(''));
    pending = [];
    size = 0;
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length > SLICE_CHARS) {
      flush();
      for (let i = 0; i < v.length; ) {
        // Never split a surrogate pair: JSON.stringify escapes a lone surrogate.
        let j = Math.min(v.length, i + SLICE_CHARS);
        const c = v.charCodeAt(j - 1);
        if (j < v.length && c >= 0xd800 && c <= 0xdbff) j--;
        const q = JSON.stringify(v.slice(i, j));
        each(`${i === 0 ? '"' : ''}${q.slice(1, -1)}${j === v.length ? '"' : ''}`);
        i = j;
      }
      return;
    }
    if (Array.isArray(v)) {
      put('[');
      // JSON.stringify writes undefined, functions and symbols in arrays as null.
      v.forEach((x, i) => {
        if (i) put(',');
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') put('null');
        else walk(x);
      });
      put(']');
      return;
    }
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      put('{');
      let first = true;
      for (const [key, x] of Object.entries(v)) {
        // JSON.stringify leaves out undefined, function and symbol members.
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        put(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        walk(x);
      }
      put('}');
      return;
    }
    put(JSON.stringify(v));
  };
  walk(doc);
  flush();
}

/** Writes pieces to standard output (fd 1), checking every write. */
export function streamStdout(produce: Producer): void {
  let written = 0;
  produce((b) => {
    writeStdout(b, written);
    written += b.length;
  });
}

/**
 * Writes `content` (bytes, or a producer of pieces) to `target` atomically: a temporary file beside
 * it, flushed, then renamed over it. `write` replaces the file write (tests). Any failure removes
 * the temporary file.
 */
export function writeFileAtomic(target: string, content: Uint8Array | Producer, write?: WriteFn): void {
  const dir = path.dirname(path.resolve(target));
  const label = `'${target}'`;
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`cannot write ${label}: '${dir}' is not a folder; choose another --out`, 1);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot write ${label}: the folder '${dir}' does not exist; create it or choose another --out`, 1, e);
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    const f = fd;
    let written = 0;
    const put = (bytes: Uint8Array): void => {
      writeAll(write ?? ((b, o, l) => writeSync(f, b, o, l)), bytes, label, written);
      written += bytes.length;
    };
    if (content instanceof Uint8Array) put(content);
    else content(put);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing: the first error is the one to report.
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never created, or is gone already.
    }
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot write ${label}: ${reason(e)}; check the folder is writable or choose another --out`, 1, e);
  }
}

/** The real path of `file`, or of its folder joined with its name when it does not exist yet. */
function realTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

/** Refuses an --out that resolves (symlinks followed) to one of the files the run reads. */
export function refuseOutIsInput(out: string, inputs: readonly { file: string; what: string }[]): void {
  const target = realTarget(out);
  for (const input of inputs) {
    if (realTarget(input.file) === target) {
      throw new CliError(`--out '${out}' is the ${input.what} '${input.file}'; write the trace elsewhere so the ${input.what} is not overwritten`, 2);
    }
  }
}
