// The renderer's settings path in a real Chromium, with the real renderer bundle (dist/renderer/index.js):
// the renderer asks with 'ready', and a 'settings' message (what src/host/renderer-settings.ts sends
// from gatescope.colorMap and gatescope.heatmapDrawing) redraws the open output in the chosen colour
// map and with the chosen drawer.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CIVIDIS_LUT, VIRIDIS_LUT } from '../../src/core/color/maps';
import { gruDocument, wave, type Wave } from './gru-document';
import { LUT_SHARE, openRendererPage, renderOutput } from './renderer-page';

function traceBytes(): Buffer {
  const T = 64;
  const H = 16;
  const w = (f: Wave) => wave(T, H, f);
  const doc = gruDocument('settings test', T, H, { r: w((t, u) => (t + u) / (T + H)), z: w((t) => t / T), n: w((t, u) => Math.sin(t + u)), h: w((t, u) => Math.cos(t - u)) }, 'float32');
  return Buffer.from(JSON.stringify(doc));
}

interface Seen {
  asked: boolean;
  drawer: string;
  legend: string;
  /** Fraction of the r heatmap's pixels that are entries of each sequential table. */
  viridis: number;
  cividis: number;
}

describe('renderer settings reach the drawing (Chromium, real renderer bundle)', () => {
  let browser: Browser;
  let page: Page;

  before(async function () {
    ({ browser, page } = await openRendererPage({ 'trace.json': traceBytes() }, { width: 900, height: 900 }));
    await renderOutput(page, 'trace.json');
  });

  after(async () => {
    await browser?.close();
  });

  /** Sends settings (or none), waits for a drawn output, and reports what it shows. */
  async function seen(settings?: object): Promise<Seen> {
    return (await page.evaluate(`(async (settings, luts) => {
      if (settings) window.send({ type: 'settings', settings });
      for (let i = 0; i < 400; i++) {
        const root = document.querySelector('[data-gatescope="trace"]');
        if (root && root.dataset.draws) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const root = document.querySelector('[data-gatescope="trace"]');
      const heat = root.querySelector('canvas[data-gate="r"]');
      const copy = document.createElement('canvas');
      copy.width = heat.width;
      copy.height = heat.height;
      copy.getContext('2d').drawImage(heat, 0, 0);
      const px = copy.getContext('2d').getImageData(0, 0, heat.width, heat.height).data;
      const share = (lut) => (${LUT_SHARE})(px, lut);
      return { asked: window.asked, drawer: heat.dataset.drawer, legend: root.querySelector('[data-gate="r"]').textContent, viridis: share(luts.v), cividis: share(luts.c) };
    })(${JSON.stringify(settings ?? null)}, ${JSON.stringify({ v: Array.from(VIRIDIS_LUT), c: Array.from(CIVIDIS_LUT) })})`)) as Seen;
  }

  it('asks the host for its settings and draws in viridis until they come', async () => {
    const s = await seen();
    assert.equal(s.asked, true);
    assert.match(s.legend, /viridis/);
    assert.ok(s.viridis > 0.95 && s.cividis < 0.05, `viridis ${s.viridis}, cividis ${s.cividis}`);
  });

  it('redraws in cividis when the host says gatescope.colorMap = cividis', async () => {
    const s = await seen({ colorMap: 'cividis', drawing: 'canvas2d' });
    assert.match(s.legend, /cividis/);
    assert.equal(s.drawer, 'canvas2d');
    assert.ok(s.cividis > 0.95 && s.viridis < 0.05, `viridis ${s.viridis}, cividis ${s.cividis}`);
  });

  it('draws with WebGL2 when the host says gatescope.heatmapDrawing = webgl2, in the same colours', async () => {
    const s = await seen({ colorMap: 'cividis', drawing: 'webgl2' });
    assert.equal(s.drawer, 'webgl2');
    assert.ok(s.cividis > 0.95, `cividis ${s.cividis}`);
  });
});
