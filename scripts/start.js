// `npm start`: builds, starts VS Code with Gatescope loaded and the demo notebook open, prints the
// URL, and stops cleanly on Ctrl+C.
//   default     the offline VS Code (code-server from scripts/vscode-offline.js) on 127.0.0.1; open
//               the printed URL in a browser. The extension is loaded from this folder as a
//               development extension (the workbench's `payload`), as the integration tests do.
//   --desktop   desktop VS Code (`code` on PATH) with --extensionDevelopmentPath, when installed.
//   --port N    fixed port for the offline VS Code (default: a free one).
// The demo (media/demo/) is copied to a fresh temporary folder that becomes the workspace, so edits
// and re-runs never touch the repository.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function build() {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed (node esbuild.js)');
}

function demoWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-demo-'));
  for (const f of ['demo.ipynb', 'model.onnx', 'model-int8.onnx']) fs.copyFileSync(path.join(ROOT, 'media', 'demo', f), path.join(dir, f));
  return dir;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function startDesktop(workspace) {
  const notebook = path.join(workspace, 'demo.ipynb');
  const child = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${ROOT}`, workspace, notebook], { stdio: 'inherit' });
  console.log(`Gatescope: desktop VS Code started with the demo in ${workspace} (close the window or press Ctrl+C to stop)`);
  const stop = () => child.exitCode === null && child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.once('exit', (code) => process.exit(code ?? 0));
}

async function startOffline(workspace, port) {
  const { startCodeServer } = require('./vscode-offline');
  // The payload's openFile goes through the default editor: associate .ipynb with the notebook editor.
  const opts = { workspace, settings: { 'workbench.startupEditor': 'none', 'workbench.editorAssociations': { '*.ipynb': 'jupyter-notebook' } } };
  if (port) opts.port = port;
  const server = await startCodeServer(opts);
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['openFile', remote(path.join(workspace, 'demo.ipynb'))],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  console.log('\nGatescope demo in VS Code (offline, code-server):');
  console.log(`  ${url}\n`);
  console.log(`Workspace: ${workspace}`);
  console.log(`Server log: ${server.logPath}`);
  console.log('Press Ctrl+C to stop.');
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping VS Code…`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  server.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`code-server exited on its own (code ${code}); see ${server.logPath}`);
    process.exit(1);
  });
  return url;
}

async function main() {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port needs a port number, found ${args[portAt + 1]}`);
  build();
  const workspace = demoWorkspace();
  if (args.includes('--desktop')) {
    if (!onPath('code')) throw new Error('--desktop needs desktop VS Code\'s `code` command on PATH; run `npm start` without --desktop for the offline VS Code');
    startDesktop(workspace);
    return;
  }
  await startOffline(workspace, port);
}

main().catch((e) => {
  console.error(`npm start: ${e.message || e}`);
  process.exit(1);
});
