// Every gate of a decoded trace as a full-resolution float32 array [B, T, units] with NaN where masked:
// what `gatescope export` writes as .npy files, one per gate. Level 0 comes from the document, or from
// the sidecar through `readTensor` (which checks every tile). One gate at a time, so that a long run
// never holds more than one gate's values.

import type { DecodedLayer, DecodedTrace } from './decoded';

export interface ExportedGate {
  /** `L{layer}-{direction}-{gate}.npy`; run b of a comparison prefixed `b-`. */
  file: string;
  layer: DecodedLayer;
  gate: string;
  shape: [number, number, number];
  values: Float32Array;
}

/** A trace whose values cannot be exported as they are (a sidecar tensor of the wrong size, or not read). */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** File name of a gate's export. */
export function exportFileName(layer: Pick<DecodedLayer, 'layer' | 'direction' | 'run'>, gate: string): string {
  return `${layer.run === 'b' ? 'b-' : ''}L${layer.layer}-${layer.direction}-${gate}.npy`;
}

/** Reads a whole sidecar tensor [B, buckets, units] as float32. */
export type ReadSidecarTensor = (name: string) => Promise<Float32Array>;

/**
 * Yields every gate of every layer entry, in document order. Masked cells (t >= sequenceLengths[b])
 * become NaN. Throws when level 0 is in a sidecar and no `readTensor` is given, or when the sidecar
 * tensor does not have the gate's size.
 */
export async function* exportGates(trace: DecodedTrace, readTensor?: ReadSidecarTensor): AsyncGenerator<ExportedGate> {
  const { batch: B, steps: T } = trace;
  for (const layer of trace.layers) {
    for (const gate of layer.gates) {
      const U = gate.units;
      const level = gate.levels[0]!;
      let values: Float32Array;
      if (level.mean) values = level.mean.slice();
      else {
        const name = level.remote!.mean.tensor;
        if (!readTensor) throw new ExportError(`layer ${layer.layer} ${layer.direction} gate ${gate.name}: its values are in the sidecar (tensor ${name}), which was not read`);
        values = await readTensor(name);
        if (values.length !== B * T * U) {
          throw new ExportError(`sidecar tensor ${name} holds ${values.length} values; the trace expects [${B}, ${T}, ${U}] = ${B * T * U}`);
        }
      }
      const lengths = trace.sequenceLengths;
      if (lengths) for (let b = 0; b < B; b++) values.fill(NaN, (b * T + lengths[b]!) * U, (b + 1) * T * U);
      yield { file: exportFileName(layer, gate.name), layer, gate: gate.name, shape: [B, T, U], values };
    }
  }
}

/** True when some gate's level 0 lives in the sidecar. */
export function needsSidecar(trace: DecodedTrace): boolean {
  return trace.layers.some((l) => l.gates.some((g) => !g.levels[0]!.mean));
}
