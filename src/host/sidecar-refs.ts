// Which sidecars a notebook's Gatescope outputs refer to (file name and header hash): what the tile
// server may serve and what a save keeps.

import * as vscode from 'vscode';
import { TRACE_MIME, type SidecarRef } from '../core/trace/document';

const cache = new WeakMap<vscode.NotebookDocument, { version: number; refs: SidecarRef[] }>();

/** The sidecars referenced by the trace outputs of a notebook (parsed once per notebook version). */
export function sidecarRefs(nb: vscode.NotebookDocument): SidecarRef[] {
  const hit = cache.get(nb);
  if (hit && hit.version === nb.version) return hit.refs;
  const refs: SidecarRef[] = [];
  const decoder = new TextDecoder();
  for (const cell of nb.getCells()) {
    for (const out of cell.outputs) {
      for (const item of out.items) {
        if (item.mime !== TRACE_MIME) continue;
        try {
          const ref = (JSON.parse(decoder.decode(item.data)) as { sidecar?: SidecarRef }).sidecar;
          if (ref && typeof ref.file === 'string' && typeof ref.headerSha256 === 'string' && typeof ref.bytes === 'number') refs.push(ref);
        } catch {
          // Not JSON: no sidecar to keep or serve.
        }
      }
    }
  }
  cache.set(nb, { version: nb.version, refs });
  return refs;
}
