// Seeded random model inputs of the right shape, so a "random" run can be repeated exactly.
// PRNG: mulberry32 (32-bit state); floats are standard normal (Box-Muller), token ids uniform.

/** A declared dimension: a positive number is fixed; a name, null, or a number <= 0 is dynamic. */
export type DeclaredDim = number | string | null | undefined;

/** A symbolic dimension name that marks a batch axis (random inputs, step labels). */
export const BATCH_NAME = /^(batch|batch_size|n|b|N|B)$|batch/i;

/**
 * Concrete shape for a declared one. Dynamic dims named like a batch get 1; other dynamic dims get
 * `steps`. With no names to go by and several dynamic dims, the first is the batch (1).
 */
export function resolveShape(dims: readonly DeclaredDim[], steps: number): number[] {
  const dynamic = dims.map((d) => !(typeof d === 'number' && d > 0));
  const named = dims.some((d, i) => dynamic[i] && typeof d === 'string' && d.length > 0);
  const dynamicCount = dynamic.filter(Boolean).length;
  let firstDynamicSeen = false;
  return dims.map((d, i) => {
    if (!dynamic[i]) return d as number;
    const first = !firstDynamicSeen;
    firstDynamicSeen = true;
    if (named) return typeof d === 'string' && BATCH_NAME.test(d) ? 1 : steps;
    return dynamicCount > 1 && first ? 1 : steps;
  });
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** count standard-normal float32 values. */
export function randomNormal(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** count token ids uniform in [0, vocabSize). */
export function randomIds(count: number, vocabSize: number, seed: number): number[] {
  const next = mulberry32(seed);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(next() * vocabSize);
  return out;
}
