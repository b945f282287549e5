// The status a rendered output states on its elements as data-* attributes: the one contract between
// the renderer (src/renderer), which writes it, and what reads it from outside: `gatescope render`
// (src/cli/render.ts) waits on it, the end-to-end tests and benchmarks query it. Readers go through
// the selectors and attribute names here, never through string literals of their own.
//
// The DOM holds strings: numbers are written with String(n) (integers) or toFixed(1) (ms, MB).

/** On the root element of one output (`[data-gatescope]`). */
export interface TraceStatus {
  /** What the root holds: a trace view, the short error of a document that cannot be shown, or (below a comparison trace's view) its comparison view. */
  gatescope: 'trace' | 'error' | 'compare';
  /** The notebook output id the view belongs to. */
  outputId: string;
  /**
   * 'preparing' while the pyramid level the view needs is being built; 'preview' while a zoom or pan
   * is shown as the last exact pictures rescaled (exact drawing takes longer than a frame: the gates
   * are redrawn exactly one per frame after it); 'ready' once every gate is drawn exactly. A preview
   * writes the new ranges; draws, detail, bucket and lod describe the last exact drawing.
   */
  state: 'preparing' | 'preview' | 'ready';
  /** Set once every pyramid level and per-unit statistic of the shown layer is built. */
  stats: 'ready';
  /** Completed heatmap draws (a test waits for it to grow). */
  draws: string;
  /** Visible steps [stepsStart, stepsEnd) and display rows [unitsStart, unitsEnd), integers. */
  stepsStart: string;
  stepsEnd: string;
  unitsStart: string;
  unitsEnd: string;
  /** Shown layer entry and batch item. */
  layer: string;
  batch: string;
  /** Where the columns came from: every step, a sidecar's tiles for some columns, or the overview's bucket means. */
  detail: 'full' | 'partial' | 'overview';
  /** Steps per shown value (1: full detail). */
  bucket: string;
  /**
   * 'pending' while the shown layer's level 0 is decoded in the background (a long run's coarse
   * inline level is drawn meanwhile; hover values are exact already), 'done' once the heatmaps are
   * drawn from all the inline data. Readers that compare pixels or values wait for 'done'.
   */
  decode: 'pending' | 'done';
  /** Sidecar tiles (sidecar traces only): loaded, in flight, MB cached, mean round trip and host ms, last error. */
  tilesLoaded: string;
  tilesPending: string;
  tilesMb: string;
  tileRttMs: string;
  tileHostMs: string;
  tilesError: string;
  /** The level-of-detail sentence shown under the heatmaps. */
  lod: string;
  /** Unit order in effect, `kind:gate` (`timescale:none` for a layer without a forget gate). */
  order: string;
  /** The meaning z is shown with. */
  zShown: 'keep-old' | 'take-new';
  /** The VS Code theme kind the canvases were coloured for. */
  themeKind: string;
  /** Cell selected for the detail plots. */
  selectedStep: string;
  selectedUnit: string;
}

/** On the hover tooltip (`.gs-tooltip` inside a trace root): the cell it describes. */
export interface TooltipStatus {
  step: string;
  unit: string;
  /** 'false' while the values are bucket means (a sidecar tile not yet here). */
  exact: 'true' | 'false';
}

/** An element's dataset seen through a contract: the fields it may hold, each optional. */
export type StatusData<T> = { [K in keyof T]?: T[K] };

type DatasetLike = { [key: string]: string | undefined };

/** The typed view of a trace root's dataset (the renderer writes through it). */
export function traceStatus(dataset: DatasetLike): StatusData<TraceStatus> {
  return dataset as StatusData<TraceStatus>;
}

/** The typed view of the tooltip's dataset. */
export function tooltipStatus(dataset: DatasetLike): StatusData<TooltipStatus> {
  return dataset as StatusData<TooltipStatus>;
}

/** A dataset key's attribute name: stepsStart -> data-steps-start (the HTML dataset mapping). */
export function attributeOf(key: string): string {
  return `data-${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
}

function attributes<T>(keys: Record<keyof T, true>): { readonly [K in keyof T]: string } {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, attributeOf(k)])) as { [K in keyof T]: string };
}

// Listing the keys as a Record makes the compiler check that every field has its attribute.
/** Attribute name of each TraceStatus field, for getAttribute, selectors and attribute filters. */
export const TRACE_ATTR = attributes<TraceStatus>({
  gatescope: true, outputId: true, state: true, stats: true, draws: true, stepsStart: true, stepsEnd: true, unitsStart: true, unitsEnd: true,
  layer: true, batch: true, detail: true, bucket: true, decode: true, tilesLoaded: true, tilesPending: true, tilesMb: true, tileRttMs: true, tileHostMs: true,
  tilesError: true, lod: true, order: true, zShown: true, themeKind: true, selectedStep: true, selectedUnit: true,
});

/** Attribute name of each TooltipStatus field. */
export const TOOLTIP_ATTR = attributes<TooltipStatus>({ step: true, unit: true, exact: true });

/** Any output root, a trace view's root, an error's root. */
export const ANY_ROOT = `[${TRACE_ATTR.gatescope}]`;
export const TRACE_ROOT = `[${TRACE_ATTR.gatescope}="trace"]`;
export const ERROR_ROOT = `[${TRACE_ATTR.gatescope}="error"]`;
/** The hover tooltip of a trace view. */
export const TOOLTIP = `${TRACE_ROOT} .gs-tooltip`;
