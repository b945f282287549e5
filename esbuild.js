// Build, in the shape of the official esbuild sample: one context per bundle, --watch, --production.
// Type checking is separate (`npm run check-types`, strict tsc --noEmit per runtime folder).
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { ORT_RUNTIME_FILES, ORT_WEB_HOST_FILES } = require('./scripts/ort-files');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const ROOT = __dirname;
const DIST = path.join(ROOT, 'dist');

/** Prints errors the way VS Code's esbuild problem matcher reads them. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const plugins = [problemMatcher, ...require('./scripts/esbuild-plugins').plugins];

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins,
  target: 'es2022',
  legalComments: 'none',
  define: require('./scripts/esbuild-plugins').define,
};

const bundles = [
  // Extension host (Node, CommonJS): the only bundle that sees `vscode`.
  { ...common, entryPoints: ['src/host/extension.ts'], outfile: 'dist/host/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  // Web extension host (vscode.dev, github.dev: a Web Worker): one CommonJS file, `vscode` external,
  // no Node built-ins (platform browser fails the build on one; scripts/lint-boundaries.js names it).
  { ...common, plugins: [problemMatcher, ...require('./scripts/esbuild-plugins').webHostPlugins], entryPoints: ['src/host-web/extension.ts'], outfile: 'dist/host-web/extension.js', platform: 'browser', format: 'cjs', external: ['vscode'] },
  // Worker thread the host runs models in, so the extension host's main thread stays responsive.
  { ...common, entryPoints: ['src/host/worker.ts'], outfile: 'dist/host/worker.js', platform: 'node', format: 'cjs' },
  // Notebook renderer: VS Code loads renderers as ES modules in the webview.
  { ...common, entryPoints: ['src/renderer/index.ts'], outfile: 'dist/renderer/index.js', platform: 'browser', format: 'esm' },
  // CLI behind bin/gatescope.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js', platform: 'node', format: 'cjs', external: ['playwright-core'] }, // render drives the browser through playwright-core at run time
];

if (!production) {
  // Integration suite, loaded by the extension host from out/ (never shipped). The entry is made
  // here so that every test/integration/*.test.ts is included: mocha's globals are set up first
  // (runner.prepare), then the suites load in name order, then VS Code calls the exported run().
  const suites = fs.readdirSync(path.join(ROOT, 'test', 'integration')).filter((f) => f.endsWith('.test.ts')).sort();
  const contents = [
    "const runner = require('./runner');",
    'runner.prepare();',
    ...suites.map((f) => `require('./${f.replace(/\.ts$/, '')}');`),
    'module.exports = { run: runner.run };',
  ].join('\n');
  bundles.push({
    ...common,
    stdin: { contents, resolveDir: path.join(ROOT, 'test', 'integration'), sourcefile: 'integration-entry.js', loader: 'js' },
    entryPoints: undefined,
    outfile: 'out/test/integration/index.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'mocha'],
  });
}

/** Copies exactly the onnxruntime-web files loaded at run time into dist/ort/. */
function copyOrtFiles() {
  const from = path.join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
  const to = path.join(DIST, 'ort');
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const f of [...ORT_RUNTIME_FILES, ...ORT_WEB_HOST_FILES]) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

async function main() {
  // A production build starts from an empty dist/ so no development leftovers (source maps) ship.
  if (production) fs.rmSync(DIST, { recursive: true, force: true });
  const existing = bundles.filter((b) => b.stdin || fs.existsSync(path.join(ROOT, b.entryPoints[0])));
  await require('./scripts/build-wasm').buildWasm();
  copyOrtFiles();
  const contexts = await Promise.all(existing.map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.all(contexts.map((c) => c.rebuild().catch((e) => e)));
  await Promise.all(contexts.map((c) => c.dispose()));
  const failed = results.filter((r) => r instanceof Error);
  if (failed.length) {
    process.exitCode = 1;
    return;
  }
  console.log(`esbuild: ${existing.length} bundles${production ? ' (production)' : ''}, ${ORT_RUNTIME_FILES.length + ORT_WEB_HOST_FILES.length} onnxruntime-web files`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
