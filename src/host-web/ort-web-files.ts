// The onnxruntime-web binary the web entry loads (copied into dist/ort/ by esbuild.js, listed in
// scripts/ort-files.js). The web bundle embeds the build's JavaScript loader (ort.wasm.bundle.min.mjs,
// see scripts/esbuild-plugins.js); only the .wasm is read, as bytes, through vscode.workspace.fs.
export const ORT_WEB_WASM = 'ort-wasm-simd-threaded.wasm';
