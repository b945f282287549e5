// The weights every ONNX recurrent node (GRU, LSTM, RNN) carries, checked the same way: W
// [D, G·H, I], R [D, G·H, H] and B [D, 2·G·H] (= [Wb; Rb], zeros when absent), with G gate blocks
// per direction (GRU 3, LSTM 4, RNN 1), after hidden_size, direction, layout and clip are checked.
// Messages name the op and the node's own block order (`rows`, `bias`).

import { checkSize, checkTensor, type Float32Tensor } from '../gru/tensor-checks';
import { formatDims } from '../io/tensor';
import { checkOnnxCommon, onnxDirections } from './onnx-attributes';

export interface OnnxNodeWeights {
  H: number;
  I: number;
  dirs: readonly ('forward' | 'reverse')[];
  W: Float32Array;
  R: Float32Array;
  B: Float32Array;
}

/**
 * `gates`: blocks per direction; `rows`: how W's and R's rows read (e.g. "gates z, r, h");
 * `bias`: how B's columns read (e.g. "[Wb z, r, h; Rb z, r, h]").
 */
export function onnxNodeWeights(
  op: string,
  node: { W?: Float32Tensor; R?: Float32Tensor; B?: Float32Tensor; hiddenSize: number; direction: string; layout?: number; clip?: number },
  gates: number,
  rows: string,
  bias: string,
): OnnxNodeWeights {
  const H = node.hiddenSize;
  checkSize(`${op} hidden_size`, H);
  const dirs = onnxDirections(op, node.direction);
  checkOnnxCommon(op, node);
  const D = dirs.length;
  if (!node.W || !Array.isArray(node.W.dims) || node.W.dims.length !== 3) {
    throw new RangeError(`${op} input W has shape ${node.W ? formatDims(node.W.dims) : 'missing'}; expected [${D}, ${gates * H}, input_size]`);
  }
  const I = node.W.dims[2];
  checkSize(`${op} input size (W dims[2])`, I);
  const W = checkTensor(`${op} input W`, node.W, [D, gates * H, I], `directions x ${rows} x input size`);
  const R = checkTensor(`${op} input R`, node.R, [D, gates * H, H], `directions x ${rows} x hidden size`);
  const B = node.B ? checkTensor(`${op} input B`, node.B, [D, 2 * gates * H], `directions x ${bias}`) : new Float32Array(D * 2 * gates * H);
  return { H, I, dirs, W, R, B };
}
