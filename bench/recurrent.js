// Native engine benchmark for the three cells on the same kernels: GRU, LSTM and vanilla RNN, one
// layer, with every gate recorded, JS and WASM SIMD kernels. Pinned to one core like bench/gru.js
// (--no-pin to skip). Same seeded weights per cell; JS and WASM agree within 1e-5 before timing.
// Timing: cells and kernels interleaved, after a warm-up, median of the samples; one sample is one
// run of T steps.
//   node bench/recurrent.js [--hidden 256] [--input 64] [--steps 10000] [--samples 5]
'use strict';
const path = require('node:path');
const { argReader, median, now, pinToOneCore, uniform } = require('./lib/common');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = argReader(args);
pinToOneCore(__filename, args);

const H = Number(arg('hidden', 256));
const I = Number(arg('input', 64));
const T = Number(arg('steps', 10000));
const SAMPLES = Math.max(3, Number(arg('samples', 5)));
const BLOCKS = { gru: 3, lstm: 4, rnn: 1 };

function bundle() {
  const out = path.join(ROOT, 'out/bench/recurrent-engines.js');
  const entry = path.join(ROOT, 'out/bench/recurrent-entry.ts');
  require('node:fs').mkdirSync(path.dirname(out), { recursive: true });
  require('node:fs').writeFileSync(entry, ["export * from '../../src/core/gru';", "export * from '../../src/core/lstm';", "export * from '../../src/core/rnn';"].join('\n'));
  require('esbuild').buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'es2022', outfile: out, logLevel: 'silent' });
  return require(out);
}

function params(cell, seed) {
  const G = BLOCKS[cell];
  const s = 1 / Math.sqrt(H);
  return {
    weight_ih_l0: { dims: [G * H, I], data: uniform(seed, G * H * I, s) },
    weight_hh_l0: { dims: [G * H, H], data: uniform(seed + 1, G * H * H, s) },
    bias_ih_l0: { dims: [G * H], data: uniform(seed + 2, G * H, s) },
    bias_hh_l0: { dims: [G * H], data: uniform(seed + 3, G * H, s) },
  };
}

async function main() {
  await require('../scripts/build-wasm').buildWasm();
  const eng = bundle();
  const x = uniform(7, T * I, 1);
  const opts = { hiddenSize: H, numLayers: 1, bidirectional: false };
  const runs = {
    gru: (kernel, m) => eng.runGru(m, x, { batch: 1, steps: T, kernel }).layers.map((l) => ({ gates: { r: l.r, z: l.z, n: l.n, h: l.h } })),
    lstm: (kernel, m) => eng.runLstm(m, x, { batch: 1, steps: T, kernel }).layers,
    rnn: (kernel, m) => eng.runRnn(m, x, { batch: 1, steps: T, kernel }).layers,
  };
  const models = { gru: eng.fromPytorch(params('gru', 11), opts), lstm: eng.lstmFromPytorch(params('lstm', 21), opts), rnn: eng.rnnFromPytorch(params('rnn', 31), opts) };
  for (const cell of Object.keys(runs)) {
    const a = runs[cell]('js', models[cell])[0].gates;
    const b = runs[cell]('wasm', models[cell])[0].gates;
    let err = 0;
    for (const g of Object.keys(a)) for (let i = 0; i < a[g].length; i++) err = Math.max(err, Math.abs(a[g][i] - b[g][i]));
    if (!(err <= 1e-5)) throw new Error(`${cell}: js and wasm differ by ${err}`);
    console.log(`${cell}: js vs wasm max |diff| over ${T} steps, every gate: ${err.toExponential(2)}`);
  }
  const samples = {};
  for (let s = 0; s < SAMPLES; s++) {
    for (const cell of Object.keys(runs)) {
      for (const kernel of ['js', 'wasm']) {
        const t0 = now();
        runs[cell](kernel, models[cell]);
        (samples[`${cell} ${kernel}`] ??= []).push(now() - t0);
      }
    }
  }
  console.log(`I=${I} H=${H} T=${T} B=1, median of ${SAMPLES}:`);
  for (const [key, xs] of Object.entries(samples)) {
    const ms = median(xs);
    console.log(`  ${key.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms  ${(ms * 1000 / T).toFixed(1).padStart(7)} us/step`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
