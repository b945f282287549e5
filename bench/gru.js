// GRU engine benchmark: native JS, native WASM SIMD, onnxruntime-web (WASM), onnxruntime-node,
// onnxruntime-web / -node + gate recovery (gatesFromStates in the WASM kernel), TF.js layers
// (pure-JS CPU backend). Same seeded weights for every engine; parity (<= 1e-5) is checked before
// timing.
// Two phases, each its own process so that the second can use every core:
//   1. single thread: re-executed under `taskset -c 1`; onnxruntime gets one thread. The table and
//      the per-engine JSON lines come from here.
//   2. threads (unpinned, H = 1024): the native engine on 1 thread vs N = os.availableParallelism()
//      threads (src/node/gru-threads: R·h split by rows each step), and onnxruntime-node with
//      intraOpNumThreads 1 vs N, interleaved; the threaded results must equal one thread's bit for bit.
// --no-pin runs both phases in this process, unpinned.
// Timing: engines interleaved (A B C ... A B C ...), after warm-up, median of >= 7 samples; each
// sample runs T = 1000 steps (fewer, fixed per H, for the slow pure-JS engines).
// Output: a table, then one JSON line per metric. Besides wall time, each sample's process CPU time
// (process.cpuUsage: all threads) is recorded: on a shared, overloaded machine it is the steadier
// of the two; both are printed.
// The last stdout line is the issue's summary (wall-time ratios; cpu-time ones are in the lines above):
//   {"gatesVsOrtNodePlain": {"512": x, "1024": y}, "threadSpeedup": {"1024": z}, "jsStepsPerSecond": {"512": w}}
// x, y: onnxruntime-node plain us/step / native WASM with all gates (one thread each); z: native
// 1 thread / N threads at H = 1024; w: steps/s of the pure TypeScript path at H = 512.
//   node bench/gru.js [--sizes 128,256,512,1024] [--samples 7] [--steps 1000] [--no-tfjs] [--threads N]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { spawnSync } = require('node:child_process');
const { argReader, median, now, uniform } = require('./lib/common');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = argReader(args);
const PHASE = arg('phase', 'all');
const THREADS = Number(arg('threads', typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));

const SIZES = arg('sizes', '128,256,512,1024').split(',').map(Number);
const SAMPLES = Math.max(7, Number(arg('samples', 7)));
const STEPS = Number(arg('steps', 1000));
const WITH_TFJS = !args.includes('--no-tfjs');
const I = 128;
const TOL = 1e-5;

function weights(H) {
  return {
    W: uniform(11 + H, 3 * H * I, 1 / Math.sqrt(I)),
    R: uniform(13 + H, 3 * H * H, 1 / Math.sqrt(H)),
    B: uniform(17 + H, 6 * H, 0.1),
    X: uniform(19 + H, STEPS * I, 1),
  };
}

