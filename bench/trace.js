// The whole `gatescope trace` path against plain inference of the same model in onnxruntime-node.
//   trace (onnxruntime) : instrumented model run in onnxruntime-web (WASM) + gates recomputed from
//                         its states and checked against Y + encodeTrace (float32)
//   trace (native)      : same onnxruntime-web run for X + the node's recurrence in Gatescope's engine + encode
//   ort-node plain      : onnxruntime-node session.run of the original model (Y only, no gates)
//   ort-web plain       : the same in onnxruntime-web (WASM), to split the ratio into runtime and gates
// Also: the first onnxruntime-web session in a fresh process (compiling its .wasm) against later
// sessions, and whether onnxruntime-web's WebGL/WebGPU backends exist in Node.
// Single-threaded: re-executes itself under `taskset -c 1` (pass --no-pin to skip); onnxruntime gets
// one thread. Seeded weights (bench/lib/onnx-gru-model.js); parity is checked before timing.
// Timing: the engines interleaved (A B C A B C ...), after warm-up, median of >= 7 samples, each
// sample repeating runs for >= 250 ms. Output: a table, then one JSON line per metric, and last the
// summary of issue #12: {"worstTraceVsOrtNode": a, "encodeShareMax": b} with
//   a = max over sizes of (trace onnxruntime, the CLI's default engine) / (ort-node plain), both medians;
//   b = max over sizes of encodeTrace's time / the whole trace's time (median of 5 staged traces).
//   node bench/trace.js [--samples 7] [--sizes 0,1,2,3] [--no-pin] [--no-first]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { argReader, median, now, pinToOneCore, uniform } = require('./lib/common');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = argReader(args);

if (!args.includes('--first-session-child')) pinToOneCore(__filename, args);

const SAMPLES = Math.max(7, Number(arg('samples', 7)));
const TARGET_MS = 250;
/** [inputSize, hiddenSize, steps, batch] */
const SIZES = [
  [128, 512, 256, 1],
  [64, 128, 1024, 1],
  [128, 256, 256, 4],
  [256, 1024, 64, 1],
];

function modelBytes(I, H, seed) {
  const { gruModelBytes } = require('./lib/onnx-gru-model');
  return gruModelBytes({ W: uniform(seed + 1, 3 * H * I, 1 / Math.sqrt(I)), R: uniform(seed + 2, 3 * H * H, 1 / Math.sqrt(H)), B: uniform(seed + 3, 6 * H, 0.1), inputSize: I, hiddenSize: H, linearBeforeReset: true });
}

/** Bundles the ONNX path (src/onnx + encodeTrace) as the CLI bundle is built (same shared plugins). */
async function bundleOnnxPath() {
  const out = path.join(ROOT, 'out/bench/trace-path.js');
  await require('esbuild').build({
    stdin: {
      contents: "export * from './src/onnx/index'; export { ort } from './src/onnx/session'; export { encodeTrace } from './src/core/trace/encode';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'es2022', outfile: out, logLevel: 'silent', plugins: require('../scripts/esbuild-plugins').plugins,
  });
  return out;
}

/** The package's own copy of the runtime files (dist/ort/ holds the same two, but `node esbuild.js` rewrites it). */
function wasmDir() {
  return path.join(ROOT, 'node_modules/onnxruntime-web/dist');
}

function versions() {
  const v = (p) => { try { return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version; } catch { return 'n/a'; } };
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage1m: os.loadavg()[0], node: process.version, v8: process.versions.v8, pinned: process.env.GATESCOPE_BENCH_PINNED ? 'taskset -c 1' : 'no', onnxruntimeWeb: v('onnxruntime-web'), onnxruntimeNode: v('onnxruntime-node'), shared: 'machine shared with other jobs' };
}

/** Child mode: one fresh process, first onnxruntime-web session vs the next ones (ms, JSON on stdout). */
async function firstSessionChild(bundle) {
  const P = require(bundle);
  const I = 128, H = 512, T = 16;
  const inputs = { X: { dims: [T, 1, I], dtype: 'float32', data: uniform(5, T * I, 1) } };
  const times = [];
  for (let k = 0; k < 4; k++) {
    const bytes = modelBytes(I, H, 100 + k);
    const t0 = now();
    await P.runOnnxTrace({ modelBytes: bytes, inputs, wasmDir: wasmDir() });
    times.push(now() - t0);
  }
  process.stdout.write(JSON.stringify({ first: times[0], later: times.slice(1) }));
}

