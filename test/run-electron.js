// Desktop runner: the same integration suite through @vscode/test-electron (downloads VS Code,
// so it needs internet; offline machines and CI use test/run-integration.js instead).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');
const { printReport } = require('./report');

const ROOT = path.resolve(__dirname, '..');

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test', 'integration', 'workspace'), workspace, { recursive: true });
  const reportPath = path.join(tmp, 'report.json');
  let code = 0;
  try {
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { GATESCOPE_TEST_REPORT: reportPath, GATESCOPE_TEST_WORKSPACE: workspace },
    });
  } catch (e) {
    code = 1;
    if (!fs.existsSync(reportPath)) console.error(`test:electron: ${e.message || e}`);
  }
  if (fs.existsSync(reportPath)) code = printReport(JSON.parse(fs.readFileSync(reportPath, 'utf8'))) || code;
  process.exit(code);
}

main();
