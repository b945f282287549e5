// Synchronous guard for tools that load TypeScript directly (the unit tests' mocharc `require`):
// regenerates src/core/gru/kernel.generated.ts from matvec.wat when it is missing or older.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const WAT = path.join(ROOT, 'src/core/gru/matvec.wat');
const OUT = path.join(ROOT, 'src/core/gru/kernel.generated.ts');

if (!fs.existsSync(OUT) || fs.statSync(OUT).mtimeMs < fs.statSync(WAT).mtimeMs) {
  execFileSync(process.execPath, [path.join(__dirname, 'build-wasm.js')], { stdio: 'inherit' });
}
