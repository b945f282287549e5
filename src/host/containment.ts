// Whether a file a spec cell names lies inside the workspace folders, judged on real paths (every
// symlink resolved), so '../', absolute paths and links cannot reach other files unnoticed.
// Pure Node (no vscode): run-spec.ts applies it with the workspace folders and the user's consent.

import { realpathSync } from 'node:fs';
import * as path from 'node:path';

/** The real path of `file`; for a file that does not exist, its folder's real path joined with its name. */
export function realPath(file: string): string {
  const abs = path.resolve(file);
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPath(parent), path.basename(abs));
  }
}

/** undefined when `file` (resolved) lies inside one of `folders` (resolved); else its real path. */
export function outsideFolders(file: string, folders: readonly string[]): string | undefined {
  const real = realPath(file);
  for (const f of folders) {
    const rel = path.relative(realPath(f), real);
    if (rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))) return undefined;
  }
  return real;
}
