// A comparison trace in a real VS Code notebook: below the usual view, the comparison view shows
// run A, run B and A − B for one gate, with the Δ pane on a diverging scale whose range it states,
// the first divergent step marked in every pane, and one hover shared by the three panes (the
// tooltip gives A, B and A − B).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { compareTraceInputs } from '../../src/core/compare/comparison-trace';
import { encodeTrace, type TraceInput } from '../../src/core/trace/encode';
import { formatFloat32 } from '../../src/core/view/format';
import { openNotebook, PYTORCH_CONVENTION, screenshot, traceOutput, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const ROOT = '[data-gatescope="compare"]';
const [T, H, K] = [80, 8, 30];
/** Run b's h differs from run a's at unit 2 from step K on, by 0.3. */
const hA = (t: number, u: number) => Math.fround(Math.sin(t * 0.2 + u) * 0.6);
const hB = (t: number, u: number) => Math.fround(hA(t, u) + (u === 2 && t >= K ? 0.3 : 0));

function run(name: string, h: (t: number, u: number) => number): TraceInput {
  const gate = (f: (t: number, u: number) => number) => Float32Array.from({ length: T * H }, (_, i) => f(Math.floor(i / H), i % H));
  return {
    model: { name, source: 'pytorch', engine: 'e2e fixture' },
    batch: 1,
    steps: T,
    layers: [
      {
        layer: 0,
        direction: 'forward',
        cell: 'gru',
        hiddenSize: H,
        convention: PYTORCH_CONVENTION,
        gates: { r: gate((t, u) => 0.5 + 0.4 * Math.sin(t / 9 + u)), z: gate((t, u) => 0.5 + 0.4 * Math.cos(t / 7 - u)), n: gate((t, u) => Math.sin(t / 5 + u)), h: gate(h) },
      },
    ],
  };
}

describe('comparison traces in a real VS Code notebook', () => {
  let page: Page | undefined;
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  it('shows A, B and the Δ pane with its range, marks the first divergent step, and hovers all three panes at once', async () => {
    const vscode = vscodeSession();
    const c = compareTraceInputs(run('float', hA), run('int8', hB), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-5 });
    const doc = encodeTrace(c.input, { precision: 'float32', maxBytes: Infinity }).document;
    writeNotebook(vscode.workspace, 'compare/compare.ipynb', [[traceOutput(doc)]]);
    const nb = await openNotebook(vscode, 'compare/compare.ipynb', `${ROOT} canvas[data-pane="delta"]`);
    page = nb.page;
    const root = nb.frame.locator(ROOT);
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);

    // The gate shown first is the one that diverges first (h), with its statistics and range.
    assert.equal(await root.getAttribute('data-gate'), 'h');
    assert.equal(await root.getAttribute('data-first-divergent-step'), String(K));
    const legend = (await nb.frame.locator(`${ROOT} .gs-compare-legend`).textContent()) ?? '';
    assert.match(legend, /A − B/);
    assert.match(legend, /−0\.(3|2999\d+) … 0\.(3|2999\d+) /, `the Δ legend states its range: ${legend}`);
    for (const pane of ['a', 'b', 'delta']) {
      assert.equal(await nb.frame.locator(`${ROOT} .gs-compare-pane[data-for="${pane}"] .gs-compare-first`).count(), 1, `first-step marker in pane ${pane}`);
    }

    const step = 50;
    const unit = 2;
    // Hovering the Δ pane (Playwright scrolls it into view) fills the tooltip shared by the three panes.
    const delta = nb.frame.locator(`${ROOT} canvas[data-pane="delta"]`);
    // The comparison sits below the trace's own view: scroll the notebook (wheel over pane A) until the Δ pane is clear of the status bar.
    await nb.frame.locator(`${ROOT} canvas[data-pane="a"]`).hover();
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(500);
    const box = await delta.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 0, `Δ pane ${JSON.stringify(box)}`);
    await delta.hover({ position: { x: ((step + 0.5) / T) * box.width, y: ((unit + 0.5) / H) * box.height } });
    const tip = nb.frame.locator(`${ROOT} .gs-compare-tip`);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-step') === '50', `${ROOT} .gs-compare-tip`);
    assert.equal(await tip.getAttribute('data-unit'), String(unit));
    const text = (await tip.textContent()) ?? '';
    for (const v of [hA(step, unit), hB(step, unit), Math.fround(hA(step, unit) - hB(step, unit))]) assert.ok(text.includes(formatFloat32(v)), `tooltip ${JSON.stringify(text)} lacks ${formatFloat32(v)}`);
    // One hover: the crosshair stands at the same step in all three panes.
    const lefts = await nb.frame.$$eval(`${ROOT} .gs-compare-xhair`, (els) => els.map((e) => (e as HTMLElement).style.left));
    assert.equal(lefts.length, 3);
    assert.equal(new Set(lefts).size, 1, `crosshairs at ${lefts.join(', ')}`);
    await screenshot(page, 'compare-view-hover');
  });
});
