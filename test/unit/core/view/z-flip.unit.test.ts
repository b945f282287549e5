import * as assert from 'node:assert/strict';
import { flips, NO_FLIP, shownName, shownShares, shownValue, zFlipOf } from '../../../../src/core/view/z-flip';

describe('z read backwards (the one z-flip transform)', () => {
  it('flips a GRU z only when the shown meaning differs from the stored one', () => {
    assert.equal(zFlipOf('gru', 'keep-old', 'take-new').on, true);
    assert.equal(zFlipOf('gru', 'take-new', 'keep-old').on, true);
    assert.equal(zFlipOf('gru', 'take-new', 'take-new').on, false);
    assert.equal(zFlipOf('gru', 'take-new').on, false, 'shown defaults to stored');
  });
  it('takes keep-old for a GRU whose convention says nothing', () => {
    assert.deepEqual(zFlipOf('gru', undefined), { stored: 'keep-old', shown: 'keep-old', on: false });
    assert.equal(zFlipOf('gru', undefined, 'take-new').on, true);
  });
  it('never flips LSTM or RNN gates, whatever is asked', () => {
    assert.equal(zFlipOf('lstm', 'take-new', 'keep-old'), NO_FLIP);
    assert.equal(zFlipOf('rnn', undefined, 'take-new'), NO_FLIP);
  });
  it('reads z as 1 − z and leaves every other gate alone', () => {
    const f = zFlipOf('gru', 'keep-old', 'take-new');
    assert.equal(flips(f, 'z'), true);
    assert.equal(flips(f, 'r'), false);
    assert.equal(shownValue(f, 'z', 0.25), 0.75);
    assert.equal(shownValue(f, 'r', 0.25), 0.25);
    assert.equal(shownValue(NO_FLIP, 'z', 0.25), 0.25);
  });
  it('keeps non-finite values non-finite', () => {
    const f = zFlipOf('gru', 'keep-old', 'take-new');
    assert.ok(Number.isNaN(shownValue(f, 'z', NaN)));
    assert.equal(shownValue(f, 'z', Infinity), -Infinity);
  });
  it('swaps the shares below 0.1 and above 0.9 of a flipped z', () => {
    const f = zFlipOf('gru', 'keep-old', 'take-new');
    assert.deepEqual(shownShares(f, 'z', 0.2, 0.7), [0.7, 0.2]);
    assert.deepEqual(shownShares(f, 'n', 0.2, 0.7), [0.2, 0.7]);
  });
  it('names the shown quantity', () => {
    assert.equal(shownName(zFlipOf('gru', 'take-new', 'keep-old'), 'z'), '1 − z');
    assert.equal(shownName(NO_FLIP, 'z'), 'z');
  });
});
