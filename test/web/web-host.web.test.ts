// The browser entry (package.json `browser`, dist/host-web/extension.js) in a stand-in for the web
// extension host: a Chromium worker under the web host's CSP, without cross-origin isolation (see
// web-host.ts, host-worker.js). The worker runs the bundle's own job runner on the demo model's real
// bytes, with onnxruntime-web given its .wasm as bytes, and the results are compared with the Node
// host's path (the same job through dist/host/worker.js in a worker thread).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeTrace } from '../../src/core/trace/decode';
import { SidecarReader } from '../../src/core/trace/sidecar-reader';
import { sha256Hex } from '../../src/node/sidecar-file';
import type { TraceDocument } from '../../src/core/trace/document';
import { workerJobRunner } from '../../src/host/worker-client';
import type { ModelSummary, RunSettings, TraceJob } from '../../src/host/worker-protocol';
import { CHROMIUM, NO_GPU, ROOT, SWIFTSHADER_WEBGPU, WebHost } from './web-host';

const MODEL = 'media/demo/model.onnx';
const DEMO_TEXT = '(a(b "(" c)(a(b(c)a)b)) "))" a(b)';
const WEB_BUNDLE = path.join(ROOT, 'dist/host-web/extension.js');
const SETTINGS: RunSettings = { engine: 'onnxruntime', precision: 'float32', maxBytes: 8 * 1024 * 1024, numThreads: 1, pngPreview: true };

type WebJob = Omit<TraceJob, 'modelBytes'>;
interface Traced {
  ok: true;
  document: TraceDocument;
  preview?: { bytes: number; head: number[] };
  runtime: { numThreads: number; backend?: string };
  progress: { message: string; fraction?: number }[];
  ticks: number;
  ms: number;
  written: { dir: string; name: string; base64: string }[];
}
interface Failed {
  ok: false;
  name: string;
  message: string;
  progress: { message: string }[];
}

function job(input: TraceJob['input'], settings: Partial<RunSettings> = {}): WebJob {
  return { type: 'trace', modelName: 'model.onnx', input, settings: { ...SETTINGS, ...settings }, wasmDir: path.join(ROOT, 'dist/ort') };
}

/** Level-0 values of every gate of every layer entry, keyed "layer/direction/gate". */
function gates(doc: TraceDocument): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const l of decodeTrace(doc).layers) for (const g of l.gates) out.set(`${l.layer}/${l.direction}/${g.name}`, g.levels[0]!.mean!);
  return out;
}

function maxAbsDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  let m = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    assert.equal(x.length, y.length, k);
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}

