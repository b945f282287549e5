// The fine levels of one layer entry and batch item of a sidecar trace, fetched per tile for what the
// view shows: a bounded cache (least recently used tiles go first), requests coalesced per frame, one
// error kept for the status line. Tiles are decoded into float32 [bucket][unit] rows as they land.
import type { TileKey } from '../core/protocol';
import type { DecodedGate, DecodedLevel, DecodedTrace } from '../core/trace/decoded';
import { tilesPerItem } from '../core/trace/pyramid';
import { decodeTileBytes } from '../core/trace/sidecar-reader';
import type { TiledLevel } from '../core/view/raster';
import type { TileChannel } from './tile-channel';

/** Decoded tiles kept per view (bytes of float32). */
const CACHE_BYTES = 256 * 2 ** 20;
/**
 * Tiles per request and requests in flight for the current view. Few and small, so that a zoom
 * gesture does not queue megabytes of tiles for views already left behind: what is wanted is rebuilt
 * every frame; a request none of whose tiles the latest frame wants stops counting against the limit
 * (it still lands in the cache), so the new view's tiles go out at once.
 */
const MAX_PER_REQUEST = 8;
const MAX_IN_FLIGHT = 2;
/**
 * Tiles are asked for once the view has held still this long (no new frame): the frames of a zoom or
 * pan gesture come every ~16 ms, so only where the gesture ends is fetched.
 */
const QUIET_MS = 40;
/** A tile whose request failed is asked for again after this long, so a passing fault (a host restart, a timeout) heals. */
const RETRY_MS = 5000;

interface LevelTiles {
  gate: DecodedGate;
  level: DecodedLevel;
  tensor: string;
  /** Sparse: tile i, or undefined while not loaded. */
  tiles: (Float32Array | undefined)[];
  raster: TiledLevel;
}

export class SidecarTiles {
  private readonly levels = new Map<string, LevelTiles>();
  private readonly lru = new Map<string, { lt: LevelTiles; i: number; bytes: number }>();
  private bytes = 0;
  private readonly wanted = new Map<string, { lt: LevelTiles; i: number }>();
  private readonly inflight = new Set<string>();
  /** In-flight requests: their tile keys and whether the latest frame still wants any of them. */
  private readonly requests = new Set<{ keys: string[]; current: boolean }>();
  /** Tile key -> when its request failed (performance.now()). */
  private readonly failed = new Map<string, number>();
  private flushing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last error the host reported (shown in the status line), until a request succeeds. */
  error: string | undefined;
  loaded = 0;

  constructor(
    private readonly trace: DecodedTrace,
    private readonly layerIndex: number,
    private readonly batch: number,
    private readonly channel: TileChannel,
    private readonly onLanded: () => void,
  ) {}

  /** The last tile request's round trip to the host (ms). */
  get roundTripMs(): number {
    return this.channel.lastRoundTripMs;
  }

  /** The host's own part of that round trip (ms). */
  get hostMs(): number {
    return this.channel.lastHostMs;
  }

  /** Bytes of decoded tiles held now. */
  get cachedBytes(): number {
    return this.bytes;
  }

  get pending(): number {
    return this.wanted.size + this.inflight.size;
  }

