// The native LSTM engine: loaders (PyTorch nn.LSTM with proj_size, ONNX LSTM, Keras LSTM) into one
// internal form, and the forward pass with i, f, g, o, c and h recorded.
export type { LstmDirection, LstmDirectionWeights, LstmLayerWeights, LstmModel } from './model';
export { outputSize } from './model';
export { runLstm, type LstmRun, type RunLstmOptions } from './run';
export { lstmFromPytorch, type PytorchLstmOptions } from './load-pytorch';
export { lstmFromOnnx, type OnnxLstmNode } from './load-onnx';
export { recurrentActivations } from '../recurrent/onnx-attributes';
export { lstmFromKeras, type KerasLstmWeights } from './load-keras';
export { validateLstm } from './validate-model';
