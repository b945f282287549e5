// The native vanilla RNN engine: loaders (PyTorch nn.RNN, ONNX RNN) and the forward pass.
export type { RnnDirectionWeights, RnnLayerWeights, RnnModel } from './model';
export { runRnn, type RnnRun } from './run';
export { rnnFromPytorch, type PytorchRnnOptions } from './load-pytorch';
export { rnnFromOnnx, type OnnxRnnNode } from './load-onnx';
export { validateRnn } from './validate-model';
