// The extension in a real web extension host: code-server's web worker extension host (VS Code
// 1.139), offline. With `remote.extensionKind` {"gatescope.gatescope": ["web"]} the workbench loads
// the development extension's `browser` entry in its web worker host; the test entry
// (code-server/web-worker-host.test.ts) runs in the Node host and reaches the extension through the
// VS Code API, across the hosts. Its mocha results come back as a report and become tests here;
// after them, the driver looks at a saved sidecar-backed output: drawn by the renderer, then zoomed
// until the web host's tile server (reading the sidecar through vscode.workspace.fs) sends full detail.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import type { Browser, Page } from 'playwright-core';
import type { Frame } from 'playwright-core';
import { encodeTrace, type TraceDocument } from '../../src/core/trace';
import { writeSidecarFile } from '../../src/node/sidecar-file';
import { TRACE_ATTR, TRACE_ROOT } from '../../src/core/view/status-contract';
import { PYTORCH_CONVENTION, stepSpanOf, traceOutput, waitForStepSpanBelow, writeNotebook } from '../e2e/harness';
import type { IntegrationReport } from '../integration/runner';
import { ROOT } from './web-host';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plugins, define } = require('../../scripts/esbuild-plugins.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startCodeServer, launchChromium } = require('../../scripts/vscode-offline.js') as {
  startCodeServer(o: object): Promise<{ url: string; port: number; logPath: string; stop(): Promise<void> }>;
  launchChromium(): Promise<Browser>;
};

const REPORT_TIMEOUT_MS = 240000;

/**
 * Bundles the in-host suite to `outfile`, which must lie outside the extension's folder: VS Code runs
 * a test entry in the extension host of the development extension whose folder holds it (inside,
 * that is the web worker host, where mocha and the report's Node fs are missing); outside, in the
 * Node host. mocha stays external, required by absolute path.
 */
async function buildEntry(outfile: string): Promise<void> {
  const contents = ["const runner = require('../integration/runner');", 'runner.prepare();', "require('./code-server/web-worker-host.test');", 'module.exports = { run: runner.run };'].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: __dirname, sourcefile: 'web-host-entry.js', loader: 'js' },
    bundle: true,
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    plugins: [...plugins, { name: 'mocha-by-path', setup: (b: import('esbuild').PluginBuild) => b.onResolve({ filter: /^mocha$/ }, () => ({ path: require.resolve('mocha'), external: true })) }],
    define,
    logLevel: 'silent',
  });
}

/** The frame holding `selector`; undefined after `timeoutMs` or once `giveUp()` is true. */
async function frameWith(page: Page, selector: string, timeoutMs: number, giveUp: () => boolean = () => false): Promise<Frame | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !giveUp()) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // detached while looking
      }
    }
    await page.waitForTimeout(250);
  }
  return undefined;
}

/** A 20,000-step trace whose fine levels go to a sidecar written beside `dir`'s notebook. */
async function sidecarTrace(dir: string): Promise<TraceDocument> {
  const T = 20000;
  const H = 16;
  const gate = (f: (t: number, u: number) => number): Float32Array => {
    const a = new Float32Array(T * H);
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) a[t * H + u] = f(t, u);
    return a;
  };
  const { document, sidecar } = encodeTrace(
    {
      model: { name: 'web host sidecar fixture', source: 'pytorch', engine: 'test fixture' },
      layers: [
        {
          layer: 0,
          direction: 'forward',
          cell: 'gru',
          hiddenSize: H,
          convention: PYTORCH_CONVENTION,
          gates: { r: gate((t, u) => 0.5 + 0.5 * Math.sin(t / 900 + u)), z: gate((t, u) => 0.5 + 0.5 * Math.cos(t / 1300 - u)), n: gate((t, u) => Math.sin(t / 70 + u)), h: gate((t, u) => Math.sin(t * 0.37 + u) * 0.9) },
        },
      ],
      batch: 1,
      steps: T,
    },
    { precision: 'float32', maxBytes: 200_000, sidecar: { stem: 'long.ipynb', precision: 'float32' } },
  );
  assert.ok(sidecar, 'the fixture must need a sidecar');
  mkdirSync(dir, { recursive: true });
  document.sidecar = await writeSidecarFile(sidecar, dir);
  return document;
}

/** Zooms the output in ('+' keys) until it shows fewer than `under` steps. */
async function zoomUnder(page: Page, frame: Frame, under: number): Promise<void> {
  await frame.focus(`${TRACE_ROOT} .gs-stack`);
  for (let i = 0; i < 60 && (await stepSpanOf(frame)) >= under; i++) {
    const was = await stepSpanOf(frame);
    await page.keyboard.press('+');
    await waitForStepSpanBelow(frame, was);
  }
}

