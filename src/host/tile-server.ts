// Serves sidecar tiles to the notebook renderer (src/core/protocol.ts, 'tiles'). A request is served
// only when its sidecar is referenced by a Gatescope output of the very notebook the renderer shows,
// and lies in that notebook's folder (after resolving symlinks); every tile is checked against the
// sidecar's hashes (SidecarReader). Local files are read with ranged reads (Node fs, given as
// TileSources.openLocal by tile-sources-node.ts); other file systems (Remote, virtual workspaces, the
// web extension host) through vscode.workspace.fs, whole file once, cached.

import * as vscode from 'vscode';
import { MAX_TILES_PER_REQUEST, type HostToRenderer, type RendererToHost, type TileKey } from '../core/protocol';
import type { SidecarRef } from '../core/trace/document';
import { SidecarReader, type ByteSource } from '../core/trace/sidecar-reader';
import { sidecarRefs } from './sidecar-refs';

type TilesRequest = Extract<RendererToHost, { type: 'tiles' }>;
type TilesReply = Extract<HostToRenderer, { type: 'tilesResult' }>;

/** Readers kept open (most recently used last). */
const MAX_OPEN = 4;

/** What differs between the Node and the web extension host (no Node import here: the web entry shares this file). */
export interface TileSources {
  /** A sidecar on a local disk (file: URI) inside `folder` after resolving symlinks; absent: read through workspace.fs. */
  openLocal?: (file: vscode.Uri, folder: vscode.Uri, ref: SidecarRef) => Promise<ByteSource & { close(): Promise<void> }>;
  sha256(bytes: Uint8Array): string | Promise<string>;
  base64(bytes: Uint8Array): string;
}

export class TileServer implements vscode.Disposable {
  private readonly readers = new Map<string, { reader: Promise<SidecarReader>; close: () => Promise<void> }>();

  constructor(private readonly sources: TileSources) {}

  async handle(msg: unknown, notebook: vscode.NotebookDocument | undefined): Promise<TilesReply | undefined> {
    const m = msg as Partial<TilesRequest> | undefined;
    if (!m || m.type !== 'tiles') return undefined;
    const t0 = performance.now();
    const requestId = typeof m.requestId === 'number' && Number.isSafeInteger(m.requestId) ? m.requestId : -1;
    const fail = (error: string): TilesReply => ({ type: 'tilesResult', requestId, ok: false, error });
    const why = checkRequest(m);
    if (why) return fail(why);
    const req = m as TilesRequest;
    if (!notebook) return fail('the request came from no notebook editor');
    if (!this.referenced(notebook).has(refKey(req.sidecar))) {
      return fail(`no Gatescope output of this notebook refers to ${JSON.stringify(req.sidecar.file)} with that hash; refused`);
    }
    try {
      const reader = await this.open(notebook.uri, req.sidecar);
      const tiles: (TileKey & { data: string })[] = [];
      for (const t of req.tiles) tiles.push({ ...t, data: this.sources.base64(await reader.tileBytes(t.tensor, t.b, t.i)) });
      return { type: 'tilesResult', requestId, ok: true, tiles, hostMs: Math.round((performance.now() - t0) * 10) / 10 };
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  }

  /** Sidecars referenced by this notebook's trace outputs. */
  private referenced(nb: vscode.NotebookDocument): Set<string> {
    return new Set(sidecarRefs(nb).map(refKey));
  }

  private async open(notebook: vscode.Uri, ref: SidecarRef): Promise<SidecarReader> {
    const folder = vscode.Uri.joinPath(notebook, '..');
    const uri = vscode.Uri.joinPath(folder, ref.file);
    const key = `${uri.toString()}|${ref.headerSha256}|${ref.bytes}`;
    const hit = this.readers.get(key);
    if (hit) {
      this.readers.delete(key);
      this.readers.set(key, hit);
      return hit.reader.catch((e: unknown) => {
        this.readers.delete(key);
        throw e;
      });
    }
    let close = async () => undefined as void;
    const reader = (async () => {
      let src: ByteSource;
      if (uri.scheme === 'file' && this.sources.openLocal) {
        const f = await this.sources.openLocal(uri, folder, ref);
        close = f.close;
        src = f;
      } else {
        let bytes: Uint8Array;
        try {
          bytes = await vscode.workspace.fs.readFile(uri);
        } catch {
          throw new Error(`the sidecar ${ref.file} is not beside this notebook; the overview stays, full detail needs it back or a re-run of the cell`);
        }
        src = { size: bytes.length, read: async (a, b) => bytes.subarray(a, b) };
      }
      return SidecarReader.open(src, ref, (b) => this.sources.sha256(b));
    })();
    this.readers.set(key, { reader, close: () => close() });
    while (this.readers.size > MAX_OPEN) {
      const [oldest, entry] = this.readers.entries().next().value as [string, { close: () => Promise<void> }];
      this.readers.delete(oldest);
      void entry.close();
    }
    return reader.catch((e: unknown) => {
      this.readers.delete(key);
      void close();
      throw e;
    });
  }

  dispose(): void {
    for (const r of this.readers.values()) void r.close();
    this.readers.clear();
  }
}

function refKey(ref: SidecarRef): string {
  return `${ref.file}|${ref.headerSha256}`;
}

/** Why a message is not a well-formed tiles request, or undefined. */
export function checkRequest(m: Partial<TilesRequest>): string | undefined {
  const s = m.sidecar as Partial<SidecarRef> | undefined;
  if (typeof m.requestId !== 'number' || !Number.isSafeInteger(m.requestId)) return 'requestId must be an integer';
  if (!s || typeof s.file !== 'string' || typeof s.headerSha256 !== 'string' || typeof s.bytes !== 'number') return 'sidecar must be {file, bytes, headerSha256}';
  if (!/^[^/\\:\0]{1,240}$/.test(s.file) || s.file === '.' || s.file === '..') return 'sidecar.file must be a plain file name (no path separators)';
  if (!/^[0-9a-f]{64}$/.test(s.headerSha256)) return 'sidecar.headerSha256 must be 64 hex digits';
  if (!Array.isArray(m.tiles) || m.tiles.length === 0 || m.tiles.length > MAX_TILES_PER_REQUEST) return `tiles must list 1 to ${MAX_TILES_PER_REQUEST} tiles`;
  for (const t of m.tiles as unknown[]) {
    const k = t as Partial<TileKey>;
    if (!k || typeof k.tensor !== 'string' || k.tensor.length > 200 || !Number.isSafeInteger(k.b) || !Number.isSafeInteger(k.i)) return 'each tile must be {tensor, b, i}';
  }
  return undefined;
}

/** Registers the server on the renderer messaging channel. */
export function registerTileServer(sources: TileSources): vscode.Disposable {
  const server = new TileServer(sources);
  const messaging = vscode.notebooks.createRendererMessaging('gatescope');
  const sub = messaging.onDidReceiveMessage(async ({ editor, message }) => {
    const reply = await server.handle(message, editor?.notebook);
    if (reply) await messaging.postMessage(reply, editor);
  });
  return vscode.Disposable.from(sub, server);
}
