import * as assert from 'node:assert/strict';
import { labelsFor, tokenize, TokenizeError } from '../../../../src/core/spec/tokenize';
import { mulberry32, randomIds, randomNormal, resolveShape } from '../../../../src/core/spec/random-input';

describe('tokenize', () => {
  const vocab = ['(', ')', '"', 'a', 'b', 'c', ' '];

  it('maps each character to its vocabulary index', () => {
    assert.deepEqual(tokenize('a(b")', vocab), { ids: [3, 0, 4, 2, 1], labels: ['a', '(', 'b', '"', ')'] });
  });

  it('prefers the longest vocabulary entry', () => {
    assert.deepEqual(tokenize('abab', ['a', 'b', 'ab']).ids, [2, 2]);
    assert.deepEqual(tokenize('aab', ['a', 'b', 'ab']).ids, [0, 2]);
  });

  it('names the first unknown character and its position', () => {
    assert.throws(() => tokenize('ab(x', vocab), (e: unknown) => e instanceof TokenizeError && /"x" at position 3 is not in the model's vocabulary/.test(e.message));
  });

  it('labels ids, marking ids outside the vocabulary', () => {
    assert.deepEqual(labelsFor([0, 6, 9], vocab), ['(', ' ', '#9']);
    assert.deepEqual(labelsFor(new BigInt64Array([1n, 2n]), vocab), [')', '"']);
  });
});

describe('random inputs', () => {
  it('resolves named dynamic dims: batch-like names get 1, others get steps', () => {
    assert.deepEqual(resolveShape(['batch', 'steps'], 10), [1, 10]);
    assert.deepEqual(resolveShape(['seq', 'batch_size', 8], 10), [10, 1, 8]);
    assert.deepEqual(resolveShape(['T', 1, 8], 10), [10, 1, 8]);
  });

  it('resolves unnamed dynamic dims: with several, the first is the batch', () => {
    assert.deepEqual(resolveShape([null, -1, 4], 6), [1, 6, 4]);
    assert.deepEqual(resolveShape([5, null, 4], 6), [5, 6, 4]);
  });

  it('is repeatable for a seed and differs between seeds', () => {
    assert.deepEqual(randomNormal(9, 3), randomNormal(9, 3));
    assert.notDeepEqual(randomNormal(9, 3), randomNormal(9, 4));
    assert.deepEqual(randomIds(50, 7, 1), randomIds(50, 7, 1));
  });

  it('gives token ids within the vocabulary and roughly standard-normal floats', () => {
    const ids = randomIds(10000, 7, 2);
    assert.ok(ids.every((i) => Number.isInteger(i) && i >= 0 && i < 7));
    assert.equal(new Set(ids).size, 7);
    const x = randomNormal(20001, 5);
    let mean = 0;
    for (const v of x) mean += v / x.length;
    let variance = 0;
    for (const v of x) variance += (v - mean) ** 2 / x.length;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });

  it('mulberry32 stays in [0, 1)', () => {
    const next = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const v = next();
      assert.ok(v >= 0 && v < 1);
    }
  });
});