describe("code-server's web worker extension host (the extension's browser entry)", function () {
  this.timeout(REPORT_TIMEOUT_MS + 120000);
  let stop: (() => Promise<void>) | undefined;
  const consoleLines: string[] = [];
  let rendered = false;
  let tiles: { detail: string | null; loaded: number; error: string | null } | undefined;

  before(async function () {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatescope-web-host-'));
    const entry = path.join(tmp, 'tests', 'index.js');
    await buildEntry(entry);
    const workspace = path.join(tmp, 'workspace');
    mkdirSync(workspace);
    copyFileSync(path.join(ROOT, 'media/demo/model.onnx'), path.join(workspace, 'demo.onnx'));
    copyFileSync(path.join(ROOT, 'media/demo/model.onnx'), path.join(workspace, 'model.onnx'));
    writeNotebook(workspace, 'sidecar/long.ipynb', [[traceOutput(await sidecarTrace(path.join(workspace, 'sidecar')))]]);
    const reportPath = path.join(tmp, 'report.json');
    const server = await startCodeServer({
      workspace,
      userDataDir: tmp,
      quiet: true,
      env: { GATESCOPE_TEST_REPORT: reportPath },
      settings: { 'remote.extensionKind': { 'gatescope.gatescope': ['web'] }, 'notebook.confirmDeleteRunningCell': false },
    });
    const browser = await launchChromium();
    stop = async () => {
      await browser.close();
      await server.stop();
    };
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => consoleLines.push(m.text()));
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(entry)],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    // The suite's last test opens the sidecar-backed notebook and waits (the hosts end with the suite)
    // until the driver has zoomed it and written driver-done.
    const ready = path.join(workspace, 'host-ready');
    for (const until = Date.now() + REPORT_TIMEOUT_MS; !existsSync(ready) && !existsSync(reportPath) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 250));
    const frame = existsSync(ready) ? await frameWith(page, `${TRACE_ROOT}[${TRACE_ATTR.stepsEnd}="20000"] canvas[data-gate="h"]`, 60000, () => existsSync(reportPath)) : undefined;
    rendered = frame !== undefined;
    if (frame) {
      await zoomUnder(page, frame, 200);
      await frame
        .waitForFunction(
          ([sel, detail, error]) => {
            const e = document.querySelector(sel);
            return e?.getAttribute(detail) === 'full' || e?.hasAttribute(error);
          },
          [TRACE_ROOT, TRACE_ATTR.detail, TRACE_ATTR.tilesError] as const,
          { timeout: 60000 },
        )
        .catch(() => undefined);
      tiles = await frame.$eval(TRACE_ROOT, (e, a) => ({ detail: e.getAttribute(a.detail), loaded: Number(e.getAttribute(a.tilesLoaded) ?? 0), error: e.getAttribute(a.tilesError) }), TRACE_ATTR);
    }
    writeFileSync(path.join(workspace, 'driver-done'), '');
    const deadline = Date.now() + 60000;
    while (!existsSync(reportPath)) {
      if (Date.now() > deadline) {
        throw new Error(`no report from the extension host within ${REPORT_TIMEOUT_MS / 1000} s; the workbench's console ended with:\n${consoleLines.slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as IntegrationReport;
    if (report.fatal) throw new Error(`the in-host suite did not run: ${report.fatal}`);
    // One test here per test that ran inside VS Code, with its result.
    const suite = this.test!.parent!;
    for (const t of report.tests) {
      suite.addTest(
        new Mocha.Test(`in VS Code ${report.vscodeVersion}: ${t.title.slice(1).join(' › ')}`, () => {
          if (t.state === 'failed') throw new Error(t.error);
          assert.equal(t.state, 'passed');
        }),
      );
    }
  });

  after(async () => {
    await stop?.();
  });

  it('the workbench started its web worker extension host', () => {
    assert.ok(consoleLines.some((l) => /web worker extension host/i.test(l)), consoleLines.slice(0, 20).join('\n'));
  });

  it('a saved output is drawn by the renderer (heatmap canvas in the output webview)', () => {
    assert.ok(rendered, `no ${TRACE_ROOT} canvas in any frame before the suite ended`);
  });

  it("zooming into a sidecar-backed output brings full detail from the web host's tile server (workspace.fs, Web Crypto hashes)", () => {
    assert.ok(tiles, 'no output to zoom');
    assert.equal(tiles.error, null);
    assert.equal(tiles.detail, 'full');
    assert.ok(tiles.loaded > 0, 'tiles came from the host');
  });
});
