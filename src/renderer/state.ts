// What of a view survives a re-render (VS Code re-creates outputs when cells scroll away or the
// notebook reloads; src/core/view/view-state.ts): kept through the renderer context's
// setState/getState, keyed by output id.
import type { ViewState } from '../core/view/view-state';

export type { ViewState };

export interface StateStore {
  load(id: string): ViewState | undefined;
  save(id: string, s: ViewState): void;
  forget(id: string): void;
}

interface Saved {
  views?: Record<string, ViewState>;
}

/** Oldest entries are dropped past this many outputs, so the renderer state stays small. */
const MAX_VIEWS = 64;

export function contextStore(ctx: { getState(): unknown; setState(v: unknown): void } | undefined): StateStore {
  const read = (): Record<string, ViewState> => {
    try {
      const s = ctx?.getState() as Saved | undefined;
      return s && typeof s === 'object' && s.views && typeof s.views === 'object' ? { ...s.views } : {};
    } catch {
      return {};
    }
  };
  const write = (views: Record<string, ViewState>) => {
    try {
      // Other keys of the renderer state (the comparison views', compare-state.ts) are kept.
      const s = ctx?.getState();
      ctx?.setState({ ...(s && typeof s === 'object' ? s : {}), views });
    } catch {
      // A host without state keeps none.
    }
  };
  return {
    load: (id) => read()[id],
    save: (id, s) => {
      const views = read();
      delete views[id];
      views[id] = s;
      const keys = Object.keys(views);
      for (let i = 0; i < keys.length - MAX_VIEWS; i++) delete views[keys[i]!];
      write(views);
    },
    forget: (id) => {
      const views = read();
      if (id in views) {
        delete views[id];
        write(views);
      }
    },
  };
}
