// What of a view survives a re-render (VS Code re-creates outputs when cells scroll away or the
// notebook reloads), and the check that a saved state still fits the trace it is shown with.
import type { DecodedTrace } from '../trace/decoded';
import type { ZMeaning } from '../trace/document';
import { UNIT_ORDER_LABELS, type UnitOrderKind } from './order';
import { clampRange, type Range } from './range';

export interface ViewState {
  /** Index into the trace's layer entries. */
  layer: number;
  batch: number;
  /** Visible steps; undefined: all. */
  steps?: Range;
  /** Visible display rows (units in display order); undefined: all. */
  units?: Range;
  order: UnitOrderKind;
  /** Name of the gate the unit order is computed on. */
  orderGate: string;
  /** The meaning z is shown with; undefined: as stored. */
  zShown?: ZMeaning;
  /** Keyboard cursor: a step and a display row. */
  cursor?: { step: number; row: number };
  /** Cell whose unit and step the detail plots show: a step and a unit (not a row). */
  selected?: { step: number; unit: number };
}

/** Keeps a saved state only where it still fits the trace (a re-run may change its shape). */
export function sanitizeState(s: ViewState | undefined, t: DecodedTrace): ViewState {
  const layer = s && Number.isInteger(s.layer) && s.layer >= 0 && s.layer < t.layers.length ? s.layer : 0;
  const batch = s && Number.isInteger(s.batch) && s.batch >= 0 && s.batch < t.batch ? s.batch : 0;
  const units = t.layers[layer]!.hiddenSize;
  const okRange = (r: Range | undefined, total: number) =>
    r && typeof r.start === 'number' && typeof r.end === 'number' && r.end <= total && r.start >= 0 && r.end > r.start ? clampRange(r, total) : undefined;
  const orders = Object.keys(UNIT_ORDER_LABELS);
  const state: ViewState = {
    layer,
    batch,
    steps: okRange(s?.steps, t.steps),
    units: okRange(s?.units, units),
    order: s && orders.includes(s.order) ? s.order : 'index',
    orderGate: s && t.layers[layer]!.gates.some((g) => g.name === s.orderGate) ? s.orderGate : 'h',
    zShown: s?.zShown === 'keep-old' || s?.zShown === 'take-new' ? s.zShown : undefined,
  };
  if (s?.selected && s.selected.step < t.steps && s.selected.unit < units && s.selected.step >= 0 && s.selected.unit >= 0) state.selected = { ...s.selected };
  if (s?.cursor && s.cursor.step < t.steps && s.cursor.row < units && s.cursor.step >= 0 && s.cursor.row >= 0) state.cursor = { ...s.cursor };
  return state;
}
