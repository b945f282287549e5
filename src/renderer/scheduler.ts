// When a view draws and when it works in the background. Drawing: parts are marked dirty and drawn
// together in one animation frame, however many changes came in between (a burst of wheel events
// costs one draw per frame). Background work (pyramid levels, statistics): short slices in separate
// tasks, so that no task holds the UI thread for a frame.
import { mark } from './timing';

/** The parts of a view that are drawn separately, in this order. */
export interface Dirty {
  heatmaps: boolean;
  axes: boolean;
  overlay: boolean;
  plots: boolean;
}

const PARTS: readonly (keyof Dirty)[] = ['heatmaps', 'axes', 'overlay', 'plots'];
const CLEAN: Dirty = { heatmaps: false, axes: false, overlay: false, plots: false };

/** Background work per slice, in ms, so that no task holds the UI thread for a frame. */
export const SLICE_MS = 6;

/** Draws dirty parts once per animation frame. */
export class FrameScheduler {
  private dirty: Dirty = { heatmaps: true, axes: true, overlay: true, plots: true };
  private frame = 0;
  private disposed = false;

  constructor(private readonly draw: { readonly [K in keyof Dirty]: () => void }) {}

  /** Marks parts dirty and asks for one animation frame (coalescing every request in between). */
  invalidate(parts: Partial<Dirty>): void {
    if (this.disposed) return;
    Object.assign(this.dirty, parts);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.onFrame());
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private onFrame(): void {
    this.frame = 0;
    if (this.disposed) return;
    const d = this.dirty;
    this.dirty = { ...CLEAN };
    // Measures show in the devtools timeline (and let the benchmark split a frame and find where
    // the view's work in it began: gatescope:frame).
    const start = performance.now();
    let t = start;
    for (const part of PARTS) {
      if (!d[part]) continue;
      this.draw[part]();
      const now = performance.now();
      mark(`gatescope:${part}`, t, now);
      t = now;
    }
    mark('gatescope:frame', start, t);
  }
}

/**
 * Runs `slice` in separate tasks (MessageChannel: no timer clamping) while it returns true, then
 * calls `done`. pump() while work runs does nothing; after `done`, it starts again.
 */
export class BackgroundWork {
  private port: MessageChannel | undefined;
  private working = false;
  private disposed = false;

  constructor(
    private readonly slice: () => boolean,
    private readonly done: () => void,
  ) {}

  pump(): void {
    if (this.working || this.disposed) return;
    this.working = true;
    if (!this.port) {
      this.port = new MessageChannel();
      this.port.port1.onmessage = () => this.run();
    }
    this.port.port2.postMessage(0);
  }

  dispose(): void {
    this.disposed = true;
    this.port?.port1.close();
    this.port = undefined;
  }

  private run(): void {
    if (this.disposed) return;
    if (this.slice()) this.port!.port2.postMessage(0);
    else {
      this.working = false;
      this.done();
    }
  }
}

/** Calls `step` until it returns false or SLICE_MS have passed; returns whether work is left. */
export function workFor(step: () => boolean): boolean {
  const t0 = performance.now();
  let more = true;
  while (more && performance.now() - t0 < SLICE_MS) more = step();
  return more;
}
