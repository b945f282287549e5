// Which display row shows which unit: by index, by a per-unit statistic of a gate, by memory
// timescale, or by similarity of the units' time courses (src/core/view/order.ts). Orders that need
// statistics or the overview wait for the background work; the caller shows the waiting message.
import { timescaleOf } from '../core/view/memory';
import { identityOrder, orderByKey, similarityOrder, UNIT_ORDER_LABELS, type UnitOrderKind } from '../core/view/order';
import { bucketsAt, topLevel } from '../core/view/pyramid';
import { NO_FLIP, shownName, shownValue, zFlipOf, type ZFlip } from '../core/view/z-flip';
import type { LayerData } from './data';

/** Similarity order is computed on a coarsened copy of this many time buckets at most. */
const SIMILARITY_BUCKETS = 64;

/** The gate whose mean plays the forget role, read as "keeps the old state", and the name of what is read. */
export interface ForgetGate {
  name: string;
  /** LSTM f as stored; GRU z read with the keep-old meaning (1 − z when stored as take-new). */
  flip: ZFlip;
  /** "f", "z" or "1 − z". */
  label: string;
}

/** The forget gate of a layer of kind `cell`, if it has one (a vanilla RNN has none). */
export function forgetGate(cell: string, z: ZFlip): ForgetGate | undefined {
  if (cell === 'lstm') return { name: 'f', flip: NO_FLIP, label: 'f' };
  if (cell !== 'gru') return undefined;
  const flip = zFlipOf('gru', z.stored, 'keep-old');
  return { name: 'z', flip, label: shownName(flip, 'z') };
}

/** τ = −1 / ln(mean forget) per unit (src/core/view/memory.ts), or undefined before statistics. */
export function timescales(data: LayerData, fg: ForgetGate): Float64Array | undefined {
  const s = data.gates[fg.name]?.stats;
  if (!s) return undefined;
  return Float64Array.from(s.mean, (m) => timescaleOf(shownValue(fg.flip, fg.name, m)));
}

export type OrderOutcome =
  /** The order, its `kind:gate` status tag, and a note for the status line (empty: none). */
  | { order: Int32Array; tag: string; note: string }
  /** Not computable yet: what the status line says until the background work has what it needs. */
  | { waiting: string };

/** The unit order `kind` computed on gate `orderGate` of `data` (a layer of kind `cell`). */
export function unitOrder(kind: UnitOrderKind, orderGate: string, data: LayerData, cell: string, z: ZFlip): OrderOutcome {
  // A layer without the chosen gate (a mixed model), or whose gate has units of its own (a projected
  // LSTM's h), orders by its first gate with the layer's units.
  const g = data.unitNames.includes(orderGate) ? orderGate : data.unitNames.includes('h') ? 'h' : data.unitNames[data.unitNames.length - 1]!;
  const d = data.gates[g]!;
  if (kind === 'index') return { order: identityOrder(data.units), tag: `${kind}:${g}`, note: '' };
  if (kind === 'timescale') {
    const fg = forgetGate(cell, z);
    if (!fg) return { order: identityOrder(data.units), tag: `${kind}:none`, note: 'A vanilla RNN layer has no forget gate, so no memory timescale: units in index order.' };
    const tau = timescales(data, fg);
    if (!tau) return { waiting: `Ordering units by ${UNIT_ORDER_LABELS[kind]} once statistics are ready…` };
    return { order: orderByKey(tau), tag: `${kind}:${fg.name}`, note: '' };
  }
  if (kind === 'similarity') {
    const k = Math.min(similarityLevel(data.valid), topLevel(data.valid));
    if (!d.pyramid.levels[k]) return { waiting: 'Ordering units by similarity once the overview is ready…' };
    return { order: similarityOrder(d.pyramid.levels[k]!, bucketsAt(data.valid, k), data.units), tag: `${kind}:${g}`, note: '' };
  }
  const s = d.stats;
  if (!s) return { waiting: `Ordering units by ${UNIT_ORDER_LABELS[kind]} once statistics are ready…` };
  const key = kind === 'mean' ? s.mean : kind === 'variance' ? s.variance : s.low.map((v, i) => v + s.high[i]!);
  return { order: orderByKey(key), tag: `${kind}:${g}`, note: '' };
}

function similarityLevel(steps: number): number {
  let k = 0;
  while (bucketsAt(steps, k) > SIMILARITY_BUCKETS) k++;
  return k;
}
