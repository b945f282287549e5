// In-memory sidecars for the sidecar tests: a sink that collects what writeSidecar writes, a byte
// source over a buffer, and a plain reading of the safetensors layout (8-byte little-endian length,
// JSON header, data section) written from the format's description, not from the code under test.
import { createHash } from 'node:crypto';
import type { ByteSource } from '../../../../src/core/trace/sidecar-reader';
import type { SidecarSink } from '../../../../src/core/trace/encode';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Collects positional writes into one growing buffer. */
export class MemorySink implements SidecarSink {
  bytes = new Uint8Array(0);
  write(bytes: Uint8Array, position: number): void {
    if (position + bytes.length > this.bytes.length) {
      const grown = new Uint8Array(position + bytes.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(bytes, position);
  }
}

/** A buffer as a ranged byte source; counts reads so tests can see a tile is one read. */
export function memorySource(bytes: Uint8Array): ByteSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    read: async (start, end) => {
      reads.push([start, end]);
      if (start < 0 || end > bytes.length || end < start) throw new Error(`read [${start}, ${end}) outside a ${bytes.length}-byte buffer`);
      return bytes.slice(start, end);
    },
  };
}

export interface SafetensorsView {
  headerLength: number;
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__: Record<string, string> };
  /** Absolute offset of the data section. */
  dataStart: number;
}

/** Reads the safetensors layout as numpy users would by hand. */
export function readSafetensors(file: Uint8Array): SafetensorsView {
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  return { headerLength, header, dataStart: 8 + headerLength };
}
