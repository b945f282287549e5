// The ONNX path as a web extension host runs it: bundled for platform browser (the shared esbuild
// plugin picks onnxruntime-web's non-JSEP WASM build) and run in a Web Worker in headless Chromium,
// with onnxruntime's runtime files served from one folder. Proves that the files in
// scripts/ort-files.js are exactly what onnxruntime-web fetches there, and that the trace matches.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureBytes, fixtureInputs } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plugins } = require('../../../scripts/esbuild-plugins.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ORT_RUNTIME_FILES } = require('../../../scripts/ort-files.js') as { ORT_RUNTIME_FILES: string[] };

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'http://gatescope.test';

const WORKER_SOURCE = `
import { traceOnnxModel } from './src/onnx/index';
self.onmessage = async (e) => {
  const { model, x, dims } = e.data;
  try {
    const { document: doc } = await traceOnnxModel({ modelBytes: model, inputs: { x: { dims, dtype: 'float32', data: x } }, wasmDir: self.location.origin + '/ort/', precision: 'float32' });
    self.postMessage({ ok: true, check: doc.check, layers: doc.layers.length, engine: doc.model.engine });
  } catch (err) {
    self.postMessage({ ok: false, error: String((err && err.stack) || err) });
  }
};`;

describe('ONNX path in a Web Worker (web extension host build)', function () {
  this.timeout(120000);

  it('traces gru1 with only the runtime files of scripts/ort-files.js', async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    const built = await esbuild.build({ stdin: { contents: WORKER_SOURCE, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, plugins, logLevel: 'silent' });
    const workerJs = built.outputFiles[0]!.text;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    const requested: string[] = [];
    try {
      const page = await browser.newPage();
      await page.context().route('**/*', (route) => {
        const url = new URL(route.request().url());
        requested.push(url.pathname);
        if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>worker</title>' });
        if (url.pathname === '/worker.js') return route.fulfill({ contentType: 'text/javascript', body: workerJs });
        const file = url.pathname.startsWith('/ort/') ? url.pathname.slice(5) : '';
        if (ORT_RUNTIME_FILES.includes(file)) {
          return route.fulfill({ contentType: file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', body: readFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist', file)) });
        }
        return route.fulfill({ status: 404, body: 'not served' });
      });
      await page.goto(`${ORIGIN}/`);
      const x = fixtureInputs('gru1').x!;
      const result = (await page.evaluate(
        ({ model, data, dims }) =>
          new Promise((resolve) => {
            const w = new Worker('/worker.js');
            w.onmessage = (e) => resolve(e.data);
            w.onerror = (e) => resolve({ ok: false, error: e.message });
            w.postMessage({ model: new Uint8Array(model), x: new Float32Array(data), dims });
          }),
        { model: Array.from(fixtureBytes('gru1.onnx')), data: Array.from(x.data as Float32Array), dims: x.dims },
      )) as { ok: boolean; error?: string; check?: { maxAbsError: number }; layers?: number; engine?: string };
      assert.ok(result.ok, result.error);
      assert.equal(result.layers, 1);
      assert.ok(result.check!.maxAbsError <= 1e-6, `max |h - Y| = ${result.check!.maxAbsError}`);
      assert.match(result.engine!, /^onnxruntime-web 1\.30\.0 \(wasm\)/);
      const ortRequests = [...new Set(requested.filter((p) => p.startsWith('/ort/')))].sort();
      assert.deepEqual(ortRequests, ORT_RUNTIME_FILES.map((f) => `/ort/${f}`).sort());
      assert.deepEqual(requested.filter((p) => !p.startsWith('/ort/') && p !== '/' && p !== '/worker.js'), []);
    } finally {
      await browser.close();
    }
  });
});
