// The activation functions of the ONNX RNN/GRU/LSTM operators, with their alpha/beta defaults.
// Formulas: ONNX operator spec (GRU, "Activation functions"). Defaults are onnxruntime's, whose RNN
// kernels (GRU, LSTM, RNN) fill an omitted alpha/beta from a table that has only LeakyRelu (0.01),
// HardSigmoid (0.2, 0.5) and Elu (1) and take 0 for every other function: so Affine, ThresholdedRelu
// and ScaledTanh default to alpha = beta = 0, not to the defaults of the standalone ONNX operators
// (measured against onnxruntime 1.30; test/fixtures/torch/make_fixtures.py 'omitted-*' models).
// Sigmoid, Tanh, Softplus and Elu are evaluated so that no finite input overflows to NaN/Inf;
// NaN inputs stay NaN (every branch below propagates NaN).

import type { ActivationSpec } from '../trace/document';

export const enum ActKind {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus,
}

interface ActInfo {
  kind: ActKind;
  /** Canonical ONNX spelling. */
  name: string;
  /** Default alpha, or undefined when the function takes none. */
  alpha?: number;
  beta?: number;
}

const TABLE: readonly ActInfo[] = [
  { kind: ActKind.Relu, name: 'Relu' },
  { kind: ActKind.Tanh, name: 'Tanh' },
  { kind: ActKind.Sigmoid, name: 'Sigmoid' },
  { kind: ActKind.Affine, name: 'Affine', alpha: 0, beta: 0 },
  { kind: ActKind.LeakyRelu, name: 'LeakyRelu', alpha: 0.01 },
  { kind: ActKind.ThresholdedRelu, name: 'ThresholdedRelu', alpha: 0 },
  { kind: ActKind.ScaledTanh, name: 'ScaledTanh', alpha: 0, beta: 0 },
  { kind: ActKind.HardSigmoid, name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  { kind: ActKind.Elu, name: 'Elu', alpha: 1 },
  { kind: ActKind.Softsign, name: 'Softsign' },
  { kind: ActKind.Softplus, name: 'Softplus' },
];

/** The ONNX activation names, canonical spelling. */
export const ONNX_ACTIVATIONS: readonly string[] = TABLE.map((a) => a.name);

/** An activation resolved to its kind with alpha/beta filled in (0 where unused). */
export interface CompiledActivation {
  kind: ActKind;
  alpha: number;
  beta: number;
}

function infoOf(name: string): ActInfo {
  const lower = String(name).toLowerCase();
  const info = TABLE.find((a) => a.name.toLowerCase() === lower);
  if (!info) {
    throw new RangeError(`unknown GRU activation '${name}'; expected one of ${ONNX_ACTIVATIONS.join(', ')}`);
  }
  return info;
}

/** Whether the named activation takes alpha / beta (so it consumes one from ONNX activation_alpha/beta). */
export function activationParams(name: string): { alpha: boolean; beta: boolean } {
  const info = infoOf(name);
  return { alpha: info.alpha !== undefined, beta: info.beta !== undefined };
}

/** Canonical spec (ONNX spelling, defaults filled in) for a name plus optional alpha/beta. */
export function normalizeActivation(spec: ActivationSpec): ActivationSpec {
  const info = infoOf(spec.name);
  const out: ActivationSpec = { name: info.name };
  if (info.alpha !== undefined) out.alpha = spec.alpha ?? info.alpha;
  if (info.beta !== undefined) out.beta = spec.beta ?? info.beta;
  for (const key of ['alpha', 'beta'] as const) {
    const v = out[key];
    if (v !== undefined && !Number.isFinite(v)) {
      throw new RangeError(`activation ${info.name} has ${key} = ${v}; expected a finite number`);
    }
  }
  return out;
}

export function compileActivation(spec: ActivationSpec): CompiledActivation {
  const info = infoOf(spec.name);
  const n = normalizeActivation(spec);
  return { kind: info.kind, alpha: n.alpha ?? 0, beta: n.beta ?? 0 };
}

/** Logistic sigmoid without overflow: exp is only taken of a non-positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Applies one activation to one value. */
export function activate(kind: ActKind, alpha: number, beta: number, x: number): number {
  switch (kind) {
    case ActKind.Sigmoid:
      return sigmoid(x);
    case ActKind.Tanh:
      return Math.tanh(x);
    case ActKind.Relu:
      return x > 0 ? x : x === x ? 0 : x;
    case ActKind.Affine:
      return alpha * x + beta;
    case ActKind.LeakyRelu:
      return x >= 0 ? x : alpha * x;
    case ActKind.ThresholdedRelu:
      return x > alpha ? x : x === x ? 0 : x;
    case ActKind.ScaledTanh:
      return alpha * Math.tanh(beta * x);
    case ActKind.HardSigmoid:
      return Math.min(Math.max(alpha * x + beta, 0), 1);
    case ActKind.Elu:
      return x >= 0 ? x : alpha * Math.expm1(x);
    case ActKind.Softsign:
      return x / (1 + Math.abs(x));
    case ActKind.Softplus:
      return softplus(x);
  }
}
