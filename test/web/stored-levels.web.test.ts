// The WebGL2 drawer draws a trace's level 0 from the form the document stores it in: uint8 codes as
// an R8UI texture, float16 as R16F, float32 as R32F (the panel canvas says which: data-source), in a
// real Chromium with the real renderer bundle (dist/renderer/index.js; run `node esbuild.js` first).
// Its colours are the Canvas 2D path's: the same colour-table entry, or (where the GPU's float32
// decode of a code lands on the other side of an entry's edge) the next one.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { gruDocument, wave, type Wave } from './gru-document';
import { TRACE_ATTR } from '../../src/core/view/status-contract';
import { openRendererPage } from './renderer-page';

/** Fewer steps than heatmap columns: level 0 is drawn. */
const T = 400;
const H = 24;
const DTYPES = ['uint8', 'float16', 'float32'] as const;

function traceBytes(precision: (typeof DTYPES)[number]): Buffer {
  const w = (f: Wave) => wave(T, H, f);
  const n = w((t, u) => Math.sin(t * 0.05 * (1 + (u % 5)) + u));
  n[7 * H + 3] = NaN;
  n[9 * H + 4] = Infinity;
  const gates = { r: w((t, u) => 0.5 + 0.5 * Math.sin(t * 0.02 + u)), z: w((t, u) => (t % (30 + u)) / (30 + u)), n, h: w((t, u) => Math.cos(t * 0.01 * (u + 1))) };
  return Buffer.from(JSON.stringify(gruDocument(`stored ${precision}`, T, H, gates, precision)));
}

describe('WebGL2 draws level 0 from its stored form (Chromium, real renderer bundle)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ browser, page } = await openRendererPage(Object.fromEntries(DTYPES.map((d) => [`${d}.json`, traceBytes(d)])), { width: 1000, height: 1200 }));
  });

  after(async () => {
    await browser?.close();
  });

  /** Renders `file` with `drawing`; keeps its heatmap pixels as window.shots[file + drawing] and returns each canvas's data-source. */
  async function render(file: string, drawing: string): Promise<string[]> {
    return (await page.evaluate(`(async ({ file, drawing, A }) => {
      const bytes = new Uint8Array(await (await fetch('/' + file)).arrayBuffer());
      let send;
      const api = window.activate({ setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true }, postMessage() {}, onDidReceiveMessage: (fn) => { send = fn; return { dispose() {} }; } });
      send({ type: 'settings', settings: { colorMap: 'viridis', drawing } });
      const out = document.getElementById('out');
      out.replaceChildren();
      const text = () => new TextDecoder().decode(bytes);
      api.renderOutputItem({ id: file, mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, out, new AbortController().signal);
      let root;
      for (let i = 0; i < 1500; i++) {
        root = out.querySelector('[' + A.gatescope + '="trace"]');
        if (root && root.getAttribute(A.draws) && root.getAttribute(A.state) === 'ready' && root.getAttribute(A.stats) === 'ready') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const canvases = [...root.querySelectorAll('canvas[data-gate]')];
      (window.shots ??= {})[file + drawing] = canvases.map((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
      const sources = canvases.map((c) => c.dataset.source ?? 'none');
      api.disposeOutputItem(file);
      return sources;
    })(${JSON.stringify({ file, drawing, A: TRACE_ATTR })})`)) as string[];
  }

  for (const dtype of DTYPES) {
    it(`${dtype}: a ${dtype === 'uint8' ? 'R8UI' : dtype === 'float16' ? 'R16F' : 'R32F'} texture of the stored values, in the Canvas 2D path's colours`, async () => {
      const sources = await render(`${dtype}.json`, 'webgl2');
      assert.deepEqual(sources, ['gpu:' + dtype, 'gpu:' + dtype, 'gpu:' + dtype, 'gpu:' + dtype]);
      await render(`${dtype}.json`, 'canvas2d');
            const c = (await page.evaluate(`((a, b) => {
        const x = window.shots[a], y = window.shots[b];
        let pixels = 0, same = 0, apart = 0, worst = 0;
        for (let g = 0; g < y.length; g++) for (let i = 0; i < y[g].length; i += 4) {
          pixels++;
          const d = Math.max(Math.abs(x[g][i] - y[g][i]), Math.abs(x[g][i + 1] - y[g][i + 1]), Math.abs(x[g][i + 2] - y[g][i + 2]));
          if (d === 0) same++; else apart++;
          worst = Math.max(worst, d);
        }
        return { pixels, same, apart, worst };
      })(${JSON.stringify(`${dtype}.jsonwebgl2`)}, ${JSON.stringify(`${dtype}.jsoncanvas2d`)})`)) as { pixels: number; same: number; apart: number; worst: number };
      assert.ok(c.pixels > 100_000, `${c.pixels} pixels compared`);
      assert.ok(c.same >= 0.99 * c.pixels, `${c.same} of ${c.pixels} pixels the same colour on both paths`);
      // Neighbouring entries differ by at most 3 (viridis) or 4 (RdBu, the diverging n and h) per channel: one entry apart, never more.
      assert.ok(c.worst <= 4, `largest channel difference ${c.worst}`);
    });
  }
});
