// Warnings about a model that the trace carries and the user sees (docs/onnx.md, "Warnings").

import type { GruNodeInfo, ValueSource } from './graph';
import { toNumber, type onnx } from './proto';

function weightType(s: ValueSource): string | undefined {
  return s.kind === 'const' ? s.tensor.elemType : undefined;
}

/** The default-domain opset the model imports (0 when it imports none). */
export function defaultOpset(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return toNumber(entry?.version);
}

export function modelWarnings(model: onnx.IModelProto, nodes: readonly GruNodeInfo[]): string[] {
  const out: string[] = [];
  const producer = (model.producerName ?? '').toLowerCase();
  const opset = defaultOpset(model);
  if (opset > 0 && opset < 7) {
    out.push(`The model imports ONNX opset ${opset}; GRU before opset 7 had different inputs and onnxruntime may reject it. Re-export with opset_version >= 7 (14 recommended).`);
  }
  for (const n of nodes) {
    if (producer === 'pytorch' && !n.attrs.linearBeforeReset) {
      out.push(`GRU node '${n.name}' comes from PyTorch but has linear_before_reset = 0: nn.GRU applies the reset after the recurrent product (linear_before_reset = 1). Some exporter releases wrote 0 by mistake, which silently changes the model; the gates shown are those of the ONNX model as written. Re-export with torch.onnx.export(dynamo=False) or a fixed exporter.`);
    }
    if (n.attrs.layout !== 0) {
      out.push(`GRU node '${n.name}' has layout = ${n.attrs.layout} (batch first); onnxruntime rejects it ("only layout 0 is supported"). Re-export with layout 0 (PyTorch's exporter writes a Transpose around a layout-0 node).`);
    }
    const types = new Set([weightType(n.W), weightType(n.R), weightType(n.B)].filter((t): t is string => !!t && t !== 'float'));
    for (const t of types) {
      out.push(`GRU node '${n.name}' has ${t} weights; onnxruntime's GRU runs float32 only, so the model may not run, and Gatescope computes its gates in float32. Convert the model to float32 (model.float() before export).`);
    }
  }
  return out;
}
