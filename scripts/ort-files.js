// The onnxruntime-web files loaded at run time (and so copied into dist/ort/ and shipped): the WASM
// backend's loader (.mjs) and binary (.wasm, 14 MB) of the non-JSEP SIMD build. Both builds the
// shared esbuild plugin picks (ort.node.min.js for Node, ort.wasm.min.js for a web extension host)
// load exactly these two from ort.env.wasm.wasmPaths. Verified: in Node with `strace -e openat`
// (only these two are opened), by test/unit/cli (the CLI bundle runs with only these beside it) and
// by test/unit/onnx/web-worker.unit.test.ts (a Web Worker in Chromium requests exactly these).
// See docs/onnx.md, "Runtime files".
'use strict';
//
// ORT_WEB_HOST_FILES: what the web extension host's entry (dist/host-web/extension.js) loads. Its
// bundle embeds the loader of onnxruntime-web's default build (WASM + WebGPU through JSEP), so it
// reads only that build's .wasm (28 MB, 6.6 MB deflated in the .vsix) and hands it over as bytes
// (src/host-web/ort-web-files.js; test/web checks the requests).
module.exports = {
  ORT_RUNTIME_FILES: ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'],
  ORT_WEB_HOST_FILES: ['ort-wasm-simd-threaded.jsep.wasm'],
};
