import * as assert from 'node:assert/strict';
import { tickStep } from '../../../src/renderer/axes';
import { conventionText } from '../../../src/renderer/header';
import { zFlipOf } from '../../../src/core/view/z-flip';
import { cellSentence, type CellReport } from '../../../src/renderer/tooltip';

describe('axis ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    assert.equal(tickStep(10000, 10), 1000);
    assert.equal(tickStep(10000, 14), 1000);
    assert.equal(tickStep(300, 10), 50);
    assert.equal(tickStep(7, 10), 1);
    assert.equal(tickStep(1500, 10), 200);
  });
});

describe('convention text', () => {
  const base = { gateOrder: ['z', 'r', 'n'], activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } };
  it('says where the reset applies and what z means', () => {
    const pt = conventionText('gru', { ...base, linearBeforeReset: true, zMeaning: 'keep-old' }).join(' ');
    assert.match(pt, /gate order z, r, n/);
    assert.match(pt, /reset applied after the recurrent product/);
    assert.match(pt, /z keeps the old state/);
    const tb = conventionText('gru', { ...base, linearBeforeReset: false, zMeaning: 'take-new', clip: 3 }).join(' ');
    assert.match(tb, /reset applied before the recurrent product/);
    assert.match(tb, /z takes the new candidate \(textbook\)/);
    assert.match(tb, /clip 3/);
  });
  it('names activation parameters', () => {
    const t = conventionText('gru', { ...base, linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, g: { name: 'Tanh' } } }).join(' ');
    assert.match(t, /f = HardSigmoid\(0.2, 0.5\)/);
  });
  it('describes LSTM and RNN conventions, and nothing without one', () => {
    const lstm = conventionText('lstm', { gateOrder: ['i', 'f', 'g', 'o'], activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' }, h: { name: 'Tanh' } }, projSize: 2 }).join(' ');
    assert.match(lstm, /^LSTM · gate order i, f, g, o · f = Sigmoid, g = Tanh, h = Tanh · projection to 2 units$/);
    assert.deepEqual(conventionText('rnn', { activations: { f: { name: 'Relu' } } }), ['vanilla RNN · h = Relu(W·x + R·h₋₁ + b)']);
    assert.deepEqual(conventionText('gru', undefined), []);
  });
});

describe('cell sentence (screen readers)', () => {
  const cell: CellReport = {
    step: 3,
    originalStep: 12,
    token: '<b>',
    unit: 7,
    row: 0,
    masked: false,
    names: ['r', 'z', 'n', 'h'],
    values: { r: Math.fround(0.25), z: Math.fround(0.75), n: NaN, h: -Infinity },
    maxError: { r: 0, z: 0, n: 0, h: 0 },
    zFlip: zFlipOf('gru', 'keep-old', 'take-new'),
    zShownMeaning: 'takes the new candidate (textbook)',
    aggregation: undefined,
  };
  it('reads every value, names non-finite ones and the z flip', () => {
    assert.equal(cellSentence(cell), 'step 12 (token "<b>"), unit 7: r 0.25, z 0.75 (shown as 1 − z = 0.25), n NaN (not a number), h −Inf');
  });
  it('says masked instead of values', () => {
    assert.equal(cellSentence({ ...cell, masked: true }), "step 12 (token \"<b>\"), unit 7: masked (past this sequence's length)");
  });
});
