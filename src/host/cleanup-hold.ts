// Notebooks with a run in progress: between the worker writing a sidecar and the output that refers
// to it, a save (auto-save, or one the user makes) would find the new file unreferenced. Cleanup
// (sidecar-cleanup.ts) waits for the next save after every run has put its output in place. Kept
// apart from the cleanup's Node file access because the controller and the inspect command, which
// the web entry shares, hold it.

import type { Uri } from 'vscode';

const busy = new Map<string, number>();

/** Holds cleanup for a notebook while a run writes into it; call the returned function when its output is in place. */
export function holdCleanup(notebook: Uri | undefined): () => void {
  if (!notebook) return () => undefined;
  const key = notebook.toString();
  busy.set(key, (busy.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (busy.get(key) ?? 1) - 1;
    if (n > 0) busy.set(key, n);
    else busy.delete(key);
  };
}

/** True while some run writes into the notebook. */
export function cleanupHeld(notebook: Uri): boolean {
  return busy.has(notebook.toString());
}
