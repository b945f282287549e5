// Runs inside the VS Code extension host (code-server's Node extension host offline, or desktop
// VS Code through @vscode/test-electron). `prepare()` must run before the suites are loaded so that
// mocha's BDD globals exist; `run()` is what VS Code calls (extensionTestsPath's export).
//
// Results go back to the driver as a JSON report at $GATESCOPE_TEST_REPORT (the extension host's
// console is not the driver's terminal). `run()` rejects when a test failed, as test-electron expects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestRecord {
  title: string[];
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface IntegrationReport {
  vscodeVersion: string;
  passes: number;
  failures: number;
  pending: number;
  tests: TestRecord[];
  /** Set when the runner itself failed (a suite did not load, a hook threw outside a test). */
  fatal?: string;
}

const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false });

export function prepare(): void {
  if (process.env.GATESCOPE_INTEGRATION_GREP) mocha.grep(new RegExp(process.env.GATESCOPE_INTEGRATION_GREP));
  mocha.suite.emit('pre-require', globalThis, 'gatescope-integration', mocha);
}

function titlePath(t: Mocha.Runnable): string[] {
  return t.titlePath();
}

function writeReport(report: IntegrationReport): void {
  const out = process.env.GATESCOPE_TEST_REPORT;
  if (!out) return;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${out}.tmp`, out);
}

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscodeVersion: string = require('vscode').version;
  const tests: TestRecord[] = [];
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passes = tests.filter((t) => t.state === 'passed').length;
        const pending = tests.filter((t) => t.state === 'pending').length;
        writeReport({ vscodeVersion, passes, failures, pending, tests });
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => tests.push({ title: titlePath(t), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('pending', (t) => tests.push({ title: titlePath(t), state: 'pending', durationMs: 0 }));
      runner.on('fail', (t, err: Error) =>
        tests.push({ title: titlePath(t), state: 'failed', durationMs: t.duration ?? 0, error: err?.stack ?? String(err) }),
      );
    } catch (e) {
      const fatal = e instanceof Error ? e.stack ?? e.message : String(e);
      writeReport({ vscodeVersion, passes: 0, failures: 1, pending: 0, tests, fatal });
      reject(e);
    }
  });
}
