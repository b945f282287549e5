// Unit alignment as the comparison view offers it: a toggle per compared layer entry. Run b's
// values in a comparison trace are either as run (no stored alignment) or already reordered
// (compare.unitAlignment, written by `gatescope diff --align-units` or `compare(..., align_units=True)`),
// so turning alignment on or off means applying a permutation to what is stored: the one found by
// correlation of h (unit-alignment.ts), or the inverse of the stored one. Pure.

import { invertPermutation } from './unit-alignment';

export interface ShownAlignment {
  /** Permutation to apply to b's stored values (permuteUnits), or undefined to show them as stored. */
  apply: number[] | undefined;
  /** What the panes then show, relative to b as it was run: b unit permutation[u] at a's unit u; undefined for b as run. */
  shown: number[] | undefined;
}

/**
 * What to apply to b's stored values so that the panes show b aligned (`aligned`) or as run.
 * `stored`: the trace's permutation for this entry; `find`: the alignment of b's stored values to
 * a's (called only when it is needed: no stored permutation and alignment wanted).
 */
export function shownAlignment(stored: readonly number[] | undefined, aligned: boolean, find: () => number[]): ShownAlignment {
  if (stored) return aligned ? { apply: undefined, shown: [...stored] } : { apply: invertPermutation(stored), shown: undefined };
  if (!aligned) return { apply: undefined, shown: undefined };
  const p = find();
  return { apply: p, shown: p };
}

/** The units a permutation moves, as "B unit p[u] → A unit u" pairs in a's unit order. */
export function movedUnits(permutation: readonly number[]): { a: number; b: number }[] {
  const out: { a: number; b: number }[] = [];
  permutation.forEach((b, a) => {
    if (b !== a) out.push({ a, b });
  });
  return out;
}

/**
 * A permutation as compact text: "B unit 7 → A unit 3, B unit 3 → A unit 7 (2 of 8 units moved)",
 * the first `limit` moves then "…"; "every B unit stays at its index" for the identity.
 */
export function permutationText(permutation: readonly number[], limit = 12): string {
  const moved = movedUnits(permutation);
  if (moved.length === 0) return `every B unit stays at its index (${permutation.length} units)`;
  const parts = moved.slice(0, limit).map((m) => `B unit ${m.b} → A unit ${m.a}`);
  return `${parts.join(', ')}${moved.length > limit ? ', …' : ''} (${moved.length} of ${permutation.length} units moved)`;
}
