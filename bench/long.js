// Full detail at any length, measured in the real VS Code of the test harness (code-server offline +
// Debian's Chromium): a synthetic GRU trace of 4 gates x 1,024 units x 100,000 steps (409.6M cells),
// encoded by the core encoder with a sidecar beside the notebook (the output keeps the header and
// the coarse levels), opened in a notebook, then zoomed to full detail at random places.
//   firstPaintMs     renderOutputItem start -> first heatmaps drawn (webview clock: parse + decode + draw)
//   detailZoomP95Ms  p95 over --samples zooms: from the overview, Ctrl+wheel about a random step until
//                    the view spans under 200 steps; time from the last wheel event to the frame that
//                    draws every column from level 0 (tiles fetched from the host, hash-checked, decoded)
//   webviewMB        the renderer's JS heap (Performance.getMetrics of the webview's process) plus the
//                    decoded tiles it holds (data-tiles-mb), after the zooms
//   outputBytes      bytes of the output's JSON (the notebook output; the budget is 2 MB)
// Generation, encoding and the sidecar write are timed apart (stderr); they are the producer's cost.
//   node esbuild.js && node bench/long.js [--samples 20] [--steps 100000] [--units 1024] [--keep]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

require('tsx/cjs/api').register();
/** @type {typeof import('../test/e2e/harness')} */
const harness = require('../test/e2e/harness.ts');
const { encodeTrace } = require('../src/core/trace/encode.ts');
const { writeSidecarFile } = require('../src/node/sidecar-file.ts');
const { argReader, now } = require('./lib/common');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = argReader(args);
const SAMPLES = Math.max(1, Number(arg('samples', 20)));
const T = Number(arg('steps', 100000));
const H = Number(arg('units', 1024));
const SEL = '[data-gatescope="trace"]';
const log = (m) => process.stderr.write(`[bench:long] ${m}\n`);

