// The onnxruntime-web files loaded at run time (and so copied into dist/ort/ and shipped).
// The WASM backend's loader (.mjs) and binary (.wasm) of the non-JSEP SIMD build.
'use strict';
module.exports = { ORT_RUNTIME_FILES: ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'] };
