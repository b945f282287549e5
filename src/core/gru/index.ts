// The native GRU engine: loaders (one per source) into one internal form, the forward pass with
// every gate recorded, and gate recomputation from given states.

export type { GruDirectionWeights, GruLayerWeights, GruModel } from './model';
export { runGru, GruCancelledError, type GruRun, type LayerGates, type RunGruOptions } from './run';
export { gatesFromStates } from './gates-from-states';
export { fromPytorch, type PytorchGruOptions } from './load-pytorch';
export { fromOnnx, onnxActivations, type OnnxGruNode } from './load-onnx';
export { fromKeras, type KerasGruWeights, type KerasRecurrentActivation, type KerasActivation } from './load-keras';
export { fromTextbook, type TextbookGruWeights } from './load-textbook';
export { activate, compileActivation, normalizeActivation, sigmoid, softplus, ONNX_ACTIVATIONS, ActKind } from './activations';
export { validateModel } from './validate-model';
export { MAX_GRU_SIZE, MAX_OUTPUT_VALUES, type Float32Tensor } from './tensor-checks';
export type { KernelChoice } from './kernels';
export { wasmKernelAvailable } from './kernel-wasm';
