// Gate recovery as one batched ONNX graph run by onnxruntime-web. Given every step's x_t and
// h_{t-1} as rows (M = B*T), all steps are independent, so the work is two matrix products
// (X·W^T, Hprev·R^T; the reset-before-linear form adds (r ⊙ Hprev)·R_n^T) plus elementwise ops,
// which onnxruntime's GEMM does several times faster than a step-by-step loop.
// Used for the sigmoid/tanh GRU (PyTorch's, and the ONNX default) with or without clip; other
// activations go through the engine's gatesFromStates. Equations: src/core/gru/model.ts (z keeps
// the old state: h = n + z ⊙ (h_{t-1} - n)).

import type { GruDirectionWeights, GruModel } from '../core/gru/model';
import type { ActivationSpec } from '../core/trace/document';
import { onnx } from './proto';

/** Rows per run: bounds onnxruntime's intermediate [rows, 3H] buffers (4096 x 3 x 1024 floats = 48 MiB). */
export const GATE_GRAPH_ROWS = 4096;

const FLOAT = onnx.TensorProto.DataType.FLOAT;

export function gateGraphSupports(f: ActivationSpec, g: ActivationSpec): boolean {
  return f.name === 'Sigmoid' && g.name === 'Tanh';
}

function tensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/** [rows, cols] row-major -> [cols, rows] (W [3H, I] -> W^T [I, 3H]). */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** Model bytes of the gate graph for one direction: inputs X [M, I], Hprev [M, H]; outputs r, z, n, h [M, H]. */
export function gateGraphBytes(w: GruDirectionWeights, model: GruModel, I: number, H: number): Uint8Array {
  const lbr = model.linearBeforeReset;
  const clip = model.clip;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): void => {
    nodes.push({ opType, input, output, attribute });
  };
  const WT = transpose(w.W, 3 * H, I);
  // The recurrent product covers r, z and n (lbr) or r and z only (reset before linear).
  const recBlocks = lbr ? 3 : 2;
  const RT = transpose(w.R.subarray(0, recBlocks * H * H), recBlocks * H, H);
  inits.push(tensor('WT', [I, 3 * H], WT), tensor('bW', [3 * H], w.bW), tensor('RT', [H, recBlocks * H], RT), tensor('bR', [recBlocks * H], w.bR.subarray(0, recBlocks * H)));
  inits.push({ name: 'split3', dims: [3], dataType: onnx.TensorProto.DataType.INT64, int64Data: [H, H, H] });
  if (recBlocks === 2) inits.push({ name: 'split2', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [H, H] });
  node('Gemm', ['X', 'WT', 'bW'], ['xp']);
  node('Gemm', ['Hprev', 'RT', 'bR'], ['hp']);
  node('Split', ['xp', 'split3'], ['xr', 'xz', 'xn'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]);
  node('Split', ['hp', `split${recBlocks}`], lbr ? ['hr', 'hz', 'hn'] : ['hr', 'hz'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]);
  const clipped = (name: string): string => {
    if (clip === undefined) return name;
    node('Clip', [name, 'clipLo', 'clipHi'], [`${name}_c`]);
    return `${name}_c`;
  };
  if (clip !== undefined) inits.push(tensor('clipLo', [], Float32Array.of(-clip)), tensor('clipHi', [], Float32Array.of(clip)));
  node('Add', ['xr', 'hr'], ['ar']);
  node('Add', ['xz', 'hz'], ['az']);
  node('Sigmoid', [clipped('ar')], ['r']);
  node('Sigmoid', [clipped('az')], ['z']);
  if (lbr) {
    node('Mul', ['r', 'hn'], ['rhn']);
  } else {
    const RnT = transpose(w.R.subarray(2 * H * H, 3 * H * H), H, H);
    inits.push(tensor('RnT', [H, H], RnT), tensor('bRn', [H], w.bR.subarray(2 * H, 3 * H)));
    node('Mul', ['r', 'Hprev'], ['rh']);
    node('Gemm', ['rh', 'RnT', 'bRn'], ['rhn']);
  }
  node('Add', ['xn', 'rhn'], ['an']);
  node('Tanh', [clipped('an')], ['n']);
  node('Sub', ['Hprev', 'n'], ['hmn']);
  node('Mul', ['z', 'hmn'], ['zhmn']);
  node('Add', ['n', 'zhmn'], ['h']);
  const vi = (name: string, cols: number): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'M' }, { dimValue: cols }] } } } });
  const m: onnx.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'gatescope gate graph',
    graph: { name: 'gru_gates', node: nodes, initializer: inits, input: [vi('X', I), vi('Hprev', H)], output: ['r', 'z', 'n', 'h'].map((g) => vi(g, H)) },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}
