// Sidecars that a notebook no longer refers to are deleted when the notebook is saved: a re-run
// writes a new sidecar (its name carries its hash), and the old one is kept until the saved notebook
// stops pointing at it, so nothing a saved notebook shows is ever removed. Only files named like this
// notebook's sidecars (`<notebook file name>-<12 hex>.gatescope.safetensors`, beside it) are touched.

import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SIDECAR_SUFFIX } from '../core/trace/sidecar';
import { sidecarRefs } from './sidecar-refs';
import { cleanupHeld } from './cleanup-hold';

export { holdCleanup } from './cleanup-hold';

/** Names of this notebook's sidecars in its folder that no output refers to. */
export async function staleSidecars(nb: vscode.NotebookDocument): Promise<string[]> {
  if (nb.uri.scheme !== 'file') return [];
  const dir = path.dirname(nb.uri.fsPath);
  const own = new RegExp(`^${escapeRe(path.basename(nb.uri.fsPath))}-[0-9a-f]{12}${escapeRe(SIDECAR_SUFFIX)}$`);
  const keep = new Set(sidecarRefs(nb).map((r) => r.file));
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => own.test(n) && !keep.has(n));
}

export function registerSidecarCleanup(): vscode.Disposable {
  return vscode.workspace.onDidSaveNotebookDocument(async (nb) => {
    if (cleanupHeld(nb.uri)) return;
    const dir = path.dirname(nb.uri.fsPath);
    for (const name of await staleSidecars(nb)) {
      const file = path.join(dir, name);
      const st = await fsp.lstat(file).catch(() => undefined);
      if (st?.isFile()) await fsp.rm(file, { force: true }).catch(() => undefined);
    }
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