function bundleEngine() {
  const out = path.join(ROOT, 'out/bench/gru-engine.js');
  const contents = "module.exports = { ...require('./src/core/gru/index.ts'), ...require('./src/node/gru-threads.ts') };";
  require('esbuild').buildSync({ stdin: { contents, resolveDir: ROOT, sourcefile: 'bench-gru-entry.js', loader: 'js' }, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', outfile: out, logLevel: 'silent' });
  return out;
}

function maxAbs(a, b, n = a.length) {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

function versions() {
  const v = (p) => { try { return require(`${p}/package.json`).version; } catch { return 'n/a'; } };
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, v8: process.versions.v8, pinned: process.env.GATESCOPE_BENCH_PINNED ? 'taskset -c 1' : 'no', onnxruntimeWeb: v('onnxruntime-web'), onnxruntimeNode: v('onnxruntime-node'), tfjs: v('@tensorflow/tfjs'), shared: 'machine shared with other jobs' };
}

/** Phase 1 (one thread). Returns the rows and targets; prints the table and JSON lines. */
async function singleThread() {
  await require('../scripts/build-wasm').buildWasm();
  const bundle = bundleEngine();
  const env = versions();
  const results = [];
  const emit = (o) => { results.push(o); };

  // Cold start first, before anything is loaded: load code + compile kernel + load weights + first step.
  const cold = {};
  const coldCpu = {};
  const cpuNow = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
  {
    const H = 512;
    const w = weights(H);
    let t0 = now();
    let c0 = cpuNow();
    const eng = require(bundle);
    const model = eng.fromOnnx({ W: { dims: [1, 3 * H, I], data: w.W }, R: { dims: [1, 3 * H, H], data: w.R }, B: { dims: [1, 6 * H], data: w.B }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
    eng.runGru(model, w.X.subarray(0, I), { batch: 1, steps: 1, kernel: 'wasm' });
    cold['native-wasm'] = now() - t0;
    coldCpu['native-wasm'] = cpuNow() - c0;
    t0 = now();
    c0 = cpuNow();
    const m2 = eng.fromOnnx({ W: { dims: [1, 3 * H, I], data: w.W }, R: { dims: [1, 3 * H, H], data: w.R }, B: { dims: [1, 6 * H], data: w.B }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
    eng.runGru(m2, w.X.subarray(0, I), { batch: 1, steps: 1, kernel: 'js' });
    cold['native-js'] = now() - t0;
    coldCpu['native-js'] = cpuNow() - c0;
    const bytes = require('./lib/onnx-gru-model').gruModelBytes({ W: w.W, R: w.R, B: w.B, inputSize: I, hiddenSize: H, linearBeforeReset: true });
    t0 = now();
    c0 = cpuNow();
    const ortWeb = require('onnxruntime-web');
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.wasm.wasmPaths = path.join(ROOT, 'node_modules/onnxruntime-web/dist') + '/';
    const s = await ortWeb.InferenceSession.create(bytes);
    await s.run({ X: new ortWeb.Tensor('float32', w.X.slice(0, I), [1, 1, I]) });
    cold['ort-web'] = now() - t0;
    coldCpu['ort-web'] = cpuNow() - c0;
    t0 = now();
    c0 = cpuNow();
    const ortNode = require('onnxruntime-node');
    const sn = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    await sn.run({ X: new ortNode.Tensor('float32', w.X.slice(0, I), [1, 1, I]) });
    cold['ort-node'] = now() - t0;
    coldCpu['ort-node'] = cpuNow() - c0;
    await s.release();
    await sn.release();
  }

  const eng = require(bundle);
  const ortWeb = require('onnxruntime-web');
  const ortNode = require('onnxruntime-node');
  let tf = null;
  if (WITH_TFJS) {
    tf = require('@tensorflow/tfjs');
    await tf.setBackend('cpu');
  }

  const rows = [];
  for (const H of SIZES) {
    console.error(`bench: H=${H}: building engines, checking parity, then ${SAMPLES} interleaved samples`);
    const w = weights(H);
    const onnxModel = eng.fromOnnx({ W: { dims: [1, 3 * H, I], data: w.W }, R: { dims: [1, 3 * H, H], data: w.R }, B: { dims: [1, 6 * H], data: w.B }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
    const bytes = require('./lib/onnx-gru-model').gruModelBytes({ W: w.W, R: w.R, B: w.B, inputSize: I, hiddenSize: H, linearBeforeReset: true });
    const sWeb = await ortWeb.InferenceSession.create(bytes);
    const sNode = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const dir = onnxModel.layers[0].directions[0];

    const engines = {
      'native-js': { steps: 0, run: async (T) => eng.runGru(onnxModel, w.X.subarray(0, T * I), { batch: 1, steps: T, kernel: 'js' }).layers[0] },
      'native-wasm': { steps: 0, run: async (T) => eng.runGru(onnxModel, w.X.subarray(0, T * I), { batch: 1, steps: T, kernel: 'wasm' }).layers[0] },
      'ort-web': { steps: 0, run: async (T) => ({ h: (await sWeb.run({ X: new ortWeb.Tensor('float32', w.X.subarray(0, T * I), [T, 1, I]) })).Y.data }) },
      'ort-node': { steps: 0, run: async (T) => ({ h: (await sNode.run({ X: new ortNode.Tensor('float32', w.X.subarray(0, T * I), [T, 1, I]) })).Y.data }) },
      'ort-web+gates': {
        steps: 0,
        run: async (T) => {
          const Y = (await sWeb.run({ X: new ortWeb.Tensor('float32', w.X.subarray(0, T * I), [T, 1, I]) })).Y.data;
          const hPrev = new Float32Array(T * H);
          hPrev.set(Y.subarray(0, (T - 1) * H), H);
          return eng.gatesFromStates(dir, onnxModel, w.X.subarray(0, T * I), hPrev, 1, T, I, H, 'wasm');
        },
      },
      'ort-node+gates': {
        steps: 0,
        run: async (T) => {
          const Y = (await sNode.run({ X: new ortNode.Tensor('float32', w.X.subarray(0, T * I), [T, 1, I]) })).Y.data;
          const hPrev = new Float32Array(T * H);
          hPrev.set(Y.subarray(0, (T - 1) * H), H);
          return eng.gatesFromStates(dir, onnxModel, w.X.subarray(0, T * I), hPrev, 1, T, I, H, 'wasm');
        },
      },
    };
    if (tf) {
      // TF.js GRU has no reset_after: it runs the reset-before-linear form (one bias). Its parity is
      // checked against the native engine on that same function (Keras loader, same W, R, Wb).
      const kernel = new Float32Array(I * 3 * H);
      for (let r = 0; r < 3 * H; r++) for (let j = 0; j < I; j++) kernel[j * 3 * H + r] = w.W[r * I + j];
      const rec = new Float32Array(H * 3 * H);
      for (let r = 0; r < 3 * H; r++) for (let j = 0; j < H; j++) rec[j * 3 * H + r] = w.R[r * H + j];
      const bias = w.B.slice(0, 3 * H);
      // Zero initializers: the weights are set right after, and the default orthogonal initializer
      // takes minutes in pure JS at H = 1024.
      const layer = tf.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [null, I], kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
      const seq = tf.sequential({ layers: [layer] });
      layer.setWeights([tf.tensor2d(kernel, [I, 3 * H]), tf.tensor2d(rec, [H, 3 * H]), tf.tensor1d(bias)]);
      const kerasModel = eng.fromKeras({ kernel: { dims: [I, 3 * H], data: kernel }, recurrentKernel: { dims: [H, 3 * H], data: rec }, bias: { dims: [3 * H], data: bias }, resetAfter: false, recurrentActivation: 'sigmoid' });
      engines.tfjs = {
        steps: 0,
        run: async (T) => tf.tidy(() => ({ h: seq.predict(tf.tensor3d(w.X.subarray(0, T * I), [1, T, I])).dataSync() })),
        reference: (T) => eng.runGru(kerasModel, w.X.subarray(0, T * I), { batch: 1, steps: T, kernel: 'js' }).layers[0].h,
      };
    }

    // Parity on a short prefix (and the full T for the fast engines' own outputs via native-wasm).
    const Tp = 20;
    const ref = await engines['native-js'].run(Tp);
    const parity = {};
    for (const [name, e] of Object.entries(engines)) {
      const got = await e.run(Tp);
      const want = e.reference ? e.reference(Tp) : ref.h;
      let err = maxAbs(got.h, want, Tp * H);
      if (got.r) for (const g of ['r', 'z', 'n']) err = Math.max(err, maxAbs(got[g], ref[g], Tp * H));
      parity[name] = err;
      if (!(err <= TOL)) throw new Error(`parity: ${name} differs from the reference by ${err} at H=${H} (limit ${TOL})`);
    }

    // Steps per sample: T (1000) for the fast engines; fewer, fixed per H, for the two pure-JS
    // engines (their per-step cost is flat in T, and a sample stays a few hundred ms). Not
    // calibrated at run time: a calibration sample hit by other load would skew every sample.
    for (const [name, e] of Object.entries(engines)) {
      const slow = { 'native-js': { 128: 1000, 256: 600, 512: 200, 1024: 60 }, tfjs: { 128: 20, 256: 10, 512: 5, 1024: 3 } }[name];
      e.steps = slow ? Math.min(STEPS, slow[H] ?? Math.max(10, Math.round((STEPS * 65536) / (H * H * (name === 'tfjs' ? 10 : 1))))) : STEPS;
      await e.run(e.steps);
    }
    const times = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
    const cpuTimes = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
    for (let s = 0; s < SAMPLES; s++) {
      for (const [name, e] of Object.entries(engines)) {
        const c0 = process.cpuUsage();
        const t0 = now();
        await e.run(e.steps);
        times[name].push(((now() - t0) * 1000) / e.steps);
        const c = process.cpuUsage(c0);
        cpuTimes[name].push((c.user + c.system) / e.steps);
      }
    }
    const flopsPerStep = 2 * 3 * H * (I + H);
    const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const cpuMed = Object.fromEntries(Object.entries(cpuTimes).map(([k, v]) => [k, median(v)]));
    for (const [name, v] of Object.entries(times)) {
      const m = med[name];
      const row = {
        id: `gru.${name}.I${I}.H${H}`, engine: name, I, H, T: engines[name].steps, value: m, unit: 'us/step', usPerStep: m,
        stepsPerSecond: 1e6 / m, gflops: flopsPerStep / (m * 1e3),
        speedupVsOrtWeb: med['ort-web'] / m, speedupVsOrtNode: med['ort-node'] / m,
        cpuUsPerStep: cpuMed[name], cpuSpeedupVsOrtWeb: cpuMed['ort-web'] / cpuMed[name], cpuSpeedupVsOrtNode: cpuMed['ort-node'] / cpuMed[name],
        samples: v.length, median: m, spread: (Math.max(...v) - Math.min(...v)) / m, parityMaxAbs: parity[name], gates: name.startsWith('native') || name.endsWith('+gates'), env,
      };
      rows.push(row);
      emit(row);
    }
    await sWeb.release();
    await sNode.release();
  }

  // Table.
  const pad = (s, n) => String(s).padStart(n);
  console.log(`GRU forward, I=${I}, batch 1, single thread (${env.pinned}), ${env.cpu}, Node ${env.node}; ${env.shared}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`${'engine'.padEnd(14)}${pad('H', 6)}${pad('T', 6)}${pad('us/step', 10)}${pad('cpu us', 9)}${pad('steps/s', 10)}${pad('GFLOP/s', 9)}${pad('vs ort-web', 11)}${pad('vs ort-node', 12)}${pad('spread', 8)}${pad('gates', 7)}`);
  for (const r of rows) {
    console.log(`${r.engine.padEnd(14)}${pad(r.H, 6)}${pad(r.T, 6)}${pad(r.usPerStep.toFixed(1), 10)}${pad(r.cpuUsPerStep.toFixed(1), 9)}${pad(Math.round(r.stepsPerSecond), 10)}${pad(r.gflops.toFixed(2), 9)}${pad(r.speedupVsOrtWeb.toFixed(2) + 'x', 11)}${pad(r.speedupVsOrtNode.toFixed(2) + 'x', 12)}${pad((r.spread * 100).toFixed(0) + '%', 8)}${pad(r.gates ? 'yes' : 'no', 7)}`);
  }
  // Targets from the issue, per H, from the medians above.
  const targets = [];
  for (const H of SIZES) {
    for (const [basis, key] of [['wall', 'usPerStep'], ['cpu', 'cpuUsPerStep']]) {
      const m = Object.fromEntries(rows.filter((r) => r.H === H).map((r) => [r.engine, r[key]]));
      targets.push({ id: `gru.target.wasmVsJs.H${H}.${basis}`, value: m['native-js'] / m['native-wasm'], unit: 'x', goal: '>= 6' });
      targets.push({ id: `gru.target.gatesVsOrtWebGates.H${H}.${basis}`, value: m['ort-web+gates'] / m['native-wasm'], unit: 'x', goal: '>= 1.2' });
      targets.push({ id: `gru.target.gatesVsOrtNodePlain.H${H}.${basis}`, value: m['ort-node'] / m['native-wasm'], unit: 'x', goal: '>= 1.0' });
      if (H === 512) targets.push({ id: `gru.target.jsStepsPerSecond.H512.${basis}`, value: 1e6 / m['native-js'], unit: 'steps/s', goal: '>= 1000' });
    }
  }
  console.log('targets:');
  for (const t of targets) console.log(`  ${t.id.padEnd(46)} ${t.value.toFixed(2)} ${t.unit} (goal ${t.goal})`);
  console.log(`cold start at H=512 (load code + kernel + weights + first step), ms wall (cpu): ${Object.entries(cold).map(([k, v]) => `${k} ${v.toFixed(1)} (${coldCpu[k].toFixed(1)})`).join(', ')}`);
  for (const r of rows) console.log(JSON.stringify(r));
  for (const t of targets) console.log(JSON.stringify({ ...t, samples: SAMPLES, env }));
  for (const [k, v] of Object.entries(cold)) console.log(JSON.stringify({ id: `gru.coldStart.${k}.H512`, engine: k, value: v, unit: 'ms', cpuMs: coldCpu[k], samples: 1, median: v, spread: 0, env }));
  const wall = (H, e) => rows.find((r) => r.H === H && r.engine === e)?.usPerStep;
  const ratio = (H) => (wall(H, 'ort-node') && wall(H, 'native-wasm') ? wall(H, 'ort-node') / wall(H, 'native-wasm') : null);
  return { gatesVsOrtNodePlain: { 512: ratio(512), 1024: ratio(1024) }, jsStepsPerSecond: { 512: wall(512, 'native-js') ? 1e6 / wall(512, 'native-js') : null } };
}

/**
 * Phase 2 (every core): at H = 1024, the native engine (WASM kernel, all gates) on one thread vs
 * THREADS threads, and onnxruntime-node plain with intraOpNumThreads 1 vs THREADS, interleaved.
 */
async function threadPhase() {
  await require('../scripts/build-wasm').buildWasm();
  const eng = require(bundleEngine());
  const ortNode = require('onnxruntime-node');
  const H = 1024;
  const N = THREADS;
  const w = weights(H);
  const model = eng.fromOnnx({ W: { dims: [1, 3 * H, I], data: w.W }, R: { dims: [1, 3 * H, H], data: w.R }, B: { dims: [1, 6 * H], data: w.B }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
  const bytes = require('./lib/onnx-gru-model').gruModelBytes({ W: w.W, R: w.R, B: w.B, inputSize: I, hiddenSize: H, linearBeforeReset: true });
  const s1 = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const sN = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: N, interOpNumThreads: 1, executionMode: 'sequential' });
  const pool = new eng.GruThreadPool(N);
  const kernel = pool.kernel();
  const T = STEPS;
  const x = w.X.subarray(0, T * I);
  const engines = {
    'native-wasm 1 thread': () => eng.runGru(model, x, { batch: 1, steps: T, kernel: 'wasm' }).layers[0],
    [`native-wasm ${N} threads`]: () => eng.runGru(model, x, { batch: 1, steps: T, kernel }).layers[0],
    'ort-node intraOp 1': async () => ({ h: (await s1.run({ X: new ortNode.Tensor('float32', x, [T, 1, I]) })).Y.data }),
    [`ort-node intraOp ${N}`]: async () => ({ h: (await sN.run({ X: new ortNode.Tensor('float32', x, [T, 1, I]) })).Y.data }),
  };
  // Parity first: the threaded engine must equal one thread bit for bit; onnxruntime within TOL.
  const ref = await engines['native-wasm 1 thread']();
  const parity = {};
  for (const [name, run] of Object.entries(engines)) {
    const got = await run();
    let err = maxAbs(got.h, ref.h);
    if (got.r) for (const g of ['r', 'z', 'n']) err = Math.max(err, maxAbs(got[g], ref[g]));
    parity[name] = err;
    const limit = name.startsWith('native') ? 0 : TOL;
    if (!(err <= limit)) throw new Error(`parity: ${name} differs from one thread by ${err} at H=${H} (limit ${limit})`);
  }
  const times = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  for (let s = 0; s < SAMPLES; s++) {
    for (const [name, run] of Object.entries(engines)) {
      const c0 = process.cpuUsage();
      const t0 = now();
      await run();
      times[name].push(((now() - t0) * 1000) / T);
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / T);
    }
  }
  pool.close();
  await s1.release();
  await sN.release();
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const cpuMed = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`GRU forward, I=${I}, H=${H}, batch 1, T=${T}, every core (${N} threads, unpinned), load average ${load}`);
  console.log(`${'engine'.padEnd(24)}${'us/step'.padStart(10)}${'cpu us'.padStart(10)}${'spread'.padStart(8)}${'parity'.padStart(10)}`);
  for (const name of Object.keys(engines)) {
    const v = times[name];
    console.log(`${name.padEnd(24)}${med[name].toFixed(1).padStart(10)}${cpuMed[name].toFixed(1).padStart(10)}${(((Math.max(...v) - Math.min(...v)) / med[name]) * 100).toFixed(0).padStart(7)}%${parity[name].toExponential(1).padStart(10)}`);
  }
  const env = { ...versions(), pinned: 'no', threads: N, loadavg: os.loadavg() };
  for (const name of Object.keys(engines)) {
    console.log(JSON.stringify({ id: `gru.threads.${name.replace(/ /g, '-')}.H${H}`, engine: name, I, H, T, value: med[name], unit: 'us/step', cpuUsPerStep: cpuMed[name], samples: SAMPLES, median: med[name], spread: (Math.max(...times[name]) - Math.min(...times[name])) / med[name], parityMaxAbs: parity[name], env }));
  }
  const speed = {
    threadSpeedup: med['native-wasm 1 thread'] / med[`native-wasm ${N} threads`],
    threadSpeedupCpu: cpuMed['native-wasm 1 thread'] / cpuMed[`native-wasm ${N} threads`],
    ortIntraOpSpeedup: med['ort-node intraOp 1'] / med[`ort-node intraOp ${N}`],
    threadedVsOrtNodeIntraOpN: med[`ort-node intraOp ${N}`] / med[`native-wasm ${N} threads`],
  };
  for (const [k, v] of Object.entries(speed)) console.log(JSON.stringify({ id: `gru.target.${k}.H${H}`, value: v, unit: 'x', goal: k === 'threadSpeedup' ? '>= 1.7' : 'measured', threads: N, samples: SAMPLES, env }));
  return { threadSpeedup: { 1024: speed.threadSpeedup } };
}

/** Runs a phase in a child process (pinned or not), passing its output through; returns its last line, parsed. */
function child(phase, pin) {
  const argv = [__filename, ...args, '--phase', phase];
  const env = { ...process.env, GATESCOPE_BENCH_PINNED: pin ? '1' : '' };
  let r = pin ? spawnSync('taskset', ['-c', '1', process.execPath, ...argv], { env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, encoding: 'utf8' }) : null;
  if (pin && r.error) {
    console.error(`bench: taskset unavailable (${r.error.message}); running unpinned`);
    r = null;
  }
  if (!r) r = spawnSync(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the ${phase} phase failed (status ${r.status})`);
  const lines = r.stdout.trimEnd().split('\n');
  const last = lines.pop();
  if (lines.length) console.log(lines.join('\n'));
  return JSON.parse(last);
}

async function main() {
  if (PHASE === 'single') {
    console.log(JSON.stringify(await singleThread()));
    return;
  }
  if (PHASE === 'threads') {
    console.log(JSON.stringify(await threadPhase()));
    return;
  }
  const pin = !args.includes('--no-pin');
  const single = pin ? child('single', true) : await singleThread();
  const threads = pin ? child('threads', false) : await threadPhase();
  const round = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : Number(v.toFixed(3))]));
  console.log(JSON.stringify({ gatesVsOrtNodePlain: round(single.gatesVsOrtNodePlain), threadSpeedup: round(threads.threadSpeedup), jsStepsPerSecond: round(single.jsStepsPerSecond) }));
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
