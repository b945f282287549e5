// Bit-for-bit comparison of a run on the thread pool with the same run on one thread: every value
// equal under Object.is (so NaN matches NaN and -0 does not match +0).
import * as assert from 'node:assert/strict';

export function assertSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: ${got[i]} on the pool vs ${want[i]} on one thread`);
  }
}

/** Every gate of every layer entry (a run's or a trace input's `layers`). */
export function assertSameEntries(got: readonly { gates: Record<string, ArrayLike<number>> }[], want: readonly { gates: Record<string, ArrayLike<number>> }[], what: string): void {
  assert.equal(got.length, want.length, `${what}: layer entries`);
  want.forEach((w, n) => {
    for (const [gate, values] of Object.entries(w.gates)) assertSameBits(got[n]!.gates[gate]!, values, `${what} entry ${n} ${gate}`);
  });
}
