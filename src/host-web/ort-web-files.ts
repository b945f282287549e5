// The onnxruntime-web binary the web entry loads (copied into dist/ort/ by esbuild.js, listed in
// scripts/ort-files.js as ORT_WEB_HOST_FILES). The web bundle embeds the default build's JavaScript
// loader (ort.bundle.min.mjs: wasm and webgpu providers, see scripts/esbuild-plugins.js); only the
// .wasm is read, as bytes, through vscode.workspace.fs.
export const ORT_WEB_WASM = 'ort-wasm-simd-threaded.jsep.wasm';
