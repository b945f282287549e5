// Per-output bookkeeping: one TraceView per output id, released on re-render and in
// disposeOutputItem. A document that cannot be shown becomes a short error inside its own element.
import type { OutputItem, RendererContext } from 'vscode-notebook-renderer';
import type { RendererToHost } from '../core/protocol';
import { decodeTrace } from '../core/trace/decode';
import { TraceFormatError } from '../core/trace/errors';
import { ExportChannel } from './export';
import { contextStore, type StateStore } from './state';
import { ThemeWatcher } from './theme';
import { TileChannel } from './tile-channel';
import { TraceView } from './view';
import { showError } from './error-root';
import { CompareView } from './compare-view';
import { settingsFromMessage } from '../core/renderer-settings';
import { setRendererSettings } from './settings';
import { compareStore, type CompareStore } from './compare-state';
import { compareWithBar, outputMenuContext } from './compare-with-button';

export class OutputRegistry {
  private readonly views = new Map<string, TraceView>();
  /** The comparison view under a comparison trace's view (compare-view.ts). */
  private readonly compares = new Map<string, CompareView>();
  private readonly theme = new ThemeWatcher();
  private readonly store: StateStore;
  private readonly compareState: CompareStore;
  private readonly post: ((m: RendererToHost) => void) | undefined;
  private readonly exports: ExportChannel | undefined;
  private readonly tiles: TileChannel | undefined;
  /** What each live output was rendered from, to render it again when the settings change. */
  private readonly rendered = new Map<string, { item: OutputItem; element: HTMLElement; signal: AbortSignal }>();

  constructor(context: RendererContext<unknown>) {
    this.store = contextStore(context);
    this.compareState = compareStore(context);
    if (typeof context.postMessage === 'function') {
      const post = context.postMessage.bind(context);
      this.post = (m: RendererToHost) => post(m);
      this.exports = new ExportChannel((m: RendererToHost) => post(m));
      this.tiles = new TileChannel((m: RendererToHost) => post(m));
      context.onDidReceiveMessage?.((m) => this.exports?.receive(m) || this.tiles?.receive(m) || this.receiveSettings(m));
      // Asks the host for the settings (src/host/renderer-settings.ts answers).
      post({ type: 'ready' });
    }
  }

  /** A settings message: true when it was one; outputs render again when the settings changed. */
  private receiveSettings(m: unknown): boolean {
    const s = settingsFromMessage(m);
    if (!s) return false;
    if (setRendererSettings(s)) for (const { item, element, signal } of [...this.rendered.values()]) this.render(item, element, signal);
    return true;
  }

  render(item: OutputItem, element: HTMLElement, signal: AbortSignal): void {
    this.dispose(item.id);
    if (signal.aborted) return;
    let view: TraceView;
    let compare: CompareView | undefined;
    try {
      stamp('gatescope:render-start');
      const json = parse(item);
      stamp('gatescope:parsed');
      // A long run's level 0 stays base64 here (it has a coarse inline level to paint from first);
      // the view decodes it in background slices (data.ts).
      const trace = decodeTrace(json, { defer: true, keepStored: true });
      stamp('gatescope:decoded');
      view = new TraceView(trace, item.id, this.store.load(item.id), {
        exports: this.exports,
        tiles: this.tiles,
        saveState: (s) => this.store.save(item.id, s),
        subscribeTheme: (fn) => this.theme.subscribe(fn),
      });
      compare = CompareView.for(trace, { saved: this.compareState.load(item.id), saveState: (s) => this.compareState.save(item.id, s), tiles: this.tiles });
    } catch (e) {
      showError(element, e);
      return;
    }
    const bar = compareWithBar(item.id, this.post);
    element.replaceChildren(view.root, ...(compare ? [compare.root] : []), ...(bar ? [bar] : []));
    element.setAttribute('data-vscode-context', outputMenuContext(item.id));
    this.views.set(item.id, view);
    this.rendered.set(item.id, { item, element, signal });
    if (compare) this.compares.set(item.id, compare);
    signal.addEventListener('abort', () => this.dispose(item.id), { once: true });
    view.start();
    compare?.start();
  }

  dispose(id?: string): void {
    if (id === undefined) {
      for (const v of this.views.values()) v.dispose();
      for (const c of this.compares.values()) c.dispose();
      this.views.clear();
      this.compares.clear();
      this.rendered.clear();
      return;
    }
    this.views.get(id)?.dispose();
    this.views.delete(id);
    this.rendered.delete(id);
    this.compares.get(id)?.dispose();
    this.compares.delete(id);
  }
}

/** A timeline mark of the latest render's phases (one of each name kept). */
function stamp(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

function parse(item: OutputItem): unknown {
  try {
    return item.json();
  } catch (e) {
    throw new TraceFormatError('', `the output is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}
