// Version-1 documents for the decoder's tests. Release 0.1.0's encoder is gone (version 1 is only read
// now); these documents are assembled field by field as docs/trace-format-v1.md describes, with
// the tensor encoding 0.1.0 used (encodeTensor, still the decoder's counterpart).
import type { GruConvention, TensorDtype } from '../../../../src/core/trace/document';
import type { TraceDocumentV1, TraceLayerDocV1 } from '../../../../src/core/trace/document-v1';
import type { TraceInput } from '../../../../src/core/trace/encode';
import { encodeTensor } from '../../../../src/core/trace/tensor';

/** A version-1 document of GRU layer entries (masked cells zeroed, as 0.1.0 stored them). */
export function v1Document(input: TraceInput, dtype: TensorDtype): TraceDocumentV1 {
  const { batch: B, steps: T } = input;
  const convention = input.layers[0]!.convention as GruConvention;
  const layers = input.layers.map((l): TraceLayerDocV1 => {
    const H = l.hiddenSize;
    const tensor = (name: 'r' | 'z' | 'n' | 'h') => {
      const v = l.gates[name]!.slice();
      input.sequenceLengths?.forEach((len, b) => v.fill(0, (b * T + len) * H, (b + 1) * T * H));
      return encodeTensor(v, [B, T, H], dtype, input.sequenceLengths);
    };
    return { layer: l.layer, direction: l.direction, hiddenSize: H, name: l.name ?? `GRU layer ${l.layer} ${l.direction}`, gates: { r: tensor('r'), z: tensor('z'), n: tensor('n'), h: tensor('h') } };
  });
  const doc: TraceDocumentV1 = { format: 'gatescope.trace', version: 1, model: { ...input.model, convention }, layers };
  if (input.tokens) doc.tokens = input.tokens;
  if (input.sequenceLengths) doc.sequenceLengths = input.sequenceLengths;
  if (input.check) doc.check = input.check;
  if (input.warnings) doc.warnings = input.warnings;
  if (input.producer) doc.producer = input.producer;
  return doc;
}
