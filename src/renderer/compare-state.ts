// What of a comparison view survives a re-render (as state.ts for the main view): the gate and batch
// item shown, the shared zoom, and which layer entries show run b aligned to run a. Kept under its own
// key `compares` of the renderer context's state, keyed by output id; the main view's `views` is kept.
import type { PaneViewport } from '../core/compare/pane-viewport';

export interface CompareState {
  choice: number;
  batch: number;
  viewport?: PaneViewport;
  /** Layer entry key ("layer/direction") → b shown aligned (true) or as run (false); absent: as the trace stores it. */
  aligned: Record<string, boolean>;
}

export interface CompareStore {
  load(id: string): CompareState | undefined;
  save(id: string, s: CompareState): void;
}

/** Oldest entries are dropped past this many outputs. */
const MAX_COMPARES = 32;

type Ctx = { getState(): unknown; setState(v: unknown): void } | undefined;

export function compareStore(ctx: Ctx): CompareStore {
  const whole = (): Record<string, unknown> => {
    try {
      const s = ctx?.getState();
      return s && typeof s === 'object' ? { ...(s as Record<string, unknown>) } : {};
    } catch {
      return {};
    }
  };
  const compares = (s: Record<string, unknown>): Record<string, CompareState> => {
    const c = s['compares'];
    return c && typeof c === 'object' ? { ...(c as Record<string, CompareState>) } : {};
  };
  return {
    load: (id) => {
      const s = compares(whole())[id];
      if (!s || typeof s !== 'object') return undefined;
      return { choice: Number(s.choice) || 0, batch: Number(s.batch) || 0, viewport: s.viewport, aligned: s.aligned && typeof s.aligned === 'object' ? { ...s.aligned } : {} };
    },
    save: (id, state) => {
      const s = whole();
      const c = compares(s);
      delete c[id];
      c[id] = state;
      const keys = Object.keys(c);
      for (let i = 0; i < keys.length - MAX_COMPARES; i++) delete c[keys[i]!];
      try {
        ctx?.setState({ ...s, compares: c });
      } catch {
        // A host without state keeps none.
      }
    },
  };
}
