import * as assert from 'node:assert/strict';
import { buildInputs, InputChoiceError } from '../../../src/pipeline/build-inputs';
import type { ModelInputSummary } from '../../../src/pipeline/job';
import { npyInt64 } from './npy-int64';

const VOCAB = ['(', ')', '"', 'a', 'b', 'c', ' '];
const tokensInput: ModelInputSummary[] = [{ name: 'tokens', dims: ['batch', 'steps'], dtype: 'int64' }];
const floatInputs: ModelInputSummary[] = [
  { name: 'x', dims: ['T', 'B', 4], dtype: 'float32' },
  { name: 'h0', dims: [1, 'B', 3], dtype: 'float32' },
];

describe('buildInputs (user input -> model tensors)', () => {
  it('tokenizes text into a [1, T] int64 tensor (labels come after the run, step-labels.ts)', () => {
    const b = buildInputs(tokensInput, { kind: 'text', text: '(ab)' }, VOCAB);
    assert.deepEqual(b.feeds['tokens']!.dims, [1, 4]);
    assert.deepEqual(Array.from(b.feeds['tokens']!.data as BigInt64Array, Number), [0, 3, 4, 1]);
  });

  it('refuses text without a vocabulary, and text for a float input', () => {
    assert.throws(() => buildInputs(tokensInput, { kind: 'text', text: 'a' }, undefined), (e: unknown) => e instanceof InputChoiceError && /needs a vocabulary/.test(e.message));
    assert.throws(() => buildInputs(floatInputs, { kind: 'text', text: 'a' }, VOCAB), (e: unknown) => e instanceof InputChoiceError && /takes float32/.test(e.message));
  });

  it('gives random floats of the resolved shape and zeros to further inputs', () => {
    const b = buildInputs(floatInputs, { kind: 'random', seed: 1, steps: 5 }, undefined);
    assert.deepEqual(b.feeds['x']!.dims, [5, 1, 4]);
    assert.equal(b.feeds['x']!.data.length, 20);
    assert.ok(Array.from(b.feeds['x']!.data as Float32Array).some((v) => v !== 0));
    assert.deepEqual(b.feeds['h0']!.dims, [1, 1, 3]);
    assert.deepEqual(Array.from(b.feeds['h0']!.data as Float32Array), [0, 0, 0]);
  });

  it('gives random token ids within the vocabulary, [1, T]', () => {
    const b = buildInputs(tokensInput, { kind: 'random', seed: 2, steps: 50 }, VOCAB);
    const ids = Array.from(b.feeds['tokens']!.data as BigInt64Array, Number);
    assert.deepEqual(b.feeds['tokens']!.dims, [1, 50]);
    assert.ok(ids.every((i) => i >= 0 && i < VOCAB.length));
  });

  it('reads token ids from a .npy file', () => {
    const b = buildInputs(tokensInput, { kind: 'file', name: '/w/ids.npy', bytes: npyInt64([1, 3], [2, 5, 9]) }, VOCAB);
    assert.deepEqual(b.feeds['tokens']!.dims, [1, 3]);
    assert.deepEqual(Array.from(b.feeds['tokens']!.data as BigInt64Array, Number), [2, 5, 9]);
  });

  it('reads a .json tensor and refuses other file types', () => {
    const b = buildInputs(floatInputs, { kind: 'file', name: 'x.json', bytes: new TextEncoder().encode('[[[1,2,3,4]],[[5,6,7,8]]]') }, undefined);
    assert.deepEqual(b.feeds['x']!.dims, [2, 1, 4]);
    assert.throws(() => buildInputs(floatInputs, { kind: 'file', name: 'x.csv', bytes: new Uint8Array() }, undefined), /must be a \.npy or \.json file/);
  });
});
