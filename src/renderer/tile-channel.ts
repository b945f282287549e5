// Asks the extension host for sidecar tiles (src/core/protocol.ts, 'tiles') and resolves each request
// with the host's reply. Without a host (GitHub, JupyterLab, a renderer with no messaging) there is no
// channel and the view keeps its overview.
import { decodeBase64 } from '../core/encoding/base64';
import type { HostToRenderer, RendererToHost, TileKey } from '../core/protocol';
import type { SidecarRef } from '../core/trace/document';

type Reply = Extract<HostToRenderer, { type: 'tilesResult' }>;

/** A request with no answer after this long is given up (the host may have restarted). */
const TIMEOUT_MS = 30_000;

export class TileChannel {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Milliseconds of the last answered request, post to reply (for the status and the benchmark). */
  lastRoundTripMs = 0;
  /** The host's own part of the last answered request (ms), when it says. */
  lastHostMs = 0;

  constructor(private readonly post: (m: RendererToHost) => void) {}

  /** The tiles' raw bytes, in request order; rejects with the host's message. */
  async request(sidecar: SidecarRef, tiles: TileKey[]): Promise<(TileKey & { bytes: Uint8Array })[]> {
    const requestId = this.next++;
    const t0 = performance.now();
    const reply = await new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve({ type: 'tilesResult', requestId, ok: false, error: `no answer from the extension host in ${TIMEOUT_MS / 1000} s` });
      }, TIMEOUT_MS);
      this.pending.set(requestId, { resolve, timer });
      this.post({ type: 'tiles', requestId, sidecar, tiles });
    });
    this.lastRoundTripMs = performance.now() - t0;
    if (!reply.ok) throw new Error(reply.error);
    this.lastHostMs = reply.hostMs ?? 0;
    return reply.tiles.map((t) => ({ tensor: t.tensor, b: t.b, i: t.i, bytes: decodeBase64(t.data) }));
  }

  /** Routes a host message; returns true when it answered one of this channel's requests. */
  receive(m: unknown): boolean {
    if (!m || typeof m !== 'object' || (m as HostToRenderer).type !== 'tilesResult') return false;
    const r = m as Reply;
    const p = this.pending.get(r.requestId);
    if (!p) return false;
    this.pending.delete(r.requestId);
    clearTimeout(p.timer);
    p.resolve(r);
    return true;
  }
}
