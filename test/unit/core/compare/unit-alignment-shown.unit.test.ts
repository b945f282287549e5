import * as assert from 'node:assert/strict';
import { alignUnits, permuteUnits } from '../../../../src/core/compare/unit-alignment';
import { movedUnits, permutationText, shownAlignment } from '../../../../src/core/compare/unit-alignment-shown';

describe('unit alignment as the comparison view toggles it', () => {
  // Run b is run a with its 5 units shuffled (b unit k holds a's unit SHUFFLE[k]) plus a little noise.
  const [B, T, U] = [1, 40, 5];
  const SHUFFLE = [3, 0, 4, 1, 2];
  const a = Float32Array.from({ length: B * T * U }, (_, i) => Math.sin((Math.floor(i / U) + 1) * (0.3 + 0.37 * (i % U))));
  const b = Float32Array.from({ length: B * T * U }, (_, i) => a[i - (i % U) + SHUFFLE[i % U]!]! + 0.001 * Math.cos(i));
  const find = () => alignUnits(a, b, { batch: B, steps: T, units: U }).permutation;

  it('aligning b as run finds the permutation that puts each of a\'s units back, and undoing shows b as run', () => {
    const on = shownAlignment(undefined, true, find);
    const shown = permuteUnits(b, on.apply!, U);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(shown[i]! - a[i]!) < 0.002, `cell ${i}`);
    assert.deepEqual(on.shown, on.apply);
    assert.deepEqual(shownAlignment(undefined, false, () => assert.fail('not needed')), { apply: undefined, shown: undefined });
  });

  it('a trace stored aligned shows as stored, and undoing applies the inverse (b as it was run)', () => {
    const p = find();
    const stored = permuteUnits(b, p, U);
    assert.deepEqual(shownAlignment(p, true, () => assert.fail('not needed')), { apply: undefined, shown: p });
    const off = shownAlignment(p, false, () => assert.fail('not needed'));
    assert.equal(off.shown, undefined);
    assert.deepEqual([...permuteUnits(stored, off.apply!, U)], [...b]);
  });

  it('states the permutation as "B unit → A unit" moves, only those that move', () => {
    assert.deepEqual(movedUnits([0, 2, 1]), [
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    assert.equal(permutationText([0, 2, 1]), 'B unit 2 → A unit 1, B unit 1 → A unit 2 (2 of 3 units moved)');
    assert.equal(permutationText([0, 1, 2]), 'every B unit stays at its index (3 units)');
    assert.equal(permutationText([1, 2, 3, 0], 2), 'B unit 1 → A unit 0, B unit 2 → A unit 1, … (4 of 4 units moved)');
  });
});
