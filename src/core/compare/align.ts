// Whether two runs line up for a comparison: the same batch, steps and sequence lengths, and the
// same layer entries (layer, direction) with the same cell kind, hidden size and gates of the same
// units. The first mismatch is one CompareError that names it and says what to do.

import type { CellKind } from '../cells/gate-sets';
import type { Direction } from '../trace/document';
import { CompareError } from './errors';

/** The shape of one layer entry of a run (DecodedLayer fits). */
export interface LayerShape {
  layer: number;
  direction: Direction;
  cell: CellKind;
  hiddenSize: number;
  /** Absent or "a": a plain run; "b": the second run of a comparison document (skipped here). */
  run?: 'a' | 'b';
  gates: readonly { name: string; units: number }[];
}

/** The shape of a run (DecodedTrace fits). */
export interface RunShape {
  batch: number;
  steps: number;
  sequenceLengths?: readonly number[];
  layers: readonly LayerShape[];
}

/** Two layer entries that line up: their indices in a.layers and b.layers, and their gates in a's order. */
export interface LayerPair {
  layer: number;
  direction: Direction;
  a: number;
  b: number;
  gates: { name: string; units: number }[];
}

const HINT = 'compare two runs of the same network shape (same cell kind, units and steps)';

function entries(run: RunShape): number[] {
  const out: number[] = [];
  run.layers.forEach((l, i) => {
    if (l.run !== 'b') out.push(i);
  });
  return out;
}

function lengthsText(l: readonly number[] | undefined, steps: number): string {
  return l ? `[${l.join(', ')}]` : `all ${steps}`;
}

/**
 * Pairs the layer entries of runs a and b, in a's order. `names` label the runs in messages
 * (file names in the CLI). Throws CompareError on the first mismatch.
 */
export function alignRuns(a: RunShape, b: RunShape, names: { a: string; b: string } = { a: 'A', b: 'B' }): LayerPair[] {
  const fail = (what: string): never => {
    throw new CompareError(`${names.a} and ${names.b} do not line up: ${what}; ${HINT}`);
  };
  const items = (n: number) => `${n} batch item${n === 1 ? '' : 's'}`;
  if (a.batch !== b.batch) fail(`${names.a} has ${items(a.batch)}, ${names.b} has ${b.batch}`);
  if (a.steps !== b.steps) fail(`${names.a} has ${a.steps} steps, ${names.b} has ${b.steps}`);
  const la = a.sequenceLengths;
  const lb = b.sequenceLengths;
  const sameLengths = (la ?? []).length === (lb ?? []).length ? (la ?? []).every((n, i) => n === lb![i]) : false;
  const allValid = (l: readonly number[] | undefined, steps: number) => !l || l.every((n) => n === steps);
  if (!sameLengths && !(allValid(la, a.steps) && allValid(lb, b.steps))) {
    fail(`valid steps per batch item differ (${names.a}: ${lengthsText(la, a.steps)}, ${names.b}: ${lengthsText(lb, b.steps)})`);
  }
  const ea = entries(a);
  const eb = entries(b);
  const key = (l: LayerShape) => `${l.layer}/${l.direction}`;
  const byKey = new Map(eb.map((i) => [key(b.layers[i]!), i]));
  const pairs: LayerPair[] = [];
  for (const ia of ea) {
    const x = a.layers[ia]!;
    const where = `layer ${x.layer} ${x.direction}`;
    const ib = byKey.get(key(x));
    if (ib === undefined) fail(`${where} is in ${names.a} but not in ${names.b}`);
    byKey.delete(key(x));
    const y = b.layers[ib!]!;
    if (x.cell !== y.cell) fail(`${where} is ${x.cell.toUpperCase()} in ${names.a} and ${y.cell.toUpperCase()} in ${names.b}`);
    if (x.hiddenSize !== y.hiddenSize) fail(`${where} has ${x.hiddenSize} units in ${names.a} and ${y.hiddenSize} in ${names.b}`);
    const gates: LayerPair['gates'] = [];
    for (const g of x.gates) {
      const h = y.gates.find((k) => k.name === g.name);
      if (!h) fail(`${where} gate ${g.name} is in ${names.a} but not in ${names.b}`);
      if (h!.units !== g.units) fail(`${where} gate ${g.name} has ${g.units} units in ${names.a} and ${h!.units} in ${names.b}`);
      gates.push({ name: g.name, units: g.units });
    }
    for (const h of y.gates) if (!x.gates.some((g) => g.name === h.name)) fail(`${where} gate ${h.name} is in ${names.b} but not in ${names.a}`);
    pairs.push({ layer: x.layer, direction: x.direction, a: ia, b: ib!, gates });
  }
  const extra = [...byKey.keys()][0];
  if (extra !== undefined) {
    const y = b.layers[byKey.get(extra)!]!;
    fail(`layer ${y.layer} ${y.direction} is in ${names.b} but not in ${names.a}`);
  }
  return pairs;
}
