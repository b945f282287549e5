// First step of `npm start` and `npm test`, so that a fresh clone needs only those two commands:
// installs node_modules from package-lock.json when they are missing or older than the lock.
// Install scripts are skipped: none is needed (esbuild ships its binary in a registry package;
// onnxruntime-node's script would download from the internet, and its CPU binaries are in the package).
// Uses Node built-ins only, since it runs before anything is installed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const LOCK = path.join(ROOT, 'package-lock.json');
const INSTALLED = path.join(ROOT, 'node_modules', '.package-lock.json');

const fresh = fs.existsSync(INSTALLED) && fs.statSync(INSTALLED).mtimeMs >= fs.statSync(LOCK).mtimeMs;
if (!fresh) {
  console.log('bootstrap: installing dependencies (npm ci --ignore-scripts)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('bootstrap: npm ci failed; check access to the npm registry, then run npm test again');
    process.exit(r.status || 1);
  }
}
