// Runs the integration suite (test/integration/*.test.ts, bundled to out/test/integration/index.js)
// inside a real VS Code extension host, offline: code-server's Node extension host, opened by
// Debian's Chromium with the smoke-test driver's `payload` (extensionDevelopmentPath +
// extensionTestsPath), as ../shared/notes/real-vscode-offline.md describes. The suite writes a JSON
// report; this driver prints mocha-style results and exits non-zero when any test failed.
// Desktop VS Code with internet: `npm run test:electron` runs the same suite through test-electron.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startCodeServer, launchChromium, ROOT } = require('../scripts/vscode-offline');
const { printReport } = require('./report');

const TIMEOUT_MS = Number(process.env.GATESCOPE_INTEGRATION_TIMEOUT_MS || 15 * 60 * 1000);

async function main() {
  if (!process.argv.includes('--no-build')) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-it-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'integration', 'workspace'), workspace, { recursive: true });
  const reportPath = path.join(tmp, 'report.json');
  const server = await startCodeServer({
    workspace,
    userDataDir: tmp,
    // GATESCOPE_INTEGRATION_GREP=pattern runs only the tests whose full title matches (developers).
    env: { GATESCOPE_TEST_REPORT: reportPath, GATESCOPE_TEST_WORKSPACE: workspace, ...(process.env.GATESCOPE_INTEGRATION_GREP ? { GATESCOPE_INTEGRATION_GREP: process.env.GATESCOPE_INTEGRATION_GREP } : {}) },
    settings: { 'notebook.confirmDeleteRunningCell': false },
  });
  const browser = await launchChromium();
  let exitCode = 1;
  try {
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'integration', 'index.js'))],
    ];
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    console.log(`integration: VS Code (code-server) at ${server.url}, workspace ${workspace}`);
    const deadline = Date.now() + TIMEOUT_MS;
    while (!fs.existsSync(reportPath)) {
      if (Date.now() > deadline) {
        const log = fs.existsSync(server.logPath) ? fs.readFileSync(server.logPath, 'utf8').slice(-4000) : '';
        throw new Error(`no report from the extension host within ${TIMEOUT_MS / 1000} s (did the extension or the suite fail to load?)\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
    exitCode = printReport(report);
    if (process.env.GATESCOPE_SCREENSHOT) await page.screenshot({ path: process.env.GATESCOPE_SCREENSHOT });
  } finally {
    await browser.close();
    await server.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`integration: ${e.stack || e}`);
    process.exit(1);
  },
);