describe('web extension host: the browser entry in a Chromium worker under the web host CSP', function () {
  let host: WebHost;
  const node = workerJobRunner(path.join(ROOT, 'dist/host/worker.js'));
  const modelBytes = readFileSync(path.join(ROOT, MODEL));

  async function both(webJob: WebJob): Promise<{ web: Traced; nodeDoc: TraceDocument }> {
    const web = await host.send<Traced | Failed>({ cmd: 'trace', model: `/${MODEL}`, job: webJob });
    assert.ok(web.ok, web.ok ? '' : `${web.name}: ${web.message}`);
    const nodeRun = await node.trace({ ...webJob, settings: { ...webJob.settings, numThreads: 1 }, modelBytes: new Uint8Array(modelBytes) } as TraceJob);
    return { web, nodeDoc: nodeRun.document };
  }

  before(async function () {
    this.timeout(120000);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    if (!existsSync(WEB_BUNDLE)) throw new Error('dist/host-web/extension.js is missing: run `node esbuild.js` first (npm run test:web does)');
    host = await WebHost.start();
  });

  after(async () => {
    await host?.close();
  });

  it('package.json names the bundle as its browser entry, and the bundle requires nothing but vscode', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { browser?: string };
    assert.equal(pkg.browser, './dist/host-web/extension.js');
    const required = [...readFileSync(WEB_BUNDLE, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['vscode']);
  });

  it('the worker runs under the web host CSP: eval allowed, a data: script refused, not cross-origin isolated', async () => {
    const r = await host.send<{ csp: { evalAllowed: boolean; dataScriptAllowed: boolean; crossOriginIsolated: boolean; sharedArrayBuffer: boolean } }>({ cmd: 'csp' });
    assert.equal(r.csp.evalAllowed, true);
    assert.equal(r.csp.dataScriptAllowed, false);
    assert.equal(r.csp.crossOriginIsolated, false);
    assert.equal(r.csp.sharedArrayBuffer, false);
  });

  it("inspects the demo model like the Node host (inputs, GRU count, vocabulary)", async () => {
    const web = await host.send<{ ok: boolean; summary: ModelSummary; message?: string }>({ cmd: 'inspect', model: `/${MODEL}` });
    assert.ok(web.ok, web.message);
    assert.deepEqual(web.summary, await node.inspect(new Uint8Array(modelBytes)));
    assert.equal(web.summary.gruNodes, 1);
  });

  it('traces the demo text with onnxruntime-web: gates equal the Node host path, checked against Y, with a PNG preview', async () => {
    // gatescope.onnxruntimeThreads 4 is overridden: the web host has no SharedArrayBuffer.
    const { web, nodeDoc } = await both(job({ kind: 'text', text: DEMO_TEXT }, { numThreads: 4 }));
    const diff = maxAbsDiff(gates(web.document), gates(nodeDoc));
    assert.ok(diff <= 1e-6, `max |web - node| = ${diff}`);
    assert.equal(web.document.steps, DEMO_TEXT.length);
    assert.deepEqual(web.document.tokens, nodeDoc.tokens);
    assert.ok(web.document.check!.maxAbsError <= 1e-5, `max |h - Y| = ${web.document.check!.maxAbsError}`);
    assert.match(web.document.model.engine, /^onnxruntime-web 1\.30\.\d+ \(wasm\)/);
    assert.match(web.document.producer!, /\(vscode web\)$/);
    assert.equal(web.runtime.numThreads, 1);
    assert.deepEqual(web.preview!.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    console.log(`      web host: demo text (${DEMO_TEXT.length} steps) traced in ${web.ms.toFixed(0)} ms (first run: wasm compile included)`);
  });

  it('runs the native engine: gates equal the Node host native path and the onnxruntime run', async () => {
    const input = { kind: 'random', seed: 3, steps: 400 } as const;
    const { web, nodeDoc } = await both(job(input, { engine: 'native' }));
    assert.match(web.document.model.engine, /^gatescope-native/);
    const diff = maxAbsDiff(gates(web.document), gates(nodeDoc));
    assert.ok(diff <= 1e-6, `max |web - node| (native) = ${diff}`);
    const ort = await host.send<Traced>({ cmd: 'trace', model: `/${MODEL}`, job: job(input) });
    const engines = maxAbsDiff(gates(web.document), gates(ort.document));
    assert.ok(engines <= 1e-5, `max |native - onnxruntime| = ${engines}`);
    assert.ok(web.document.check!.maxAbsError <= 1e-5);
  });

  it('reports progress through every stage and yields to the event loop while it runs', async () => {
    const web = await host.send<Traced>({ cmd: 'trace', model: `/${MODEL}`, job: job({ kind: 'random', seed: 1, steps: 2000 }) });
    assert.ok(web.ok);
    const stages = [...new Set(web.progress.map((p) => p.message))];
    assert.deepEqual(stages, ['session', 'run', 'gates', 'encoding']);
    const fractions = web.progress.map((p) => p.fraction!);
    assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), 'progress only moves forward');
    assert.ok(web.ticks >= stages.length, `a timer ran ${web.ticks} times during the job`);
  });

  it('cancellation stops a job between stages, and the next job still runs', async () => {
    const cancelled = await host.send<Failed>({ cmd: 'trace', model: `/${MODEL}`, job: job({ kind: 'random', seed: 2, steps: 500 }), cancelAt: 'run' });
    assert.equal(cancelled.ok, false);
    assert.equal(cancelled.name, 'CancelledError');
    assert.ok(!cancelled.progress.some((p) => p.message === 'encoding'), 'no stage after the cancelled one ran');
    const next = await host.send<Traced>({ cmd: 'trace', model: `/${MODEL}`, job: job({ kind: 'text', text: 'a(b)' }) });
    assert.ok(next.ok);
    assert.equal(next.document.steps, 4);
  });

  it('a run beyond the output budget writes its sidecar through the host\'s writeFile; every hash checks out', async () => {
    const dir = 'vscode-vfs://github/gatescope/demo/notebooks';
    const web = await host.send<Traced | Failed>({ cmd: 'trace', model: `/${MODEL}`, job: { ...job({ kind: 'random', seed: 4, steps: 3000 }), sidecar: { dir, stem: 'big.ipynb' }, settings: { ...SETTINGS, maxBytes: 64 * 1024 } } });
    assert.ok(web.ok, web.ok ? '' : `${web.name}: ${web.message}`);
    const ref = web.document.sidecar!;
    assert.match(ref.file, /^big\.ipynb-[0-9a-f]{12}\.gatescope\.safetensors$/);
    assert.equal(web.written.length, 1);
    assert.equal(web.written[0]!.dir, dir);
    assert.equal(web.written[0]!.name, ref.file);
    const file = Buffer.from(web.written[0]!.base64, 'base64');
    assert.equal(file.length, ref.bytes);
    // The reader checks the header against the document's hash, and each tile against the header's.
    const reader = await SidecarReader.open({ size: file.length, read: async (a, b) => new Uint8Array(file.subarray(a, b)) }, ref, sha256Hex);
    const decoded = decodeTrace(web.document);
    let tiles = 0;
    for (const l of decoded.layers) {
      for (const g of l.gates) {
        const remote = g.levels[0]!.remote;
        assert.ok(remote, `${g.name}: level 0 lives in the sidecar`);
        await reader.tileBytes(remote.mean.tensor, 0, 0);
        tiles++;
      }
    }
    assert.equal(tiles, 4);
  });

  it('a run beyond the output budget without a sidecar target (an untitled notebook) says to save it first', async () => {
    const web = await host.send<Failed>({ cmd: 'trace', model: `/${MODEL}`, job: { ...job({ kind: 'random', seed: 4, steps: 3000 }), settings: { ...SETTINGS, maxBytes: 64 * 1024 } } });
    assert.equal(web.ok, false);
    assert.equal(web.name, 'TraceSizeError');
    assert.match(web.message, /save the notebook first/);
  });

  it('fetched only its own files: the entry and the .wasm it reads as bytes, never onnxruntime-web\'s loader script', () => {
    const fetched = [...new Set(host.requested)].sort();
    assert.deepEqual(fetched, ['/', '/dist/host-web/extension.js', '/dist/ort/ort-wasm-simd-threaded.jsep.wasm', `/${MODEL}`, '/host-worker.js'].sort());
  });
});

