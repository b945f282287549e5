// Runs the real Gatescope pipeline (dist/host/worker.js, the worker the extension uses: onnxruntime-web
// + gate recompute + trace encoder) on a model with text input, outside VS Code, and prints the
// trace document as JSON. Used by make_notebook.py so the demo's output is a real trace.
//   node scripts/demo/trace-demo.js <model.onnx> <text> [precision] [--compare <other.onnx> --tolerance T]
// With --compare, the worker runs the text through both models and prints the comparison trace (the
// spec's `compare:` path, src/host/job-pipeline.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..', '..');

function main() {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const comparePath = option('--compare');
  const tolerance = Number(option('--tolerance') ?? '1e-5');
  const [modelPath, text, precision = 'auto'] = args;
  if (!modelPath || text === undefined || (comparePath !== undefined && !(tolerance >= 0))) {
    console.error('usage: node scripts/demo/trace-demo.js <model.onnx> <text> [precision] [--compare <other.onnx> --tolerance T]');
    process.exit(2);
  }
  const workerPath = path.join(ROOT, 'dist', 'host', 'worker.js');
  if (!fs.existsSync(workerPath)) {
    console.error(`${workerPath} is missing: run \`node esbuild.js\` first`);
    process.exit(2);
  }
  const worker = new Worker(workerPath);
  worker.on('message', (reply) => {
    if (reply.type === 'progress') return;
    if (reply.type === 'failed') {
      console.error(`trace failed: ${reply.name}: ${reply.message}`);
      process.exitCode = 1;
    } else {
      process.stdout.write(JSON.stringify(reply.document));
    }
    void worker.terminate();
  });
  worker.on('error', (e) => {
    console.error(e);
    process.exitCode = 1;
  });
  worker.postMessage({
    type: 'trace',
    modelName: path.basename(modelPath),
    modelBytes: new Uint8Array(fs.readFileSync(modelPath)),
    input: { kind: 'text', text },
    settings: { engine: 'onnxruntime', precision, maxBytes: 32 * 1024 * 1024, numThreads: 1 },
    wasmDir: path.join(ROOT, 'dist', 'ort'),
    ...(comparePath ? { compare: { modelName: path.basename(comparePath), modelBytes: new Uint8Array(fs.readFileSync(comparePath)), tolerance } } : {}),
  });
}

main();
