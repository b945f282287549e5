// esbuild plugins and constants shared by esbuild.js and the scripts that bundle tests or benchmarks.
'use strict';
const path = require('node:path');

const ORT_DIST = path.join(__dirname, '..', 'node_modules', 'onnxruntime-web', 'dist');

/**
 * Picks onnxruntime-web's build for `import ... from 'onnxruntime-web'`.
 * esbuild resolves that import through the package's "node"/"import" condition to
 * ort.node.min.mjs, which reads import.meta.url; in a CommonJS bundle import.meta is empty and the
 * bundle throws at load ("createRequire ... Received undefined"). So:
 *   platform node    -> dist/ort.node.min.js (CommonJS build; WASM backend only; loads
 *                       ort-wasm-simd-threaded.mjs + .wasm from ort.env.wasm.wasmPaths)
 *   platform browser -> dist/ort.wasm.min.js (web extension host: the non-JSEP WASM build, which
 *                       loads the same two files; the default browser build would load the 28 MB
 *                       JSEP/WebGPU .wasm instead)
 * scripts/ort-files.js lists those two runtime files.
 */
const onnxruntimeWebBuild = {
  name: 'onnxruntime-web-build',
  setup(build) {
    const file = build.initialOptions.platform === 'node' ? 'ort.node.min.js' : 'ort.wasm.min.js';
    build.onResolve({ filter: /^onnxruntime-web$/ }, () => ({ path: path.join(ORT_DIST, file) }));
  },
};

/**
 * The web extension host's onnxruntime-web build (the `browser` entry only): ort.bundle.min.mjs, the
 * default build (wasm and webgpu execution providers, WebGPU through JSEP) with its JavaScript loader
 * embedded, so nothing is fetched but its .wasm (ort-wasm-simd-threaded.jsep.wasm), whose bytes the
 * entry reads itself and hands over as ort.env.wasm.wasmBinary (without them: "no available backend
 * found"; docs/web-extension.md). 1.30 ships no separate ort.webgpu build: the package's
 * `onnxruntime-web/webgpu` export names files absent from dist/. Listed before onnxruntimeWebBuild
 * so it wins.
 */
const onnxruntimeWebHostBuild = {
  name: 'onnxruntime-web-host-build',
  setup(build) {
    build.onResolve({ filter: /^onnxruntime-web$/ }, () => ({ path: path.join(ORT_DIST, 'ort.bundle.min.mjs') }));
  },
};

/** Compile-time constants (src/core/version.ts reads GATESCOPE_VERSION). */
const define = { GATESCOPE_VERSION: JSON.stringify(require('../package.json').version) };

module.exports = { plugins: [onnxruntimeWebBuild], webHostPlugins: [onnxruntimeWebHostBuild, onnxruntimeWebBuild], define };
