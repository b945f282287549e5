import assert from 'node:assert/strict';
import { Base64Error, decodeBase64, decodeBase64Portable, encodeBase64, encodeBase64Portable } from '../../../../src/core/encoding/base64';
import { rng } from './make-trace';

describe('base64 (pure core)', () => {
  it('matches Node Buffer for every length 0..300 and a 100 kB buffer', () => {
    const next = rng(7);
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 100_003];
    for (const n of lengths) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      const want = Buffer.from(bytes).toString('base64');
      assert.equal(encodeBase64Portable(bytes), want, `encode length ${n}`);
      assert.equal(encodeBase64(bytes), want);
      assert.deepEqual(decodeBase64Portable(want), bytes, `decode length ${n}`);
      assert.deepEqual(decodeBase64(want), bytes);
    }
  });

  it('decodes every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeBase64Portable(Buffer.from(all).toString('base64')), all);
  });

  for (const [text, what] of [
    ['QUJD!', 'length not a multiple of 4'],
    ['QU JD', 'a space'],
    ['QUJ\nD', 'a newline'],
    ['QU-D', 'a URL-safe character'],
    ['QUJDé===', 'a non-ASCII character'],
    ['QQ=A', 'padding in the middle'],
    ['QR==', 'non-zero padding bits (1 byte)'],
    ['QUK=', 'non-zero padding bits (2 bytes)'],
    ['A===', 'three padding characters'],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => decodeBase64Portable(text), Base64Error);
      assert.throws(() => decodeBase64(text), Base64Error);
    });
  }

  it('says where the bad character is', () => {
    assert.throws(() => decodeBase64Portable('QUJDRE*G'), /invalid base64: a character outside the alphabet A-Z a-z 0-9 \+ \/ at index 6/);
  });
});
