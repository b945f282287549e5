// Writes the protobuf bytes of a one-node ONNX GRU model (opset 14) with onnx-proto, so the
// benchmark builds its onnxruntime models from the same seeded weights as the native engine and
// needs no Python. X: [T, B, I] with symbolic T and B; outputs Y [T, D, B, H] and Y_h.
'use strict';
const { onnx } = require('onnx-proto');

function floatTensor(name, dims, data) {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name, dims) {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** W [1, 3H, I], R [1, 3H, H], B [1, 6H] in ONNX gate order z, r, h. Returns Uint8Array. */
function gruModelBytes({ W, R, B, inputSize, hiddenSize, linearBeforeReset }) {
  const A = onnx.AttributeProto.AttributeType;
  const node = {
    opType: 'GRU',
    input: ['X', 'W', 'R', 'B'],
    output: ['Y', 'Y_h'],
    attribute: [
      { name: 'hidden_size', type: A.INT, i: hiddenSize },
      { name: 'linear_before_reset', type: A.INT, i: linearBeforeReset ? 1 : 0 },
      { name: 'direction', type: A.STRING, s: new TextEncoder().encode('forward') },
    ],
  };
  const model = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: 'gatescope-bench',
    graph: {
      name: 'gru',
      node: [node],
      initializer: [floatTensor('W', [1, 3 * hiddenSize, inputSize], W), floatTensor('R', [1, 3 * hiddenSize, hiddenSize], R), floatTensor('B', [1, 6 * hiddenSize], B)],
      input: [valueInfo('X', ['T', 'B', inputSize])],
      output: [valueInfo('Y', ['T', 1, 'B', hiddenSize]), valueInfo('Y_h', [1, 'B', hiddenSize])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

module.exports = { gruModelBytes };
