// What the parts of one trace view share. TraceView (view.ts) owns it and replaces its values when
// the layer, batch item, order or theme changes; the parts (heatmaps, axes, overlay, input, detail
// plots, accessible text, export) read it at the time they draw and ask for redraws through it.
import type { DecodedTrace } from '../core/trace/decoded';
import type { Range } from '../core/view/range';
import type { ViewState } from '../core/view/view-state';
import type { ViewDims } from '../core/view/viewport';
import type { ZFlip } from '../core/view/z-flip';
import type { LayerData } from './data';
import type { GatePanel } from './gate-panel';
import type { Dirty } from './scheduler';
import type { SidecarTiles } from './sidecar-tiles';
import type { ChromeColours } from './theme';

export interface ViewContext {
  readonly trace: DecodedTrace;
  readonly root: HTMLElement;
  /** The focusable element holding the gate rows (and the crosshair and cursor box). */
  readonly stack: HTMLElement;
  /** One panel per gate name of any layer entry (a layer shows the panels of its own gates). */
  readonly panels: Readonly<Record<string, GatePanel>>;
  /** Every gate name of the trace, in first-seen order. */
  readonly allNames: readonly string[];
  /** The numbers of the shown layer entry and batch item. */
  readonly data: LayerData;
  /** Display row -> unit of the layer. */
  readonly order: Int32Array;
  readonly state: ViewState;
  /** Fine levels of a sidecar trace, fetched per tile (undefined: inline trace, or no host). */
  readonly fine: SidecarTiles | undefined;
  readonly chrome: ChromeColours;
  /** How z of the shown layer is read (src/core/view/z-flip.ts). */
  readonly zFlip: ZFlip;
  /** All steps, and the shown layer's units. */
  readonly dims: ViewDims;
  /** Visible steps and display rows. */
  readonly steps: Range;
  readonly units: Range;
  /** CSS pixel size of each heatmap. */
  readonly plotWidth: number;
  readonly gateHeight: number;
  invalidate(parts: Partial<Dirty>): void;
  /** Starts the background work (pyramid levels, statistics) when it is not running. */
  pump(): void;
  /** Saves the view state for the next render of this output. */
  persist(): void;
  /** The step number a shown step had in the run (format-1 traces may be downsampled). */
  originalStep(s: number): number;
}
