// Rejects imports that cross a runtime boundary. A tsconfig's `lib`/`types` cannot stop
// `import 'vscode'` or `import 'node:fs'` from type-checking when @types are installed, so this does.
//   src/core      pure: no vscode, no DOM entry points, no Node built-ins; imports only core and allowed pure packages
//   src/renderer  webview (DOM): no vscode, no Node built-ins, no host/onnx/cli code
//   src/onnx      runs in Node and web extension hosts: no vscode, no Node built-ins, no renderer/host/cli code
//   src/pipeline  the one model-to-trace pipeline of every host (worker, web host, CLI): no vscode,
//                 no Node built-ins; imports only pipeline, onnx and core code
//   src/host      the only folder that may import vscode; no renderer/cli code
//   src/cli       Node: no vscode, no renderer/host code
//   src/host-web  the web extension host's entry (a Web Worker): vscode, host, core and onnx code, no
//                 Node built-ins; and since it reuses src/host files, every file it reaches (through
//                 relative imports, transitively) must be free of Node built-ins and src/node too
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Rules per top-level folder of src/. `packages`: bare specifiers allowed (prefix match). */
const RULES = {
  core: { folders: ['core'], packages: ['fast-png'], node: false, vscode: false },
  renderer: { folders: ['renderer', 'core'], packages: ['vscode-notebook-renderer'], node: false, vscode: false }, // that package is types only (@types), erased at build
  onnx: { folders: ['onnx', 'core'], packages: ['onnxruntime-web', 'onnx-proto', 'protobufjs'], node: false, vscode: false },
  pipeline: { folders: ['pipeline', 'onnx', 'core'], packages: ['onnxruntime-web', 'onnx-proto', 'protobufjs', 'fast-png'], node: false, vscode: false },
  node: { folders: ['node', 'core'], packages: [], node: true, vscode: false },
  host: { folders: ['host', 'pipeline', 'core', 'onnx', 'node'], packages: ['*'], node: true, vscode: true },
  cli: { folders: ['cli', 'pipeline', 'core', 'onnx', 'node'], packages: ['*'], node: true, vscode: false },
  'host-web': { folders: ['host-web', 'host', 'pipeline', 'core', 'onnx'], packages: ['onnxruntime-web', 'onnx-proto', 'protobufjs', 'fast-png'], node: false, vscode: true },
};

/** Packages a file reached from the web entry may import (those of core, onnx and host-web). */
const WEB_PACKAGES = RULES['host-web'].packages;

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Returns the module specifiers a TypeScript source imports (static, dynamic, require). */
function importsOf(source) {
  const noComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out = [];
  for (const m of noComments.matchAll(IMPORT_RE)) out.push(m[1] || m[2] || m[3] || m[4]);
  return out;
}

/** Checks one file; returns a list of human-readable violations. */
function checkFile(srcRoot, file, source) {
  const rel = path.relative(srcRoot, file);
  const area = rel.split(path.sep)[0];
  const rule = RULES[area];
  if (!rule) return [];
  const problems = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith('.')) {
      const target = path.relative(srcRoot, path.resolve(path.dirname(file), spec));
      const targetArea = target.split(path.sep)[0];
      if (target.startsWith('..') || !rule.folders.includes(targetArea)) {
        problems.push(`${rel}: imports '${spec}' from src/${targetArea}; src/${area} may import only from ${rule.folders.map((f) => `src/${f}`).join(', ')}`);
      }
    } else if (spec === 'vscode') {
      if (!rule.vscode) problems.push(`${rel}: imports 'vscode'; only src/host may (move the code there or pass the value in)`);
    } else if (NODE_BUILTINS.has(spec) || spec.startsWith('node:')) {
      if (!rule.node) problems.push(`${rel}: imports Node built-in '${spec}'; src/${area} must run without Node`);
    } else if (!rule.packages.includes('*') && !rule.packages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
      problems.push(`${rel}: imports package '${spec}', not allowed in src/${area} (allowed: ${rule.packages.join(', ') || 'none'})`);
    }
  }
  return problems;
}

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** The file a relative import names (TypeScript resolution: .ts, then index.ts), or undefined. */
function resolveRelative(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Follows relative imports from every file of src/host-web and reports each reached file that
 * imports a Node built-in, a package outside WEB_PACKAGES, or anything in src/node or src/cli.
 * `read(file)` returns a file's source (tests pass sources in). Each problem names the chain.
 */
function webClosureProblems(srcRoot, read = (f) => fs.readFileSync(f, 'utf8')) {
  const webRoot = path.join(srcRoot, 'host-web');
  if (!fs.existsSync(webRoot)) return [];
  const problems = [];
  const via = new Map(walk(webRoot).map((f) => [f, undefined]));
  const queue = [...via.keys()];
  const chain = (f) => {
    const names = [];
    for (let at = f; at; at = via.get(at)) names.unshift(path.relative(srcRoot, at));
    return names.join(' -> ');
  };
  while (queue.length) {
    const file = queue.shift();
    for (const spec of importsOf(read(file))) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        const area = path.relative(srcRoot, target ?? path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        if (area === 'node' || area === 'cli') problems.push(`${chain(file)}: imports '${spec}' from src/${area}, which the web extension host cannot run`);
        else if (target && !via.has(target)) {
          via.set(target, file);
          queue.push(target);
        }
      } else if (NODE_BUILTINS.has(spec) || spec.startsWith('node:')) {
        problems.push(`${chain(file)}: imports Node built-in '${spec}', but the web extension host (dist/host-web/extension.js) reaches this file; keep it out of the web entry's imports or pass the Node part in`);
      } else if (spec !== 'vscode' && !WEB_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`))) {
        problems.push(`${chain(file)}: imports package '${spec}', not one the web entry may bundle (allowed: ${WEB_PACKAGES.join(', ')})`);
      }
    }
  }
  return problems;
}

function lint(srcRoot) {
  return [...walk(srcRoot).flatMap((f) => checkFile(srcRoot, f, fs.readFileSync(f, 'utf8'))), ...webClosureProblems(srcRoot)];
}

module.exports = { importsOf, checkFile, lint, webClosureProblems, RULES };

if (require.main === module) {
  const srcRoot = path.resolve(__dirname, '..', 'src');
  const problems = lint(srcRoot);
  for (const p of problems) console.error(`lint-boundaries: ${p}`);
  if (problems.length) {
    console.error(`lint-boundaries: ${problems.length} forbidden import(s)`);
    process.exit(1);
  }
  console.log(`lint-boundaries: ${walk(srcRoot).length} files, no forbidden imports`);
}
