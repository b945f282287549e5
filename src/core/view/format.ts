// Text for values shown to people: exact for float32 (the shortest decimal that reads back as the
// same float32), with non-finite values named.

/** Shortest decimal string that parses back to the same float32 as `v`; NaN and ±Inf by name. */
export function formatFloat32(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return normalize(s);
  }
  return normalize(f.toPrecision(9));
}

/** Drops exponent padding and trailing zeros that toPrecision may leave ("1.50e+2" -> "150"). */
function normalize(s: string): string {
  const n = Number(s);
  const plain = String(n);
  return plain.length <= s.length ? plain : s;
}

/** A value for display, with its encoding's error bound when it is not exact. */
export function formatValue(v: number, maxError: number | undefined): string {
  const s = formatFloat32(v);
  if (!maxError || v - v !== 0) return s;
  return `${s} ±${maxError.toPrecision(2)}`;
}
