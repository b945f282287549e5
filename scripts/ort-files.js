// The onnxruntime-web files loaded at run time (and so copied into dist/ort/ and shipped): the WASM
// backend's loader (.mjs) and binary (.wasm, 14 MB) of the non-JSEP SIMD build. Both builds the
// shared esbuild plugin picks (ort.node.min.js for Node, ort.wasm.min.js for a web extension host)
// load exactly these two from ort.env.wasm.wasmPaths. Verified: in Node with `strace -e openat`
// (only these two are opened), by test/unit/cli (the CLI bundle runs with only these beside it) and
// by test/unit/onnx/web-worker.unit.test.ts (a Web Worker in Chromium requests exactly these).
// See docs/onnx.md, "Runtime files".
'use strict';
module.exports = { ORT_RUNTIME_FILES: ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'] };
