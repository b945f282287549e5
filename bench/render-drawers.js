// Drawer benchmark: one heatmap (970 x 180 device pixels, 512 units x 10,000 steps, float32 pyramid)
// drawn by the WebGL2 drawer (src/renderer/heatmap-gl.ts) and the Canvas 2D drawer
// (src/renderer/heatmap-canvas.ts) in headless Chromium, interleaved (A B A B ...), each draw ended by
// a one-pixel readback of the panel's 2D canvas (the WebGL2 drawer's copy onto it included). Full view (pyramid level 3) and a zoomed view (level 0, 800 steps), textures
// already uploaded: the per-frame cost of each path. Median of 15 samples.
// Usage: node bench/render-drawers.js  (env CHROMIUM_PATH)
'use strict';
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { launchChromium } = require('../scripts/vscode-offline');

const ROOT = path.resolve(__dirname, '..');
const SAMPLES = 15;

async function main() {
  const bundle = esbuild.buildSync({
    stdin: {
      contents: [
        "export { WebGlHeatmapDrawer } from './src/renderer/heatmap-gl';",
        "export { CanvasHeatmapDrawer } from './src/renderer/heatmap-canvas';",
        "export { startPyramid, buildLevel } from './src/core/view/pyramid';",
        "export { identityOrder } from './src/core/view/order';",
        "export { rasterColours } from './src/renderer/colours';",
        "export { gateColourScale } from './src/core/color/maps';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true, write: false, format: 'iife', globalName: 'm', target: 'es2022',
  }).outputFiles[0].text;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><body></body>');
    await page.addScriptTag({ content: bundle });
    const r = await page.evaluate(runInPage, SAMPLES);
    const env = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg()[0], node: process.version, gl: r.renderer };
    for (const [id, v] of Object.entries(r.medians)) console.log(JSON.stringify({ id: `render-drawers.${id}`, value: v, unit: 'ms', stat: 'median', samples: SAMPLES, env }));
    console.log(JSON.stringify({ glOverCanvasFull: +(r.medians.webgl2Full / r.medians.canvas2dFull).toFixed(2), glOverCanvasZoom: +(r.medians.webgl2Zoom / r.medians.canvas2dZoom).toFixed(2) }));
  } finally {
    await browser.close();
  }
}

/** Runs inside the page. */
function runInPage(samples) {
  const m = window.m;
  const T = 10000;
  const U = 512;
  let seed = 1;
  const v = new Float32Array(T * U).map(() => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  const pyramid = m.startPyramid(v, T, U);
  for (let k = 1; k <= 6; k++) m.buildLevel(pyramid, k);
  const colours = m.rasterColours(m.gateColourScale({ range: [0, 1], scale: 'sequential' }), false);
  const order = m.identityOrder(U);
  const job = (s0, s1) => ({ pyramid, totalSteps: T, order, steps: { start: s0, end: s1 }, units: { start: 0, end: U }, cols: 970, rows: 180 });
  const glCanvas = document.createElement('canvas');
  const gl = m.WebGlHeatmapDrawer.create(glCanvas, () => {});
  const cpuCanvas = document.createElement('canvas');
  const cpu = new m.CanvasHeatmapDrawer(cpuCanvas);
  gl.resize(970, 180);
  cpu.resize(970, 180);
  const readGl = () => glCanvas.getContext('2d').getImageData(0, 0, 1, 1);
  const readCpu = () => cpuCanvas.getContext('2d').getImageData(0, 0, 1, 1);
  const time = (f) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  // Warm-up: uploads and shader compiles happen here.
  for (const d of [gl, cpu]) {
    d.draw(job(0, T), colours);
    d.draw(job(100, 900), colours);
  }
  readGl();
  const s = { webgl2Full: [], canvas2dFull: [], webgl2Zoom: [], canvas2dZoom: [] };
  for (let i = 0; i < samples; i++) {
    s.webgl2Full.push(time(() => { gl.draw(job(0, T - i), colours); readGl(); }));
    s.canvas2dFull.push(time(() => { cpu.draw(job(0, T - i), colours); readCpu(); }));
    s.webgl2Zoom.push(time(() => { gl.draw(job(100 + i, 900 + i), colours); readGl(); }));
    s.canvas2dZoom.push(time(() => { cpu.draw(job(100 + i, 900 + i), colours); readCpu(); }));
  }
  const medians = {};
  for (const [k, a] of Object.entries(s)) medians[k] = Math.round(a.sort((x, y) => x - y)[a.length >> 1] * 100) / 100;
  return { medians, renderer: m.WebGlHeatmapDrawer.softwareOnly() ? 'software (SwiftShader or llvmpipe)' : 'hardware' };
}

main().catch((e) => {
  console.error(`bench/render-drawers: ${e.message}`);
  process.exit(1);
});
