// The extension in a real web extension host: code-server's web worker extension host (VS Code
// 1.139), offline. With `remote.extensionKind` {"gatescope.gatescope": ["web"]} the workbench loads
// the development extension's `browser` entry in its web worker host; the test entry
// (code-server/web-worker-host.test.ts) runs in the Node host and reaches the extension through the
// VS Code API, across the hosts. Its mocha results come back as a report and become tests here;
// after them, the driver looks for the demo notebook's saved output drawn by the renderer.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import type { Browser, Page } from 'playwright-core';
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

async function frameWith(page: Page, selector: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return true;
      } catch {
        // detached while looking
      }
    }
    await page.waitForTimeout(250);
  }
  return false;
}

describe("code-server's web worker extension host (the extension's browser entry)", function () {
  this.timeout(REPORT_TIMEOUT_MS + 120000);
  let stop: (() => Promise<void>) | undefined;
  const consoleLines: string[] = [];
  let rendered = false;

  before(async function () {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatescope-web-host-'));
    const entry = path.join(tmp, 'tests', 'index.js');
    await buildEntry(entry);
    const workspace = path.join(tmp, 'workspace');
    mkdirSync(workspace);
    copyFileSync(path.join(ROOT, 'media/demo/model.onnx'), path.join(workspace, 'demo.onnx'));
    copyFileSync(path.join(ROOT, 'media/demo/model.onnx'), path.join(workspace, 'model.onnx'));
    copyFileSync(path.join(ROOT, 'media/demo/demo.ipynb'), path.join(workspace, 'demo.ipynb'));
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
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    while (!existsSync(reportPath)) {
      if (Date.now() > deadline) {
        throw new Error(`no report from the extension host within ${REPORT_TIMEOUT_MS / 1000} s; the workbench's console ended with:\n${consoleLines.slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as IntegrationReport;
    if (report.fatal) throw new Error(`the in-host suite did not run: ${report.fatal}`);
    rendered = await frameWith(page, '[data-gatescope] canvas', 30000);
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

  it("the demo notebook's saved output is drawn by the renderer (heatmap canvas in the output webview)", () => {
    assert.ok(rendered, 'no [data-gatescope] canvas in any frame within 30 s');
  });
});
