// CLI errors: one line on stderr beginning 'gatescope: ', an exit status, the cause kept for --verbose.

import { readFileSync } from 'node:fs';

export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: 1 | 2 = 1, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Reads a whole file; a missing or unreadable file becomes a CliError naming it. */
export function readFileOrFail(file: string, what: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot read ${what} '${file}': ${why}; check the path`, 1, e);
  }
}
