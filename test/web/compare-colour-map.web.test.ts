// The comparison view draws runs A and B with the colour map the user chose (gatescope.colorMap),
// as the trace view does, says so in its legend, and draws masked steps in that map's masked colour
// (green under cividis); it used to draw and name viridis, masked in grey, whatever the setting.
// Real renderer bundle in Chromium, settings sent as the host sends them.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CIVIDIS_LUT, VIRIDIS_LUT } from '../../src/core/color/maps';
import { compareTraceInputs } from '../../src/core/compare/comparison-trace';
import { encodeTrace, type TraceInput } from '../../src/core/trace/encode';
import { LUT_SHARE, openRendererPage, renderOutput } from './renderer-page';

function run(shift: number): TraceInput {
  const T = 64;
  const H = 16;
  const wave = (f: (t: number, u: number) => number) => Float32Array.from({ length: T * H }, (_, i) => f(Math.floor(i / H), i % H));
  return {
    model: { name: `run ${shift}`, source: 'native', engine: 'test' },
    layers: [{
      layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, name: 'gru',
      convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
      gates: { r: wave((t, u) => ((t + u + shift) % 40) / 40), z: wave((t) => t / T), n: wave((t, u) => Math.sin(t + u)), h: wave((t, u) => Math.cos(t - u)) },
    }],
    batch: 1,
    steps: T,
    // The last 8 steps are past the sequence's end: drawn as masked.
    sequenceLengths: [T - 8],
  };
}

function comparisonBytes(): Buffer {
  const c = compareTraceInputs(run(0), run(3), { labels: { a: 'A run', b: 'B run' }, tolerance: 1e-3 });
  return Buffer.from(JSON.stringify(encodeTrace(c.input, { precision: 'float32', maxBytes: Infinity }).document));
}

describe('comparison view colour map (Chromium, real renderer bundle)', () => {
  let browser: Browser;
  let page: Page;

  before(async function () {
    ({ browser, page } = await openRendererPage({ 'trace.json': comparisonBytes() }));
    await renderOutput(page, 'trace.json');
  });

  after(async () => {
    await browser?.close();
  });

  /** After optional settings: pane A's share of pixels from each sequential table, and the legend. */
  async function paneA(settings?: object): Promise<{ gate: string; legend: string; viridis: number; cividis: number; maskedGreen: number }> {
    return (await page.evaluate(`(async (settings, luts) => {
      if (settings) window.send({ type: 'settings', settings });
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 400; i++) {
        const c = document.querySelector('[data-gatescope="compare"] canvas[data-pane="a"]');
        if (c && c.width > 1) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const root = document.querySelector('[data-gatescope="compare"]');
      const pane = root.querySelector('canvas[data-pane="a"]');
      const px = pane.getContext('2d').getImageData(0, 0, pane.width, pane.height).data;
      const share = (lut) => (${LUT_SHARE})(px, lut);
      let green = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] === 0 && px[i + 1] === 144 && px[i + 2] === 0) green++;
      return { gate: root.getAttribute('data-gate'), legend: root.querySelector('.gs-compare-legend').textContent, viridis: share(luts.v), cividis: share(luts.c), maskedGreen: green / (px.length / 4) };
    })(${JSON.stringify(settings ?? null)}, ${JSON.stringify({ v: Array.from(VIRIDIS_LUT), c: Array.from(CIVIDIS_LUT) })})`)) as { gate: string; legend: string; viridis: number; cividis: number; maskedGreen: number };
  }

  it('draws a sequential gate of A in viridis by default and in cividis when the host says gatescope.colorMap = cividis', async () => {
    const before = await paneA();
    assert.equal(before.gate, 'r', 'the comparison opens on a sequential gate');
    assert.match(before.legend, /A and B: viridis/);
    // 56 of 64 steps are valid: the rest of the pane is masked (grey under viridis).
    assert.ok(before.viridis > 0.8 && before.maskedGreen === 0, `viridis share ${before.viridis}, green ${before.maskedGreen}`);
    const after = await paneA({ colorMap: 'cividis', drawing: 'canvas2d' });
    assert.match(after.legend, /A and B: cividis/);
    assert.ok(after.cividis > 0.8 && after.viridis < 0.05, `cividis ${after.cividis}, viridis ${after.viridis}`);
    // Under cividis (whose middle is grey) masked steps are green, as in the trace view.
    assert.ok(after.maskedGreen > 0.1, `masked share in green ${after.maskedGreen}`);
  });
});
