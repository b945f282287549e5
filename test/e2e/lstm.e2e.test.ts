// An LSTM trace in a real VS Code notebook (code-server + Chromium): six gate heatmaps (i, f, g, o,
// c, h), the cell state's legend saying its range comes from the data, and a hover on c showing
// the exact value. Values are known functions of (step, unit).
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { encodeTrace } from '../../src/core/trace';
import { formatFloat32 } from '../../src/core/view/format';
import { openNotebook, screenshot, traceOutput, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const T = 32;
const H = 6;
const ROOT = '[data-gatescope="trace"]';
/** c at (t, u): up to ±3, beyond any fixed gate range. */
const cAt = (t: number, u: number) => Math.fround(3 * Math.sin(t / 4 + u));

function lstmTrace() {
  const size = T * H;
  const g = { i: new Float32Array(size), f: new Float32Array(size), g: new Float32Array(size), o: new Float32Array(size), c: new Float32Array(size), h: new Float32Array(size) };
  for (let t = 0; t < T; t++) {
    for (let u = 0; u < H; u++) {
      const k = t * H + u;
      g.i[k] = (t * H + u) / size;
      g.f[k] = 1 - g.i[k]!;
      g.g[k] = Math.cos(t / 3 - u);
      g.o[k] = 0.5;
      g.c[k] = cAt(t, u);
      g.h[k] = 0.5 * Math.tanh(g.c[k]!);
    }
  }
  const convention = { gateOrder: ['i', 'f', 'g', 'o'], activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' }, h: { name: 'Tanh' } } };
  return encodeTrace(
    {
      model: { name: 'lstm fixture', source: 'pytorch', engine: 'e2e fixture' },
      layers: [{ layer: 0, direction: 'forward', cell: 'lstm', hiddenSize: H, convention, gates: g }],
      batch: 1,
      steps: T,
      tokens: Array.from({ length: T }, (_, t) => `w${t}`),
    },
    { precision: 'float32' },
  ).document;
}

async function attr(frame: Frame, name: string): Promise<string | null> {
  return frame.$eval(ROOT, (e, n) => e.getAttribute(n), name);
}

describe('an LSTM trace in a real VS Code notebook', () => {
  let page: Page | undefined;
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  it('draws i, f, g, o, c and h; c has a symmetric range from the data; hovering c shows its exact value', async () => {
    const vscode = vscodeSession();
    writeNotebook(vscode.workspace, 'lstm.ipynb', [[traceOutput(lstmTrace())]]);
    const nb = await openNotebook(vscode, 'lstm.ipynb', `${ROOT} canvas[data-gate="c"]`);
    page = nb.page;
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    const gates = await nb.frame.$$eval(`${ROOT} canvas[data-gate]`, (cs) => cs.map((c) => c.getAttribute('data-gate')));
    assert.deepEqual(gates, ['i', 'f', 'g', 'o', 'c', 'h']);
    const legend = await nb.frame.$eval(`${ROOT} .gs-gate[data-gate="c"]`, (e) => e.textContent ?? '');
    assert.match(legend, /\(symmetric, from the data\)/);
    const fixed = await nb.frame.$eval(`${ROOT} .gs-gate[data-gate="f"]`, (e) => e.textContent ?? '');
    assert.doesNotMatch(fixed, /from the data/);
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="c"]`).boundingBox();
    assert.ok(box);
    const s0 = Number(await attr(nb.frame, 'data-steps-start'));
    const s1 = Number(await attr(nb.frame, 'data-steps-end'));
    const u0 = Number(await attr(nb.frame, 'data-units-start'));
    const u1 = Number(await attr(nb.frame, 'data-units-end'));
    const step = 13;
    const unit = 4;
    await page.mouse.move(box.x + ((step + 0.5 - s0) / (s1 - s0)) * box.width, box.y + ((unit + 0.5 - u0) / (u1 - u0)) * box.height);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-step') === '13', `${ROOT} .gs-tooltip`);
    const text = (await nb.frame.locator(`${ROOT} .gs-tooltip`).textContent()) ?? '';
    assert.ok(text.includes(formatFloat32(cAt(step, unit))), `tooltip ${JSON.stringify(text)} lacks c = ${formatFloat32(cAt(step, unit))}`);
    await screenshot(page, 'renderer-lstm');
  });
});