describe('web extension host: gatescope.backend = webgpu', function () {
  const node = workerJobRunner(path.join(ROOT, 'dist/host/worker.js'));
  const modelBytes = readFileSync(path.join(ROOT, MODEL));
  const input = { kind: 'text', text: DEMO_TEXT } as const;

  it('without a WebGPU adapter (navigator.gpu present, GPU disabled) runs on wasm and says so', async function () {
    this.timeout(120000);
    const host = await WebHost.start(NO_GPU);
    try {
      const csp = await host.send<{ csp: { gpu: boolean; secure: boolean } }>({ cmd: 'csp' });
      assert.deepEqual(csp.csp, { ...csp.csp, gpu: true, secure: true });
      const web = await host.send<Traced>({ cmd: 'trace', model: `/${MODEL}`, job: job(input, { backend: 'webgpu' }) });
      assert.ok(web.ok, (web as unknown as Failed).message);
      assert.equal(web.runtime.backend, 'wasm');
      assert.match(web.document.model.engine, /\(wasm\)/);
      assert.ok(web.document.warnings!.some((w) => /gatescope\.backend is "webgpu" and navigator\.gpu exists, but the browser gives no WebGPU adapter/.test(w)), web.document.warnings!.join('\n'));
    } finally {
      await host.close();
    }
  });

  it('with a WebGPU adapter (SwiftShader) runs on webgpu, and the check compares every gate with the wasm run', async function () {
    this.timeout(180000);
    const host = await WebHost.start(SWIFTSHADER_WEBGPU);
    try {
      for (const engine of ['onnxruntime', 'native'] as const) {
        const web = await host.send<Traced | Failed>({ cmd: 'trace', model: `/${MODEL}`, job: job(input, { backend: 'webgpu', engine }) });
        assert.ok(web.ok, web.ok ? '' : `${web.name}: ${web.message}`);
        assert.equal(web.runtime.backend, 'webgpu');
        assert.match(web.document.model.engine, /\(webgpu\)/);
        const check = web.document.check!;
        assert.match(check.reference, /every gate of the same run on onnxruntime-web's wasm backend/);
        assert.equal(check.passed, true, `${engine}: ${check.reference}`);
        assert.ok(check.maxAbsError <= check.tolerance!, `${engine}: ${check.maxAbsError}`);
        assert.ok(web.progress.some((p) => p.message === 'checking against wasm'));
        // Independently of the check: the WebGPU gates against the Node host's wasm run.
        const nodeRun = await node.trace({ ...job(input, { engine }), modelBytes: new Uint8Array(modelBytes) } as TraceJob);
        const diff = maxAbsDiff(gates(web.document), gates(nodeRun.document));
        assert.ok(diff <= check.tolerance!, `${engine}: max |webgpu - node wasm| = ${diff}`);
        console.log(`      webgpu (SwiftShader), ${engine}: max |webgpu - wasm| ${diff.toExponential(2)}, ${web.ms.toFixed(0)} ms with the wasm re-run`);
      }
    } finally {
      await host.close();
    }
  });
});
