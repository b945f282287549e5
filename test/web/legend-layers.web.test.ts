// A legend states the colour range of the heatmap beside it, for the layer entry shown. Ranges taken
// from the data (an LSTM's cell state c: symmetric about 0, from its extremes) differ per layer; the
// legend used to be built once, from the first layer, and kept its range after a switch to another
// layer, whose heatmap was coloured with that layer's own range. Real renderer bundle in Chromium.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { encodeTrace } from '../../src/core/trace/encode';
import { openRendererPage, renderOutput } from './renderer-page';
const T = 48;
const H = 8;

const cValue = (peak: number, t: number, u: number) => peak * Math.sin((t * H + u) / 7);

/** The legend caption of a symmetric range from the data with c's largest |value| (the renderer's number format). */
function caption(peak: number): string {
  let m = 0;
  for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) m = Math.max(m, Math.abs(Math.fround(cValue(peak, t, u))));
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
  return `${fmt(-m)} … ${fmt(m)} (symmetric, from the data)`;
}

/** Two LSTM layers whose cell states peak near 2 (layer 0) and 5 (layer 1). */
function traceBytes(): Buffer {
  const wave = (f: (t: number, u: number) => number) => Float32Array.from({ length: T * H }, (_, i) => f(Math.floor(i / H), i % H));
  const layer = (k: number, cPeak: number) => ({
    layer: k, direction: 'forward' as const, cell: 'lstm' as const, hiddenSize: H, name: `lstm${k}`,
    convention: { gateOrder: ['i', 'o', 'f', 'c'], activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' }, h: { name: 'Tanh' } } },
    gates: {
      i: wave((t, u) => (t + u) / (T + H)), f: wave((t) => t / T), g: wave((t, u) => Math.sin(t + u)), o: wave((t) => 1 - t / T),
      c: wave((t, u) => cValue(cPeak, t, u)), h: wave((t, u) => Math.cos(t - u) / 2),
    },
  });
  const doc = encodeTrace({ model: { name: 'legend test', source: 'native', engine: 'test' }, layers: [layer(0, 2), layer(1, 5)], batch: 1, steps: T }, { precision: 'float32', maxBytes: Infinity }).document;
  return Buffer.from(JSON.stringify(doc));
}

describe('legends follow the layer shown (Chromium, real renderer bundle)', () => {
  let browser: Browser;
  let page: Page;

  before(async function () {
    ({ browser, page } = await openRendererPage({ 'trace.json': traceBytes() }));
    await renderOutput(page, 'trace.json');
  });

  after(async () => {
    await browser?.close();
  });

  /** The c panel's legend caption once the output has drawn. */
  async function cLegend(): Promise<string> {
    return (await page.evaluate(`(async () => {
      for (let i = 0; i < 400; i++) {
        const root = document.querySelector('[data-gatescope="trace"]');
        if (root && root.dataset.draws && root.dataset.state === 'ready') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      return document.querySelector('[data-gatescope="trace"] .gs-gate[data-gate="c"] .gs-legend').textContent;
    })()`)) as string;
  }

  it("states each layer's own data range for c, before and after switching layers", async () => {
    const first = await cLegend();
    assert.ok(first.includes(caption(2)), `layer 0's legend states its range ${caption(2)}: ${first}`);
    await page.selectOption('[data-gatescope="trace"] select[aria-label="layer and direction"]', '1');
    const second = await cLegend();
    assert.ok(second.includes(caption(5)), `layer 1's legend states its own range ${caption(5)}: ${second}`);
    await page.selectOption('[data-gatescope="trace"] select[aria-label="layer and direction"]', '0');
    assert.ok((await cLegend()).includes(caption(2)), 'back on layer 0, its range again');
  });
});
