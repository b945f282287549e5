// A model decoded once per run (or once for several runs, model-cache.ts): what the host shows and
// feeds before the run (inputs, recurrent nodes, warnings, vocabulary: inspect.ts) and what the run
// needs (instrumented copy, node list: prepareOnnx), both from the same decoded object.

import { inspectDecoded, type OnnxModelInfo } from '../onnx/inspect';
import { decodeModel, type onnx } from '../onnx/proto';
import { prepareOnnx, type PreparedOnnx } from '../onnx/trace';

export interface ModelPlan {
  /** Identity of the model for onnxruntime's session cache (runOnnxTrace's modelKey). */
  key: string;
  info: OnnxModelInfo;
  /** The run's preparation; made on the first run (a model that only gets inspected is not instrumented). */
  prepared(): PreparedOnnx;
}

export function planModel(bytes: Uint8Array, key: string): ModelPlan {
  let model: onnx.ModelProto | undefined = decodeModel(bytes);
  const info = inspectDecoded(model);
  let prepared: PreparedOnnx | undefined;
  return {
    key,
    info,
    prepared: () => {
      if (!prepared) {
        prepared = prepareOnnx(model!);
        // Kept warm from here on: the preparation, not the decoded model (as large as the file).
        model = undefined;
      }
      return prepared;
    },
  };
}