async function backendsInNode(P) {
  const bytes = modelBytes(8, 8, 1);
  const out = {};
  for (const ep of ['webgl', 'webgpu']) {
    try {
      const s = await P.ort.InferenceSession.create(bytes, { executionProviders: [ep] });
      out[ep] = `available (${s.inputNames.length} input)`;
      await s.release();
    } catch (e) {
      out[ep] = `unavailable: ${String(e.message).split('\n')[0]}`;
    }
  }
  return out;
}

async function main() {
  const bundle = await bundleOnnxPath();
  if (args.includes('--first-session-child')) return firstSessionChild(bundle);
  const env = versions();
  const lines = [];

  let first = null;
  if (!args.includes('--no-first')) {
    const firsts = [];
    const laters = [];
    for (let k = 0; k < SAMPLES; k++) {
      const r = spawnSync(process.execPath, [__filename, '--first-session-child', '--no-pin'], { encoding: 'utf8', env: process.env });
      if (r.status !== 0) throw new Error(`first-session child failed: ${r.stderr}`);
      const o = JSON.parse(r.stdout);
      firsts.push(o.first);
      laters.push(...o.later);
    }
    first = { first: median(firsts), firstSpread: (Math.max(...firsts) - Math.min(...firsts)) / median(firsts), later: median(laters), laterSpread: (Math.max(...laters) - Math.min(...laters)) / median(laters), n: firsts.length };
    lines.push({ id: 'trace.firstSession.ms', value: first.first, unit: 'ms', samples: firsts.length, median: first.first, spread: first.firstSpread, what: 'first traceOnnxModel in a fresh process (I=128 H=512 T=16): onnxruntime-web WASM compile + session + run + gates', env });
    lines.push({ id: 'trace.laterSession.ms', value: first.later, unit: 'ms', samples: laters.length, median: first.later, spread: first.laterSpread, what: 'same, for a new model later in the same process (session + run + gates)', env });
  }

  const P = require(bundle);
  const ortNode = require('onnxruntime-node');
  const backends = await backendsInNode(P);
  lines.push({ id: 'trace.backends.node', value: backends, env });

  const rows = [];
  const stages = [];
  const pick = arg('sizes', SIZES.map((_, i) => i).join(',')).split(',').map(Number);
  for (const [I, H, T, B] of pick.map((i) => SIZES[i])) {
    const bytes = modelBytes(I, H, 1000 + H);
    const x = uniform(7 + H, T * B * I, 1);
    const inputs = { X: { dims: [T, B, I], dtype: 'float32', data: x } };
    const sNode = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    const feedNode = { X: new ortNode.Tensor('float32', x, [T, B, I]) };
    const key = `bench-${I}-${H}`;
    const trace = async (engine) => {
      const { input } = await P.runOnnxTrace({ modelBytes: bytes, modelKey: key, inputs, engine, wasmDir: wasmDir() });
      const doc = P.encodeTrace(input, { precision: 'float32', maxBytes: Infinity });
      return { input, doc };
    };
    // Parity first: trace h against onnxruntime-node's Y.
    const yNode = (await sNode.run(feedNode)).Y.data;
    const parity = {};
    for (const engine of ['onnxruntime', 'native']) {
      const { input } = await trace(engine);
      const h = input.layers[0].gates.h;
      let m = 0;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < H; i++) m = Math.max(m, Math.abs(h[(b * T + t) * H + i] - yNode[(t * B + b) * H + i]));
      if (!(m <= 1e-5)) throw new Error(`parity: trace (${engine}) h differs from onnxruntime-node Y by ${m}`);
      parity[engine] = m;
    }
    const sWeb = await P.ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const feedWeb = () => ({ X: new P.ort.Tensor('float32', x, [T, B, I]) });
    const engines = {
      'ort-node plain': async () => { await sNode.run(feedNode); },
      'ort-web plain': async () => { await sWeb.run(feedWeb()); },
      'trace onnxruntime': async () => { await trace('onnxruntime'); },
      'trace native': async () => { await trace('native'); },
    };
    // Runs per sample so that each sample lasts >= TARGET_MS.
    const reps = {};
    for (const [name, fn] of Object.entries(engines)) {
      await fn();
      const t0 = now();
      await fn();
      reps[name] = Math.max(1, Math.ceil(TARGET_MS / Math.max(0.01, now() - t0)));
    }
    const samples = Object.fromEntries(Object.keys(engines).map((n) => [n, []]));
    for (let s = 0; s < SAMPLES; s++) {
      for (const [name, fn] of Object.entries(engines)) {
        const t0 = now();
        for (let r = 0; r < reps[name]; r++) await fn();
        samples[name].push((now() - t0) / reps[name]);
      }
    }
    // Stage split (median of 5 traces, session cached): onnxruntime-web run, gate recovery + check, encodeTrace.
    const stageRuns = [];
    for (let k = 0; k < 5; k++) {
      const { input, timings } = await P.runOnnxTrace({ modelBytes: bytes, modelKey: key, inputs, wasmDir: wasmDir() });
      const t0 = now();
      P.encodeTrace(input, { precision: 'float32', maxBytes: Infinity });
      stageRuns.push({ ...timings, encodeMs: now() - t0 });
    }
    const timings = Object.fromEntries(['prepareMs', 'sessionMs', 'runMs', 'gatesMs', 'encodeMs'].map((k) => [k, median(stageRuns.map((r) => r[k]))]));
    // Share of each staged trace's whole time (prepare + session + run + gates + encode) spent encoding.
    const encodeShare = median(stageRuns.map((r) => r.encodeMs / (r.prepareMs + r.sessionMs + r.runMs + r.gatesMs + r.encodeMs)));
    stages.push({ I, H, T, B, ...timings, encodeShare, traceVsOrtNode: median(samples['trace onnxruntime']) / median(samples['ort-node plain']) });
    const plain = median(samples['ort-node plain']);
    for (const [name, v] of Object.entries(samples)) {
      const m = median(v);
      const row = { name, I, H, T, B, ms: m, usPerStep: (m * 1000) / T, ratio: m / plain, spread: (Math.max(...v) - Math.min(...v)) / m, samples: v.length };
      rows.push(row);
      lines.push({ id: `trace.${name.replace(/ /g, '-')}.I${I}.H${H}.T${T}.B${B}`, value: row.usPerStep, unit: 'us/step', samples: v.length, median: m, spread: row.spread, ratioVsOrtNodePlain: row.ratio, parityMaxAbs: name.endsWith('plain') ? undefined : parity[name.split(' ')[1]], env });
    }
    lines.push({ id: `trace.stages.I${I}.H${H}.T${T}.B${B}`, value: timings, unit: 'ms', samples: 1, env });
    lines.push({ id: `trace.target.traceVsOrtNodePlain.I${I}.H${H}.T${T}.B${B}`, value: median(samples['trace onnxruntime']) / plain, unit: 'x', goal: '<= 2 (stretch 1.5)', env });
    lines.push({ id: `trace.traceVsOrtWebPlain.I${I}.H${H}.T${T}.B${B}`, value: median(samples['trace onnxruntime']) / median(samples['ort-web plain']), unit: 'x', env });
    await sNode.release();
    await sWeb.release();
  }

  const pad = (s, n) => String(s).padStart(n);
  console.log(`trace path vs onnxruntime-node plain inference, single thread (${env.pinned}), ${env.cpu}, node ${env.node}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${env.cores} cores`);
  if (first) console.log(`first onnxruntime-web session in a fresh process: ${first.first.toFixed(0)} ms (spread ${(first.firstSpread * 100).toFixed(0)}%, n=${first.n}); a new model later: ${first.later.toFixed(1)} ms (spread ${(first.laterSpread * 100).toFixed(0)}%)`);
  console.log(`onnxruntime-web backends in Node: webgl ${backends.webgl}; webgpu ${backends.webgpu}`);
  console.log(`${'path'.padEnd(20)}${pad('I', 5)}${pad('H', 6)}${pad('T', 6)}${pad('B', 3)}${pad('ms/run', 10)}${pad('us/step', 10)}${pad('vs ort-node', 13)}${pad('spread', 8)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(20)}${pad(r.I, 5)}${pad(r.H, 6)}${pad(r.T, 6)}${pad(r.B, 3)}${pad(r.ms.toFixed(2), 10)}${pad(r.usPerStep.toFixed(1), 10)}${pad(`${r.ratio.toFixed(2)}x`, 13)}${pad(`${(r.spread * 100).toFixed(0)}%`, 8)}`);
  }
  console.log('trace onnxruntime, stages (median of 5, ms): onnxruntime-web run of the instrumented model | gate recovery + check | encodeTrace float32');
  for (const st of stages) console.log(`  I=${st.I} H=${st.H} T=${st.T} B=${st.B}: run ${st.runMs.toFixed(1)} | gates ${st.gatesMs.toFixed(1)} | encode ${st.encodeMs.toFixed(1)} (${(st.encodeShare * 100).toFixed(1)}% of the trace)`);
  for (const l of lines) console.log(JSON.stringify(l));
  console.log(JSON.stringify({ worstTraceVsOrtNode: Math.max(...stages.map((s) => s.traceVsOrtNode)), encodeShareMax: Math.max(...stages.map((s) => s.encodeShare)) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
