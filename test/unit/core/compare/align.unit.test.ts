import * as assert from 'node:assert/strict';
import { alignRuns, type LayerShape, type RunShape } from '../../../../src/core/compare/align';
import { CompareError } from '../../../../src/core/compare/errors';
import { gateSet } from '../../../../src/core/cells/gate-sets';

const gru = (layer: number, direction: 'forward' | 'reverse', H = 4, extra: Partial<LayerShape> = {}): LayerShape => ({
  layer,
  direction,
  cell: 'gru',
  hiddenSize: H,
  gates: gateSet('gru').map((g) => ({ name: g.name, units: H })),
  ...extra,
});
const run = (layers: LayerShape[], extra: Partial<RunShape> = {}): RunShape => ({ batch: 1, steps: 10, layers, ...extra });

/** The message alignRuns throws, asserting it is a CompareError. */
function message(a: RunShape, b: RunShape): string {
  try {
    alignRuns(a, b, { a: 'a.json', b: 'b.json' });
  } catch (e) {
    assert.ok(e instanceof CompareError);
    return e.message;
  }
  assert.fail('expected a CompareError');
}

describe('alignRuns: do two runs line up?', () => {
  it('pairs layer entries by (layer, direction) whatever their order, gates in a\'s order', () => {
    const a = run([gru(0, 'forward'), gru(0, 'reverse'), gru(1, 'forward', 3)]);
    const b = run([gru(1, 'forward', 3), gru(0, 'reverse'), gru(0, 'forward')]);
    const pairs = alignRuns(a, b);
    assert.deepEqual(
      pairs.map((p) => [p.layer, p.direction, p.a, p.b]),
      [
        [0, 'forward', 0, 2],
        [0, 'reverse', 1, 1],
        [1, 'forward', 2, 0],
      ],
    );
    assert.deepEqual(pairs[2]!.gates.map((g) => `${g.name}${g.units}`), ['r3', 'z3', 'n3', 'h3']);
  });

  it('ignores run-b entries of a comparison document', () => {
    const a = run([gru(0, 'forward'), gru(0, 'forward', 4, { run: 'b' })]);
    assert.equal(alignRuns(a, run([gru(0, 'forward')])).length, 1);
  });

  it('says which dimension differs, in one line that names both runs and what to do', () => {
    const hint = '; compare two runs of the same network shape (same cell kind, units and steps)';
    assert.equal(message(run([gru(0, 'forward')]), run([gru(0, 'forward')], { steps: 12 })), `a.json and b.json do not line up: a.json has 10 steps, b.json has 12${hint}`);
    assert.equal(message(run([gru(0, 'forward')], { batch: 2 }), run([gru(0, 'forward')])), `a.json and b.json do not line up: a.json has 2 batch items, b.json has 1${hint}`);
    assert.equal(message(run([gru(0, 'forward')]), run([gru(0, 'forward', 8)])), `a.json and b.json do not line up: layer 0 forward has 4 units in a.json and 8 in b.json${hint}`);
    assert.equal(
      message(run([gru(0, 'forward')]), run([{ ...gru(0, 'forward'), cell: 'lstm', gates: gateSet('lstm').map((g) => ({ name: g.name, units: 4 })) }])),
      `a.json and b.json do not line up: layer 0 forward is GRU in a.json and LSTM in b.json${hint}`,
    );
    assert.equal(message(run([gru(0, 'forward'), gru(0, 'reverse')]), run([gru(0, 'forward')])), `a.json and b.json do not line up: layer 0 reverse is in a.json but not in b.json${hint}`);
    assert.equal(message(run([gru(0, 'forward')]), run([gru(0, 'forward'), gru(1, 'forward')])), `a.json and b.json do not line up: layer 1 forward is in b.json but not in a.json${hint}`);
    assert.equal(
      message(run([gru(0, 'forward')], { batch: 2, sequenceLengths: [10, 7] }), run([gru(0, 'forward')], { batch: 2 })),
      `a.json and b.json do not line up: valid steps per batch item differ (a.json: [10, 7], b.json: all 10)${hint}`,
    );
  });

  it('accepts sequence lengths that mark every step valid as equal to none', () => {
    assert.equal(alignRuns(run([gru(0, 'forward')], { sequenceLengths: [10] }), run([gru(0, 'forward')])).length, 1);
  });
});
