// Both heatmap drawing paths in a real Chromium (WebGL2 through SwiftShader, Chromium's software GPU,
// here; Canvas 2D): the same job drawn by each must give the same colours, pixel for pixel, within
// one colour-table entry (the GPU sums in float32, the CPU in float64), with NaN, ±Inf and masked
// cells in exactly the same special colours.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { Case, Comparison } from './heatmap-drawing.page';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../scripts/vscode-offline.js');

const ROOT = path.resolve(__dirname, '../..');

describe('heatmap drawing: WebGL2 and Canvas 2D give the same colours (Chromium)', () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    const bundle = esbuild.buildSync({
      entryPoints: [path.join(ROOT, 'test/web/heatmap-drawing.page.ts')],
      bundle: true, write: false, format: 'iife', globalName: 'drawing', platform: 'browser', target: 'es2022',
    }).outputFiles[0]!.text;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundle });
  });

  after(async () => {
    await browser?.close();
  });

  const compare = (c: Case) => page.evaluate((x) => (globalThis as unknown as { drawing: { compareDrawers(c: Case): Comparison } }).drawing.compareDrawers(x), c);

  const cases: [string, Case][] = [
    ['a sequential gate, many steps per pixel, with NaN, ±Inf and masked steps', { scale: 'sequential', dtype: 'float32', steps: 700, valid: 610, units: 24, cols: 150, rows: 48 }],
    ['a diverging gate (RdBu, symmetric range) in a shuffled unit order, units averaged per row', { scale: 'diverging', dtype: 'float32', steps: 300, valid: 300, units: 96, cols: 120, rows: 40, shuffled: true }],
    ['a reversed sequential gate (z shown as 1 − z) zoomed past one cell per pixel', { scale: 'sequential', reversed: true, dtype: 'float32', steps: 400, valid: 380, units: 32, cols: 160, rows: 64, view: [0.8, 0.99, 0.25, 0.75] }],
    ['many units under each pixel row (the general loop, past the unrolled one)', { scale: 'diverging', dtype: 'float32', steps: 500, valid: 480, units: 300, cols: 100, rows: 30, shuffled: true }],
    ['uint8 codes drawn from the codes themselves (R8UI), NaN and ±Inf from codes 253-255', { scale: 'diverging', dtype: 'uint8', steps: 120, valid: 100, units: 20, cols: 240, rows: 60 }],
    ['float16 values drawn from half floats (R16F)', { scale: 'sequential', dtype: 'float16', steps: 90, valid: 80, units: 30, cols: 180, rows: 60 }],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      const r = await compare(c);
      assert.equal(r.path, 'gpu', 'the WebGL2 program computed the pixels');
      assert.equal(r.mismatches, 0, `${r.mismatches} of ${r.pixels} pixels differ by more than one table entry; first: ${r.first}`);
      // Every special colour is on screen in the cases that hold it, so the test covers them.
      assert.ok(r.counts.nan > 0, 'some NaN pixels drawn');
      if (c.valid < c.steps && !c.view) assert.ok(r.counts.masked > 0, 'some masked pixels drawn');
      if (c.cols >= c.steps) assert.ok(r.counts.posInf > 0 && r.counts.negInf > 0, 'some ±Inf pixels drawn');
      assert.ok(r.offByOne < r.pixels * 0.02, `${r.offByOne} pixels one entry apart`);
    });
  }

  it('the drawing setting picks the drawer: auto takes WebGL2 on a hardware GPU only', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as { drawing: { drawerChoices(): { software: boolean; auto: string; webgl2: string; canvas2d: string } } }).drawing.drawerChoices());
    assert.deepEqual(r, { software: r.software, auto: r.software ? 'canvas2d' : 'webgl2', webgl2: 'webgl2', canvas2d: 'canvas2d' });
  });

  it('a lost WebGL2 context switches the panel to Canvas 2D and asks for a redraw', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as { drawing: { loseContext(): Promise<{ before: string; after: string; redraws: number; drawn: boolean }> } }).drawing.loseContext());
    assert.deepEqual(r, { before: 'webgl2', after: 'canvas2d', redraws: 1, drawn: true });
  });
});
