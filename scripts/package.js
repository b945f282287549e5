// `npm run package`: builds in production mode (vsce runs vscode:prepublish) and writes
// dist-vsix/gatescope.vsix, offline (no dependencies are fetched: everything is bundled). Then
// checks what a user gets: under 25 MB, and nothing from src/, test/, fixtures or node_modules.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createVSIX, listFiles } = require('@vscode/vsce');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist-vsix', 'gatescope.vsix');
const MAX_BYTES = 25 * 1024 * 1024;
const FORBIDDEN = /^(src|test|node_modules|bench|python|scripts|\.vscode-test)\/|fixtures|\.map$/;
/** Files the .vsix must ship: the licence and the third-party notices (ColorBrewer's Apache-2.0 asks for NOTICE). */
const REQUIRED = ['LICENSE', 'NOTICE'];

async function main() {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  await createVSIX({ cwd: ROOT, packagePath: OUT, dependencies: false });
  const files = await listFiles({ cwd: ROOT, packageManager: 'npm', dependencies: false });
  const bad = files.filter((f) => FORBIDDEN.test(f));
  if (bad.length) throw new Error(`the .vsix would ship files it must not: ${bad.join(', ')}`);
  const missing = REQUIRED.filter((f) => !files.includes(f));
  if (missing.length) throw new Error(`the .vsix would not ship ${missing.join(', ')} (check .vscodeignore)`);
  const size = fs.statSync(OUT).size;
  if (size > MAX_BYTES) throw new Error(`${OUT} is ${(size / 1048576).toFixed(1)} MB, over the 25 MB limit`);
  console.log(`package: ${path.relative(ROOT, OUT)} ${(size / 1048576).toFixed(2)} MB, ${files.length} files`);
}

main().catch((e) => {
  console.error(`package: ${e.message || e}`);
  process.exit(1);
});