/** Gates as smooth waves per unit plus a one-step spike every 9,973 steps (so min/max have work to do). */
function gates() {
  const table = new Float32Array(4096);
  for (let i = 0; i < table.length; i++) table[i] = Math.sin((2 * Math.PI * i) / table.length);
  const mk = (fn) => {
    const a = new Float32Array(T * H);
    for (let t = 0; t < T; t++) {
      const row = t * H;
      for (let u = 0; u < H; u++) a[row + u] = fn(t, u);
    }
    return a;
  };
  const w = (t, u, k) => table[(t * ((u % 7) + 1) * k + u * 97) & 4095];
  return {
    r: mk((t, u) => 0.5 + 0.5 * w(t, u, 3)),
    z: mk((t, u) => (t % 9973 === 0 ? 1 : 0.5 + 0.45 * w(t, u, 1))),
    n: mk((t, u) => w(t, u, 5)),
    h: mk((t, u) => 0.9 * w(t, u, 2)),
  };
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-bench-long-'));
  const folder = path.join(work, 'ws', 'long');
  fs.mkdirSync(folder, { recursive: true });
  let t = now();
  const g = gates();
  log(`generated ${T} steps x ${H} units x 4 gates in ${(now() - t).toFixed(0)} ms`);
  t = now();
  const { document, sidecar } = encodeTrace(
    {
      model: { name: `bench ${T} steps`, source: 'native', engine: 'bench/long.js synthetic' },
      layers: [{ layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } }, gates: g }],
      batch: 1,
      steps: T,
    },
    { sidecar: { stem: 'long' } },
  );
  if (!sidecar) throw new Error('the bench trace fitted the output: no sidecar to measure');
  log(`encoded (pyramid + overview) in ${(now() - t).toFixed(0)} ms`);
  t = now();
  document.sidecar = await writeSidecarFile(sidecar, folder);
  log(`wrote the sidecar (${(document.sidecar.bytes / 2 ** 20).toFixed(0)} MB, level 0 ${document.layers[0].gates[0].levels[0].dtype}) in ${(now() - t).toFixed(0)} ms`);
  const outputBytes = Buffer.byteLength(JSON.stringify(document));
  harness.writeNotebook(path.join(work, 'ws'), 'long/long.ipynb', [[harness.traceOutput(document)]]);

  const vscode = await harness.startVsCode({ workspace: path.join(work, 'ws'), devPath: ROOT });
  try {
    const { page, frame } = await harness.openNotebook(vscode, 'long/long.ipynb', `${SEL} canvas[data-gate="h"]`);
    await frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, SEL, { timeout: 120000 });
    const firstPaintMs = await frame.evaluate(() => {
      const start = performance.getEntriesByName('gatescope:render-start')[0];
      const draw = performance.getEntriesByName('gatescope:heatmaps')[0];
      return draw && start ? draw.startTime + draw.duration - start.startTime : NaN;
    });
    log(`first paint ${firstPaintMs.toFixed(1)} ms; output ${outputBytes} bytes`);

    const zooms = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    // Records, in the webview's clock, the last wheel event and the first full-detail draw after it.
    await frame.evaluate((sel) => {
      const root = document.querySelector(sel);
      window.__gs = { lastWheel: 0, full: 0 };
      root.addEventListener('wheel', () => {
        window.__gs.lastWheel = performance.now();
        window.__gs.full = 0;
      }, { capture: true });
      new MutationObserver(() => {
        if (root.getAttribute('data-detail') === 'full' && window.__gs.lastWheel && !window.__gs.full) window.__gs.full = performance.now();
      }).observe(root, { attributes: true, attributeFilter: ['data-detail', 'data-draws'] });
    }, SEL);
    for (let i = 0; i < SAMPLES; i++) {
      await frame.focus(`${SEL} .gs-stack`);
      await page.keyboard.press('0');
      await frame.waitForFunction((sel) => document.querySelector(sel).getAttribute('data-steps-start') === '0', SEL);
      // Measured each time: focusing the view can scroll the notebook.
      const box = await frame.locator(`${SEL} canvas[data-gate="r"]`).boundingBox();
      const x = box.x + (0.02 + 0.96 * rnd()) * box.width;
      await page.mouse.move(x, box.y + box.height / 2);
      await page.keyboard.down('Control');
      for (let k = 0; k < 40; k++) {
        const span = await frame.$eval(SEL, (e) => Number(e.getAttribute('data-steps-end')) - Number(e.getAttribute('data-steps-start')));
        if (span < 200) break;
        await page.mouse.wheel(0, -400);
        await frame.waitForFunction(([sel, was]) => {
          const e = document.querySelector(sel);
          return Number(e.getAttribute('data-steps-end')) - Number(e.getAttribute('data-steps-start')) < was;
        }, [SEL, span], { timeout: 60000 });
      }
      await page.keyboard.up('Control');
      await frame.waitForFunction(() => window.__gs.full > 0, undefined, { timeout: 60000 });
      const ms = await frame.evaluate(() => window.__gs.full - window.__gs.lastWheel);
      zooms.push(ms);
      const [rtt, hostMs] = await frame.$eval(SEL, (e) => [e.getAttribute('data-tile-rtt-ms'), e.getAttribute('data-tile-host-ms')]);
      log(`zoom ${i + 1}/${SAMPLES}: ${ms.toFixed(1)} ms to full detail (last tile request: round trip ${rtt} ms, of which the host ${hostMs} ms)`);
    }
    const tilesMb = Number(await frame.$eval(SEL, (e) => e.getAttribute('data-tiles-mb') ?? '0'));
    let heapMb = NaN;
    try {
      const cdp = await page.context().newCDPSession(frame);
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      heapMb = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
    } catch (e) {
      heapMb = await frame.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : NaN));
      log(`CDP metrics unavailable for the webview (${e.message}); JS heap from performance.memory`);
    }
    const result = {
      cells: 4 * H * T,
      outputBytes,
      firstPaintMs: +firstPaintMs.toFixed(1),
      detailZoomP95Ms: +percentile(zooms, 95).toFixed(1),
      webviewMB: +(heapMb + tilesMb).toFixed(1),
    };
    console.log(`cells ${result.cells}  output ${(outputBytes / 2 ** 20).toFixed(2)} MB (target <= 2)  first paint ${result.firstPaintMs} ms (target <= 150)  detail zoom p50 ${percentile(zooms, 50).toFixed(1)} / p95 ${result.detailZoomP95Ms} ms (target <= 100)  webview ${result.webviewMB} MB (JS heap ${heapMb.toFixed(1)} + tiles ${tilesMb})`);
    console.log(JSON.stringify(result));
  } finally {
    await vscode.stop();
    if (!args.includes('--keep')) fs.rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
