// A minimal .npy (format 1.0) of little-endian int64 values, for token-id inputs in tests (the
// project's own writer, src/core/io/npy-write.ts, writes float32 only).

/** The bytes of a .npy file holding `values` as '<i8' with the given shape. */
export function npyInt64(shape: number[], values: number[]): Uint8Array {
  let header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + 8 * values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return out;
}