  /** Starts a frame: tiles wanted by earlier frames and not yet sent are forgotten. */
  beginFrame(): void {
    this.wanted.clear();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = false;
    }
    for (const r of this.requests) r.current = false;
  }

  private currentRequests(): number {
    let n = 0;
    for (const r of this.requests) if (r.current) n++;
    return n;
  }

  /**
   * Index into gate.levels of the finest stored level in the sidecar whose buckets are at most
   * `stepsPerCol` steps (at least level 0), or -1 when an inline level already serves this zoom.
   */
  levelFor(gate: DecodedGate, stepsPerCol: number): number {
    let best = -1;
    gate.levels.forEach((l, m) => {
      if (l.bucket <= Math.max(1, stepsPerCol)) best = m;
    });
    return best >= 0 && !gate.levels[best]!.mean && gate.levels[best]!.remote ? best : -1;
  }

  /** Level m of a gate as a tiled raster level, asking for the tiles of buckets [j0, j1) it lacks. */
  tiled(gate: DecodedGate, m: number, j0: number, j1: number): TiledLevel {
    const lt = this.levelTiles(gate, m);
    const ts = this.trace.pyramid.tileSteps;
    const last = tilesPerItem(lt.level.buckets, ts) - 1;
    for (let i = Math.max(0, Math.floor(j0 / ts)); i <= Math.min(last, Math.floor((Math.max(j1, j0 + 1) - 1) / ts)); i++) this.want(lt, i);
    return lt.raster;
  }

  /** Exact level-0 value of gate at (step, unit) when its tile is here; else undefined (and the tile is asked for). */
  exact(gate: DecodedGate, step: number, unit: number): number | undefined {
    if (gate.levels[0]!.mean || !gate.levels[0]!.remote) return undefined;
    const lt = this.levelTiles(gate, 0);
    const ts = this.trace.pyramid.tileSteps;
    const i = Math.floor(step / ts);
    const tile = lt.tiles[i];
    if (!tile) {
      this.want(lt, i);
      return undefined;
    }
    this.touch(`${lt.tensor}/${i}`);
    return tile[(step - i * ts) * gate.units + unit];
  }

  private levelTiles(gate: DecodedGate, m: number): LevelTiles {
    const key = `${gate.name}/${m}`;
    let lt = this.levels.get(key);
    if (!lt) {
      const level = gate.levels[m]!;
      const tiles: (Float32Array | undefined)[] = [];
      lt = { gate, level, tensor: level.remote!.mean.tensor, tiles, raster: { k: Math.round(Math.log2(level.bucket)), shift: Math.round(Math.log2(this.trace.pyramid.tileSteps)), tiles } };
      this.levels.set(key, lt);
    }
    return lt;
  }

  private want(lt: LevelTiles, i: number): void {
    const key = `${lt.tensor}/${i}`;
    if (lt.tiles[i]) {
      this.touch(key);
      return;
    }
    if (this.inflight.has(key)) {
      for (const r of this.requests) if (!r.current && r.keys.includes(key)) r.current = true;
      return;
    }
    const failedAt = this.failed.get(key);
    if (failedAt !== undefined && performance.now() - failedAt < RETRY_MS) return;
    this.failed.delete(key);
    if (this.wanted.has(key)) return;
    this.wanted.set(key, { lt, i });
    if (!this.flushing) {
      this.flushing = true;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, QUIET_MS);
    }
  }

  private touch(key: string): void {
    const e = this.lru.get(key);
    if (e) {
      this.lru.delete(key);
      this.lru.set(key, e);
    }
  }

  private flush(): void {
    this.flushing = false;
    const ref = this.trace.sidecar;
    if (!ref) return;
    while (this.currentRequests() < MAX_IN_FLIGHT && this.wanted.size > 0) {
      const part = [...this.wanted.entries()].slice(0, MAX_PER_REQUEST);
      for (const [k] of part) {
        this.wanted.delete(k);
        this.inflight.add(k);
      }
      const req = { keys: part.map(([k]) => k), current: true };
      this.requests.add(req);
      const keys: TileKey[] = part.map(([, w]) => ({ tensor: w.lt.tensor, b: this.batch, i: w.i }));
      this.channel.request(ref, keys).then(
        (tiles) => {
          tiles.forEach((t, n) => {
            const w = part[n]![1];
            this.store(w.lt, w.i, decodeTileBytes(t.bytes, { dtype: w.lt.level.dtype, scale: w.lt.level.remote!.mean.scale, offset: w.lt.level.remote!.mean.offset }));
          });
          this.error = undefined;
          for (const [k] of part) this.inflight.delete(k);
          this.requests.delete(req);
          this.flush();
          this.onLanded();
        },
        (e: unknown) => {
          this.error = e instanceof Error ? e.message : String(e);
          for (const [k] of part) {
            this.inflight.delete(k);
            this.failed.set(k, performance.now());
          }
          this.requests.delete(req);
          this.flush();
          this.onLanded();
        },
      );
    }
  }

  private store(lt: LevelTiles, i: number, values: Float32Array): void {
    const key = `${lt.tensor}/${i}`;
    lt.tiles[i] = values;
    this.loaded++;
    this.lru.set(key, { lt, i, bytes: values.byteLength });
    this.bytes += values.byteLength;
    while (this.bytes > CACHE_BYTES && this.lru.size > 1) {
      const [old, e] = this.lru.entries().next().value as [string, { lt: LevelTiles; i: number; bytes: number }];
      this.lru.delete(old);
      e.lt.tiles[e.i] = undefined;
      this.bytes -= e.bytes;
    }
  }

  /** The layer entry these tiles belong to. */
  get layer(): number {
    return this.layerIndex;
  }
}
