import * as assert from 'node:assert/strict';
import { ActKind, activate, compileActivation, normalizeActivation, ONNX_ACTIVATIONS, sigmoid } from '../../../../src/core/gru';

// Formulas from the ONNX GRU operator spec ("Activation functions"), written out independently.
const FORMULAS: Record<string, (x: number, a: number, b: number) => number> = {
  Relu: (x) => Math.max(0, x),
  Tanh: (x) => (1 - Math.exp(-2 * x)) / (1 + Math.exp(-2 * x)),
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Affine: (x, a, b) => a * x + b,
  LeakyRelu: (x, a) => (x >= 0 ? x : a * x),
  ThresholdedRelu: (x, a) => (x > a ? x : 0),
  ScaledTanh: (x, a, b) => a * Math.tanh(b * x),
  HardSigmoid: (x, a, b) => Math.min(Math.max(a * x + b, 0), 1),
  Elu: (x, a) => (x >= 0 ? x : a * (Math.exp(x) - 1)),
  Softsign: (x) => x / (1 + Math.abs(x)),
  Softplus: (x) => Math.log(1 + Math.exp(x)),
};

// onnxruntime's RNN-kernel defaults: 0 for Affine, ThresholdedRelu and ScaledTanh (checked against
// onnxruntime-web itself in onnx-ort.unit.test.ts, models 'omitted-*').
const DEFAULTS: Record<string, { alpha?: number; beta?: number }> = {
  Affine: { alpha: 0, beta: 0 },
  LeakyRelu: { alpha: 0.01 },
  ThresholdedRelu: { alpha: 0 },
  ScaledTanh: { alpha: 0, beta: 0 },
  HardSigmoid: { alpha: 0.2, beta: 0.5 },
  Elu: { alpha: 1 },
};

const POINTS = [-7.5, -3, -1.25, -0.5, -0.01, 0, 0.01, 0.3, 0.9, 1, 1.7, 4, 9];

describe('GRU activations (ONNX operator spec)', () => {
  it('lists exactly the eleven ONNX activations', () => {
    assert.deepEqual([...ONNX_ACTIVATIONS].sort(), Object.keys(FORMULAS).sort());
  });

  for (const name of Object.keys(FORMULAS)) {
    it(`${name} matches its formula with the default alpha/beta and with given ones`, () => {
      const d = DEFAULTS[name] ?? {};
      assert.deepEqual(normalizeActivation({ name }), { name, ...d });
      for (const [alpha, beta] of [[d.alpha ?? 0, d.beta ?? 0], [0.37, -0.2]]) {
        const spec = d.alpha === undefined ? { name } : d.beta === undefined ? { name, alpha } : { name, alpha, beta };
        const c = compileActivation(spec);
        const a = d.alpha === undefined ? 0 : alpha;
        const b = d.beta === undefined ? 0 : beta;
        for (const x of POINTS) {
          const want = FORMULAS[name](x, a, b);
          const got = activate(c.kind, c.alpha, c.beta, x);
          assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${name}(${x}; ${a}, ${b}) = ${got}, want ${want}`);
        }
      }
    });
  }

  it('names are matched case-insensitively and unknown names are rejected with the list', () => {
    assert.equal(compileActivation({ name: 'hardsigmoid' }).kind, ActKind.HardSigmoid);
    assert.throws(() => compileActivation({ name: 'Swish' }), (e: unknown) => e instanceof RangeError && /Swish.*Relu, Tanh, Sigmoid/.test(e.message));
  });

  it('sigmoid, tanh, softplus and elu never overflow to NaN/Inf for large |x|', () => {
    for (const x of [-1e4, -800, -100, 100, 800, 1e4, -Number.MAX_VALUE, Number.MAX_VALUE]) {
      const s = sigmoid(x);
      assert.ok(s >= 0 && s <= 1, `sigmoid(${x}) = ${s}`);
      assert.equal(activate(ActKind.Tanh, 0, 0, x), Math.sign(x));
      const sp = activate(ActKind.Softplus, 0, 0, x);
      assert.ok(Number.isFinite(sp) && sp >= 0, `softplus(${x}) = ${sp}`);
      assert.ok(Number.isFinite(activate(ActKind.Elu, 1, 0, x)));
    }
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoid(1000), 1);
    assert.equal(activate(ActKind.Softplus, 0, 0, 1000), 1000);
  });

  it('NaN input stays NaN for every activation', () => {
    for (const name of ONNX_ACTIVATIONS) {
      const c = compileActivation({ name });
      assert.ok(Number.isNaN(activate(c.kind, c.alpha, c.beta, NaN)), name);
    }
  });

  it('rejects non-finite alpha/beta', () => {
    assert.throws(() => compileActivation({ name: 'LeakyRelu', alpha: Infinity }), RangeError);
  });
});
