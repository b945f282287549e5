// The trace document, version 1: the one payload every producer (host, CLI, Python kernel) writes
// under MIME type application/vnd.gatescope.trace+json and the renderer reads. It is saved inside
// .ipynb files that outlive this code: add optional fields only; never change a meaning.
// Specification: docs/trace-format.md; JSON Schema: docs/trace-format.schema.json.

export const TRACE_MIME = 'application/vnd.gatescope.trace+json';
export const TRACE_FORMAT = 'gatescope.trace';
export const TRACE_VERSION = 1;

export type GateName = 'r' | 'z' | 'n' | 'h';
export const GATE_NAMES: readonly GateName[] = ['r', 'z', 'n', 'h'];

export type TensorDtype = 'float32' | 'float16' | 'uint8';
export type Direction = 'forward' | 'reverse';
export type ModelSource = 'onnx' | 'pytorch' | 'keras' | 'native';
/** What z means in this model: "keep-old" (PyTorch, ONNX, Keras: h = z*h_prev + (1-z)*n) or "take-new" (textbook). */
export type ZMeaning = 'keep-old' | 'take-new';

/** An encoded tensor as stored in the JSON document. dims = [B, T, H]; data is base64 of little-endian values, row-major. */
export interface EncodedTensor {
  dims: [number, number, number];
  dtype: TensorDtype;
  data: string;
  /** uint8 only: value = offset + scale * q. */
  scale?: number;
  offset?: number;
}

export interface ActivationSpec {
  /** ONNX activation name, e.g. "Sigmoid", "Tanh", "HardSigmoid". */
  name: string;
  alpha?: number;
  beta?: number;
}

export interface TraceConvention {
  /** Gate order of the source's packed weights, by role, e.g. ["r","z","n"] (PyTorch) or ["z","r","n"] (ONNX, Keras). */
  gateOrder: string[];
  /** true: reset applied after the recurrent product (PyTorch, ONNX linear_before_reset=1, Keras reset_after). */
  linearBeforeReset: boolean;
  zMeaning: ZMeaning;
  /** f (for r and z) and g (for n). */
  activations: { f: ActivationSpec; g: ActivationSpec };
  /** ONNX clip, when set. */
  clip?: number;
}

export interface TraceModel {
  name: string;
  source: ModelSource;
  /** Who computed the gates, e.g. "onnxruntime-web 1.30.0 + gatescope recompute", "gatescope-native (wasm-simd)". */
  engine: string;
  convention: TraceConvention;
  /** Input size of the first layer, when known. */
  inputSize?: number;
}

export interface TraceLayerDoc {
  layer: number;
  direction: Direction;
  hiddenSize: number;
  name: string;
  gates: Record<GateName, EncodedTensor>;
}

export interface TraceCheck {
  /** What the recomputed h was compared with, e.g. "onnxruntime-web Y". */
  reference: string;
  maxAbsError: number;
}

/** Present when the host downsampled in time to fit the size budget (never silent). */
export interface TraceDownsample {
  /** Steps in the original run. */
  originalSteps: number;
  /** Every `stride`-th step kept, starting at step 0. */
  stride: number;
  /** How kept steps relate to originals, e.g. "every 4th step". */
  method: string;
}

export interface TraceDocument {
  format: typeof TRACE_FORMAT;
  version: number;
  model: TraceModel;
  /** One label per step (input time order). */
  tokens?: string[];
  /**
   * Per batch item, the number of valid steps (ONNX sequence_lens). Steps t >= sequenceLengths[b]
   * are masked: their stored values carry no meaning and must never be read as zeros.
   */
  sequenceLengths?: number[];
  layers: TraceLayerDoc[];
  check?: TraceCheck;
  warnings?: string[];
  downsample?: TraceDownsample;
  /** Producer, e.g. "gatescope 0.1.0 (cli)" or "gatescope.py 0.1.0". */
  producer?: string;
  createdAt?: string;
}

/** A decoded tensor: values as float32 (NaN/±Inf preserved), dims [B, T, H]. */
export interface DecodedTensor {
  dims: [number, number, number];
  dtype: TensorDtype;
  values: Float32Array;
  /**
   * Bound of |decoded - original|. float32: 0. float16: relative, 2^-11 (normals; subnormals 2^-25
   * absolute). uint8: absolute, half a quantization step plus half a float32 ulp at the tensor's
   * largest magnitude (the decoded value is rounded to float32).
   */
  maxError?: number;
}

export interface DecodedLayer extends Omit<TraceLayerDoc, 'gates'> {
  gates: Record<GateName, DecodedTensor>;
}

export interface DecodedTrace extends Omit<TraceDocument, 'layers'> {
  layers: DecodedLayer[];
  /** batch, steps from the tensors' dims (all tensors agree). */
  batch: number;
  steps: number;
}
