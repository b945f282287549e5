// The controls above the heatmaps: layer entry and batch item (when there is a choice), the unit order
// and the gate it is computed on, what the z heatmap shows (GRU layers), reset zoom, and export.
import type { ExportFormat } from '../core/protocol';
import type { DecodedTrace } from '../core/trace/decoded';
import type { ZMeaning } from '../core/trace/document';
import { UNIT_ORDER_LABELS, type UnitOrderKind } from '../core/view/order';
import type { ViewState } from '../core/view/view-state';
import { Z_MEANING_TEXT } from '../core/view/z-flip';
import { button, el, labelled, select } from './dom';

/** What the controls ask the view to do. */
export interface ToolbarActions {
  setLayer(layer: number, batch: number): void;
  setOrder(kind: UnitOrderKind, gate: string): void;
  setZShown(z: ZMeaning): void;
  resetZoom(): void;
  /** Absent where no host takes exports (no buttons then). */
  export?: (format: ExportFormat) => void;
}

/** The toolbar of a view of `trace` whose state is `state`; `allNames`: every gate name of the trace; `zShown`: the z meaning shown now. */
export function buildToolbar(trace: DecodedTrace, state: ViewState, allNames: readonly string[], zShown: ZMeaning, act: ToolbarActions): HTMLElement {
  const toolbar = el('div', 'gs-toolbar', undefined, { role: 'toolbar', 'aria-label': 'Gatescope view controls' });
  if (trace.layers.length > 1) {
    const layerSel = select(
      'layer and direction',
      trace.layers.map((l, i) => [String(i), `${runLabel(trace, l.run)}layer ${l.layer} ${l.direction}${l.name ? ` · ${l.name}` : ''}`] as const),
      String(state.layer),
    );
    layerSel.addEventListener('change', () => act.setLayer(Number(layerSel.value), state.batch));
    toolbar.append(labelled('Layer', layerSel));
  }
  if (trace.batch > 1) {
    const batchSel = select(
      'batch item',
      Array.from({ length: trace.batch }, (_, b) => [String(b), `item ${b}${trace.sequenceLengths ? ` (${trace.sequenceLengths[b]} steps)` : ''}`] as const),
      String(state.batch),
    );
    batchSel.addEventListener('change', () => act.setLayer(state.layer, Number(batchSel.value)));
    toolbar.append(labelled('Batch', batchSel));
  }
  const orderSelect = select('unit order', Object.entries(UNIT_ORDER_LABELS) as [string, string][], state.order);
  const orderGateSelect = select('gate the unit order is computed on', allNames.map((g) => [g, g] as const), state.orderGate);
  const onOrder = () => act.setOrder(orderSelect.value as UnitOrderKind, orderGateSelect.value);
  orderSelect.addEventListener('change', onOrder);
  orderGateSelect.addEventListener('change', onOrder);
  toolbar.append(labelled('Units by', orderSelect), labelled('of', orderGateSelect));

  const zSel = select(
    'what the z heatmap shows',
    [
      ['keep-old', `z ${Z_MEANING_TEXT['keep-old']}`],
      ['take-new', `z ${Z_MEANING_TEXT['take-new']}`],
    ],
    zShown,
  );
  zSel.addEventListener('change', () => act.setZShown(zSel.value as ZMeaning));
  // The z view only means something for GRU layers.
  if (trace.layers.some((l) => l.cell === 'gru')) toolbar.append(labelled('Show', zSel));

  const reset = button('Reset zoom', 'Show all steps and units (key 0)');
  reset.addEventListener('click', () => act.resetZoom());
  toolbar.append(reset);
  const exporter = act.export;
  if (exporter) {
    for (const f of ['png', 'svg', 'csv'] as const) {
      const b = button(f.toUpperCase(), f === 'csv' ? 'Save the visible cells as CSV' : `Save the view as ${f.toUpperCase()}`);
      b.dataset['export'] = f;
      b.addEventListener('click', () => exporter(f));
      toolbar.append(b);
    }
  }
  return toolbar;
}

/** "A (label) · " / "B (label) · " before a layer entry of a comparison, nothing for a plain trace. */
function runLabel(t: DecodedTrace, run: 'a' | 'b' | undefined): string {
  if (!t.compare) return '';
  const r = run ?? 'a';
  return `${r.toUpperCase()} (${t.compare[r].label}) · `;
}
