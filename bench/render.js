// Renderer benchmark: the real renderer bundle (dist/renderer/index.js) in headless Chromium, on one
// layer of 4 gates x 512 units x 10,000 steps (20.5M cells) stored as uint8 by the core encoder.
// Both drawing paths, side by side in one page: WebGL2 (the default; SwiftShader, Chromium's software
// GPU, here) and Canvas 2D (setting gatescope.heatmapDrawing = canvas2d), chosen through the settings
// message the host would send. First paints alternate between the paths; hover and zoom run per path.
//   firstPaintMs: output bytes -> the first heatmap pixels (UTF-8 decode + JSON.parse as VS Code's
//                 outputItem.json() does, decode of the document's coarse inline level (a run this
//                 long stores one, encode.ts coarseInlineLevel), colour lookup, draw), ended by a pixel
//                 readback of the last heatmap (getImageData: WebGL2 draws are copied onto 2D canvases);
//                 median of FIRST_PAINT_RUNS fresh renders.
//   fullDetailMs: (printed, not in the summary) the same up to the first draw from level 0, which the
//                 renderer decodes in background slices after the first paint (status decode=done).
//   hoverP95Ms:   work for one pointer move over a heatmap: the event handler plus the frame work
//                 up to a forced layout of the updated tooltip (idle time waiting for the frame excluded).
//   zoomP95Ms:    the same for one Ctrl+wheel zoom step, ended by a pixel readback of a heatmap.
// The page is this benchmark's harness: it calls the bundle's activate() with a minimal context.
// Output: a JSON line per metric and path, then {"cells","firstPaintMs","hoverP95Ms","zoomP95Ms"} for
// Canvas 2D, and last the same for WebGL2 (the default path).
// Usage: npm run bench:render  (env CHROMIUM_PATH, BENCH_STEPS, BENCH_UNITS, BENCH_PATHS=canvas2d,webgl2)
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { CHROMIUM, launchChromium } = require('../scripts/vscode-offline');

const ROOT = path.resolve(__dirname, '..');
const STEPS = Number(process.env.BENCH_STEPS || 10000);
const UNITS = Number(process.env.BENCH_UNITS || 512);
const FIRST_PAINT_RUNS = 7;
const HOVER_SAMPLES = 200;
const ZOOM_SAMPLES = 60;
const SETTLE_SAMPLES = 20;
/**
 * Drawing settings measured. 'webgl2' is what the default ('auto') gives on a hardware GPU; here
 * Chromium's only GPU is SwiftShader, where 'auto' would choose Canvas 2D, so WebGL2 is asked for.
 */
const PATHS = (process.env.BENCH_PATHS || 'canvas2d,webgl2').split(',');

/** Loads the pure core's encoder (TypeScript) through esbuild, as the bundles do. */
function loadCore() {
  const out = esbuild.buildSync({
    stdin: { contents: "export { encodeTrace } from './src/core/trace/encode';", resolveDir: ROOT, loader: 'ts' },
    bundle: true, write: false, format: 'cjs', platform: 'neutral', target: 'es2022',
  });
  const m = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(m, m.exports);
  return m.exports;
}

