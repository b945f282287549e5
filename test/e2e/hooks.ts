// Root hooks for the e2e run: package Gatescope as a .vsix (the product as a user installs it),
// start one offline VS Code with it installed, and stop it at the end.
// GATESCOPE_E2E_DEV=1 loads the repository as a development extension instead (no packaging).
// GATESCOPE_E2E_DRAWING=webgl2|canvas2d sets gatescope.heatmapDrawing, to run the suite on either
// drawing path (headless Chromium's GPU is SwiftShader, where the default, auto, draws with Canvas 2D).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, startVsCode, type VsCode } from './harness';

export const VSIX = path.join(ROOT, 'dist-vsix', 'gatescope.vsix');
let session: VsCode | undefined;

export function vscodeSession(): VsCode {
  if (!session) throw new Error('VS Code is not running (root hook failed)');
  return session;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60 * 1000);
    const dev = process.env.GATESCOPE_E2E_DEV === '1';
    if (!dev) {
      const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('npm run package failed');
      if (!fs.existsSync(VSIX)) throw new Error(`npm run package did not write ${VSIX}`);
    }
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-e2e-'));
    session = await startVsCode({
      workspace: path.join(workspace, 'ws'),
      vsix: dev ? undefined : VSIX,
      devPath: dev ? ROOT : undefined,
      settings: process.env.GATESCOPE_E2E_DRAWING ? { 'gatescope.heatmapDrawing': process.env.GATESCOPE_E2E_DRAWING } : undefined,
    });
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30000);
    await session?.stop();
  },
};