/** Deterministic gates: smooth per-unit oscillations plus seeded noise, through sigmoid/tanh. */
function makeTrace() {
  const { encodeTrace } = loadCore();
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
  const n = STEPS * UNITS;
  const g = { r: new Float32Array(n), z: new Float32Array(n), n: new Float32Array(n), h: new Float32Array(n) };
  const freq = Float32Array.from({ length: UNITS }, () => 0.002 + Math.abs(rnd()) * 0.05);
  const phase = Float32Array.from({ length: UNITS }, () => rnd() * 6.28);
  const gain = Float32Array.from({ length: UNITS }, () => 0.5 + 4 * Math.abs(rnd()));
  for (let t = 0; t < STEPS; t++) {
    for (let u = 0; u < UNITS; u++) {
      const i = t * UNITS + u;
      const a = Math.sin(t * freq[u] + phase[u]) * gain[u];
      g.r[i] = 1 / (1 + Math.exp(-(a + rnd())));
      g.z[i] = 1 / (1 + Math.exp(-(a * 0.7 - 1 + rnd())));
      g.n[i] = Math.tanh(a * 0.5 + rnd());
      g.h[i] = Math.tanh(Math.cos(t * freq[u] * 0.5 + phase[u]) * gain[u] * 0.4);
    }
  }
  const doc = encodeTrace(
    {
      model: { name: 'bench GRU', source: 'native', engine: 'bench/render.js synthetic' },
      layers: [
        {
          layer: 0,
          direction: 'forward',
          cell: 'gru',
          hiddenSize: UNITS,
          name: 'gru',
          convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
          gates: g,
        },
      ],
      batch: 1,
      steps: STEPS,
    },
    { precision: 'uint8', maxBytes: Infinity },
  ).document;
  return Buffer.from(JSON.stringify(doc));
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;width:1200px}</style></head>
<body data-vscode-theme-kind="vscode-light"><div id="out"></div><script type="module">
import { activate } from '/renderer/index.js';
window.bench = { activate };
window.benchReady = true;
</script></body></html>`;

async function main() {
  const t0 = Date.now();
  const trace = makeTrace();
  process.stderr.write(`trace: ${(trace.length / 1e6).toFixed(1)} MB JSON, built in ${Date.now() - t0} ms\n`);
  const bundle = fs.readFileSync(path.join(ROOT, 'dist/renderer/index.js'));
  const server = http.createServer((req, res) => {
    const url = req.url || '/';
    if (url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else if (url === '/renderer/index.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (url === '/trace.json') res.writeHead(200, { 'content-type': 'application/json' }).end(trace);
    else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => window.benchReady === true);
    const result = await page.evaluate(runInPage, { firstPaintRuns: FIRST_PAINT_RUNS, hoverSamples: HOVER_SAMPLES, zoomSamples: ZOOM_SAMPLES, settleSamples: SETTLE_SAMPLES, paths: PATHS });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'bench-render.png'), fullPage: true }).catch(() => {});
    report(result);
  } finally {
    await browser.close();
    server.close();
  }
}

/** Runs inside the page. */
async function runInPage(opts) {
  const bytes = new Uint8Array(await (await fetch('/trace.json')).arrayBuffer());
  // The host's side of the settings exchange (src/host/renderer-settings.ts): `use(drawing)` sends the setting.
  let listener;
  const ctx = {
    setState() {}, getState() { return undefined; }, getRenderer: async () => undefined, workspace: { isTrusted: true },
    postMessage() {},
    onDidReceiveMessage(fn) { listener = fn; return { dispose() {} }; },
  };
  const api = window.bench.activate(ctx);
  const use = (drawing) => listener({ type: 'settings', settings: { colorMap: 'viridis', drawing } });
  /** Forces the drawing of canvas c to finish: one pixel read back (a 2D canvas on both paths: WebGL2 draws are copied onto it). */
  const readOne = (c) => c.getContext('2d').getImageData(0, 0, 1, 1);
  const results = {};
  for (const drawing of opts.paths) results[drawing] = { firstPaint: [], phases: [], hover: [], zoom: [], drawer: '' };
  const out = document.getElementById('out');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const item = (id) => ({
    id, mime: 'application/vnd.gatescope.trace+json', metadata: {},
    data: () => bytes, text: () => new TextDecoder().decode(bytes), json() { return JSON.parse(this.text()); }, blob: () => new Blob([bytes]),
  });
  // Machine speed at the time of the run (this machine is shared): 1M reads from a Float32Array
  // through an Int32Array index, the raster's inner loop, median of 9.
  const calV = new Float32Array(1 << 20).fill(0.5);
  const calO = Int32Array.from({ length: 512 }, (_, i) => i);
  let calSink = 0;
  const calibrate = () => {
    const t = performance.now();
    for (let j = 0; j < 2048; j++) for (let d = 0; d < 512; d++) calSink += calV[j * 512 + calO[d]];
    return performance.now() - t;
  };
  const calib = (() => {
    const ts = [];
    for (let k = 0; k < 9; k++) ts.push(calibrate());
    return { ms: ts.sort((a, b) => a - b)[4] };
  })();
  const calDuring = [];
  const measures = {};
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) (measures[e.name] ??= []).push(e.duration);
  }).observe({ type: 'measure' });
  let longest = 0;
  const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) longest = Math.max(longest, e.duration); });
  try { po.observe({ type: 'longtask', buffered: false }); } catch { /* not every build reports long tasks */ }
  for (let run = 0; run < opts.firstPaintRuns * opts.paths.length; run++) {
    const drawing = opts.paths[run % opts.paths.length];
    const { firstPaint, phases } = results[drawing];
    api.disposeOutputItem('bench');
    use(drawing);
    out.replaceChildren();
    await frame();
    await new Promise((r) => setTimeout(r, 50));
    /** Resolves at the first moment `when(root)` holds after an attribute change, after a pixel readback. */
    const once = (when, after) => new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        const root = out.querySelector('[data-gatescope]');
        if (root && when(root)) {
          readOne(root.querySelector('canvas[data-gate="h"]'));
          mo.disconnect();
          after?.();
          resolve(performance.now());
        }
      });
      mo.observe(out, { attributes: true, subtree: true, childList: true, attributeFilter: ['data-draws', 'data-decode', 'data-state'] });
    });
    let firstDraw = NaN;
    const painted = once((root) => root.dataset.draws, () => { firstDraw = performance.getEntriesByName('gatescope:heatmaps').at(-1)?.duration ?? NaN; });
    const full = once((root) => root.dataset.decode === 'done' && root.dataset.state === 'ready');
    const t0 = performance.now();
    api.renderOutputItem(item('bench'), out, new AbortController().signal);
    const t1 = await painted;
    const t2 = await full;
    firstPaint.push(t1 - t0);
    const mark = (n) => performance.getEntriesByName(n).at(-1)?.startTime ?? NaN;
    phases.push({ parse: mark('gatescope:parsed') - mark('gatescope:render-start'), decode: mark('gatescope:decoded') - mark('gatescope:parsed'), draw: firstDraw, overview: t1 - mark('gatescope:decoded'), full: t2 - t0 });
  }
  const longestWhileLoading = longest;

  /**
   * Work for one event: handler time plus the frame's work up to `finish`, excluding the wait for the
   * frame. The frame's work starts with the first of this function's callback and the view's own
   * (the renderer's gatescope:frame measure, when it began in this frame: a view that asked for the
   * frame earlier runs its callback first), never before the handler returned.
   */
  async function timed(dispatch, finish) {
    let frameTime = Infinity;
    let callbackStart = Infinity;
    requestAnimationFrame((ts) => { frameTime = ts; callbackStart = performance.now(); });
    const t0 = performance.now();
    dispatch();
    const t1 = performance.now();
    const done = new Promise((resolve) => requestAnimationFrame(() => { finish(); resolve(performance.now()); }));
    const t2 = await done;
    const view = performance.getEntriesByName('gatescope:frame').at(-1);
    const viewStart = view && view.startTime >= frameTime ? view.startTime : Infinity;
    await frame();
    return t1 - t0 + (t2 - Math.max(t1, Math.min(callbackStart, viewStart)));
  }
  for (const drawing of opts.paths) {
  api.disposeOutputItem('bench');
  out.replaceChildren();
  use(drawing);
  api.renderOutputItem(item('bench'), out, new AbortController().signal);
  const root = out.querySelector('[data-gatescope]');
  while (root.dataset.stats !== 'ready' || !root.dataset.draws || root.dataset.decode !== 'done') await new Promise((r) => setTimeout(r, 20));
  const canvas = root.querySelector('canvas[data-gate="r"]');
  results[drawing].drawer = canvas.dataset.drawer;
  results[drawing].canvas = [canvas.width, canvas.height];
  results[drawing].lod = root.dataset.lod;
  const rect = canvas.getBoundingClientRect();
  const tooltip = root.querySelector('.gs-tooltip');
  const { hover, zoom } = results[drawing];
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < opts.hoverSamples; i++) {
    const x = rect.left + 1 + rnd() * (rect.width - 2);
    const y = rect.top + 1 + rnd() * (rect.height - 2);
    hover.push(await timed(
      () => canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true, pointerId: 1 })),
      () => tooltip.getBoundingClientRect(),
    ));
  }
  results[drawing].hoverCheck = tooltip.textContent;
  const ranges = new Set();
  const zoomFrom = Object.fromEntries(Object.entries(measures).map(([k, v]) => [k, v.length]));
  for (let i = 0; i < opts.zoomSamples; i++) {
    const x = rect.left + 1 + rnd() * (rect.width - 2);
    const y = rect.top + rect.height / 2;
    const deltaY = (Math.floor(i / 10) % 2 === 0 ? -1 : 1) * 120;
    calDuring.push(calibrate());
    zoom.push(await timed(
      () => canvas.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: y, deltaY, ctrlKey: true, bubbles: true, cancelable: true })),
      () => readOne(root.querySelector('canvas[data-gate="h"]')),
    ));
    ranges.add(`${root.dataset.stepsStart}-${root.dataset.stepsEnd}`);
  }
  results[drawing].distinctRanges = ranges.size;
  // This path's frame parts during its zoom samples (the measures recorded since they began).
  const parts = (results[drawing].parts = {});
  for (const name of ['gatescope:heatmaps', 'gatescope:preview', 'gatescope:raster', 'gatescope:put', 'gatescope:axes', 'gatescope:overlay']) {
    const d = (measures[name] ?? []).slice(zoomFrom[name] ?? 0).sort((a, b) => a - b);
    parts[name.slice(10)] = d.length ? { median: d[Math.floor(d.length / 2)], p95: d[Math.floor(d.length * 0.95)], n: d.length } : null;
  }
  // Zoom steps each left to settle: from the wheel event until every heatmap is drawn exactly again
  // (status state=ready; a slow view shows a rescaled preview first, then redraws a gate per frame),
  // and the longest heatmap frame part in that time.
  const settled = (results[drawing].settled = { toExact: [], longestFrame: [] });
  for (let i = 0; i < opts.settleSamples; i++) {
    const x = rect.left + 1 + rnd() * (rect.width - 2);
    const deltaY = (Math.floor(i / 5) % 2 === 0 ? -1 : 1) * 120;
    const before = Number(root.dataset.draws);
    const seen = (measures['gatescope:heatmaps'] ?? []).length;
    const t0 = performance.now();
    canvas.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: rect.top + rect.height / 2, deltaY, ctrlKey: true, bubbles: true, cancelable: true }));
    while (!(Number(root.dataset.draws) > before && root.dataset.state === 'ready')) await frame();
    readOne(root.querySelector('canvas[data-gate="h"]'));
    settled.toExact.push(performance.now() - t0);
    await frame(); // the performance observer has delivered the frames' measures
    settled.longestFrame.push(Math.max(0, ...(measures['gatescope:heatmaps'] ?? []).slice(seen)));
  }
  }
  po.disconnect();
  return { calibrationMs: calib.ms, calibrationDuringZoomMs: [...calDuring].sort((a, b) => a - b)[calDuring.length >> 1], results, longestTaskMs: longestWhileLoading };
}

function pct(a, p) {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function report(r) {
  const cells = 4 * UNITS * STEPS;
  const round = (x) => Math.round(x * 100) / 100;
  const summaries = [];
  for (const path of PATHS) {
    const p = r.results[path];
    const env = { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg()[0], calibrationMs: round(r.calibrationMs), calibrationDuringZoomMs: round(r.calibrationDuringZoomMs), node: process.version, chromium: CHROMIUM, drawing: p.drawer === 'webgl2' ? 'WebGL2 (SwiftShader, software)' : 'Canvas 2D (software, --disable-gpu)' };
    const rows = [
      ['firstPaint', 'median', round(pct(p.firstPaint, 0.5)), p.firstPaint.map(round).join(' ')],
      ['hover', 'p95', round(pct(p.hover, 0.95)), `median ${round(pct(p.hover, 0.5))}, max ${round(Math.max(...p.hover))}`],
      ['zoom', 'p95', round(pct(p.zoom, 0.95)), `median ${round(pct(p.zoom, 0.5))}, max ${round(Math.max(...p.zoom))}, ${p.distinctRanges} distinct ranges`],
    ];
    console.log(`renderer bench, ${p.drawer}: ${cells} cells (${UNITS} units x ${STEPS} steps x 4 gates, uint8), canvas ${p.canvas.join('x')}`);
    for (const [name, stat, v, extra] of rows) console.log(`  ${name.padEnd(11)} ${stat.padEnd(6)} ${String(v).padStart(8)} ms   ${extra}`);
    const med = (k) => round(pct(p.phases.map((x) => x[k]), 0.5));
    console.log(`  first paint split (medians): JSON text + parse ${med('parse')} ms, decodeTrace (coarse level; level 0 deferred) ${med('decode')} ms, layout + frame + colour + draw + readback ${med('overview')} ms (of which the heatmaps frame part ${med('draw')} ms)`);
    console.log(`  full detail painted (level 0 decoded in background slices, its pyramid level built, drawn, read back): median ${med('full')} ms after the bytes arrived (${p.phases.map((x) => round(x.full)).join(' ')})`);
    console.log(`  zoom settled (${p.settled.toExact.length} steps, each left to finish): exact pictures after median ${round(pct(p.settled.toExact, 0.5))} ms, p95 ${round(pct(p.settled.toExact, 0.95))} ms; longest heatmap frame part meanwhile p95 ${round(pct(p.settled.longestFrame, 0.95))} ms`);
    console.log(`  zoom frame parts (median / p95 ms, per gate for raster and put): ${Object.entries(p.parts).map(([k, v]) => v ? `${k} ${round(v.median)} / ${round(v.p95)} (n=${v.n})` : `${k} -`).join(', ')}`);
    console.log(`  LOD at full view: ${p.lod}`);
    console.log(`  last tooltip: ${p.hoverCheck}`);
    for (const [name, stat, v] of rows) {
      console.log(JSON.stringify({ id: `render.${p.drawer}.${name}`, value: v, unit: 'ms', stat, samples: name === 'firstPaint' ? p.firstPaint.length : name === 'hover' ? p.hover.length : p.zoom.length, env }));
    }
    summaries.push({ cells, firstPaintMs: rows[0][2], hoverP95Ms: rows[1][2], zoomP95Ms: rows[2][2] });
  }
  console.log(`  longest task seen while loading: ${round(r.longestTaskMs)} ms (long-task API; one includes JSON.parse + decode)`);
  console.log(`  machine speed: 1M indexed Float32 reads took ${round(r.calibrationMs)} ms in the page before the runs, median ${round(r.calibrationDuringZoomMs)} ms interleaved with the zoom samples; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  // The Canvas 2D line, then last the default path's (WebGL2) line.
  for (const sm of summaries) console.log(JSON.stringify(sm));
}

main().catch((e) => {
  console.error(`bench:render: ${e.message}`);
  process.exit(1);
});
