// A comparison trace in a real VS Code notebook: below the usual view, the comparison view shows
// run A, run B and A − B for one gate, with the Δ pane on a diverging scale whose range it states,
// the first divergent step marked in every pane, and one hover shared by the three panes (the
// tooltip gives A, B and A − B).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { compareTraceInputs } from '../../src/core/compare/comparison-trace';
import { encodeTrace, type TraceInput } from '../../src/core/trace/encode';
import { formatFloat32 } from '../../src/core/view/format';
import { writeSidecarFile } from '../../src/node/sidecar-file';
import { openNotebook, PYTORCH_CONVENTION, screenshot, traceOutput, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const ROOT = '[data-gatescope="compare"]';
const [T, H, K] = [80, 8, 30];
/** Run b's h differs from run a's at unit 2 from step K on, by 0.3. */
const hA = (t: number, u: number) => Math.fround(Math.sin(t * 0.2 + u) * 0.6);
const hB = (t: number, u: number) => Math.fround(hA(t, u) + (u === 2 && t >= K ? 0.3 : 0));

function run(name: string, h: (t: number, u: number) => number, steps = T): TraceInput {
  const gate = (f: (t: number, u: number) => number) => Float32Array.from({ length: steps * H }, (_, i) => f(Math.floor(i / H), i % H));
  return {
    model: { name, source: 'pytorch', engine: 'e2e fixture' },
    batch: 1,
    steps,
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

  it('zooms and pans the three panes together: one step range, the step axis and the first-divergent marker follow, and the hover stays right', async () => {
    const vscode = vscodeSession();
    const c = compareTraceInputs(run('float', hA), run('int8', hB), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-5 });
    writeNotebook(vscode.workspace, 'compare/zoom.ipynb', [[traceOutput(encodeTrace(c.input, { precision: 'float32', maxBytes: Infinity }).document)]]);
    const nb = await openNotebook(vscode, 'compare/zoom.ipynb', `${ROOT} canvas[data-pane="delta"]`);
    page = nb.page;
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    await nb.frame.locator(`${ROOT} canvas[data-pane="a"]`).hover();
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(500);

    // Ctrl+wheel over pane A, at step 40: all three panes show one narrower step range around it.
    const a = nb.frame.locator(`${ROOT} canvas[data-pane="a"]`);
    const boxA = (await a.boundingBox())!;
    await page.mouse.move(boxA.x + ((40 + 0.5) / T) * boxA.width, boxA.y + boxA.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await nb.frame.waitForFunction((sel) => {
      const r = document.querySelector(`${sel} .gs-compare-wrap[data-pane="a"]`)?.getAttribute('data-range')?.split(' ').map(Number);
      return !!r && r[1]! - r[0]! < 79;
    }, ROOT);
    const ranges = await rangesOf(nb.frame);
    assert.equal(new Set(ranges.map((r) => r.join(' '))).size, 1, `pane ranges ${JSON.stringify(ranges)}`);
    const [s0, s1] = ranges[0]!;
    assert.ok(s0! < 40 && 40 < s1! && s1! - s0! < 40, `zoomed about step 40: [${s0}, ${s1})`);
    assert.deepEqual(ranges[0]!.slice(2), [0, H], 'a time zoom leaves the units alone');

    // The first divergent step (K) is still in view: its marker sits where K is in the zoomed range, in every pane.
    const want = (((K + 0.5 - s0!) / (s1! - s0!)) * 100).toFixed(2);
    const marks = await nb.frame.$$eval(`${ROOT} .gs-compare-first`, (els) => els.map((e) => parseFloat((e as HTMLElement).style.left).toFixed(2)));
    assert.deepEqual(marks, [want, want, want]);
    // The step axis labels steps of the zoomed range only.
    const labels = (await nb.frame.$$eval(`${ROOT} .gs-steps span`, (els) => els.map((e) => e.textContent ?? ''))).map(Number).filter((n) => Number.isFinite(n));
    assert.ok(labels.length >= 2 && labels.every((n) => n >= Math.floor(s0!) && n < s1!), `axis labels ${labels.join(', ')} for [${s0}, ${s1})`);

    // Hover after the zoom: the Δ pane at step 35, unit 2 gives that cell's A, B and A − B, with one crosshair position.
    const step = 35;
    const unit = 2;
    const delta = nb.frame.locator(`${ROOT} canvas[data-pane="delta"]`);
    const box = (await delta.boundingBox())!;
    await page.mouse.move(box.x + ((step + 0.5 - s0!) / (s1! - s0!)) * box.width, box.y + ((unit + 0.5) / H) * box.height);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-step') === '35', `${ROOT} .gs-compare-tip`);
    const tip = nb.frame.locator(`${ROOT} .gs-compare-tip`);
    assert.equal(await tip.getAttribute('data-unit'), String(unit));
    const text = (await tip.textContent()) ?? '';
    for (const v of [hA(step, unit), hB(step, unit), Math.fround(hA(step, unit) - hB(step, unit))]) assert.ok(text.includes(formatFloat32(v)), `tooltip ${JSON.stringify(text)} lacks ${formatFloat32(v)}`);
    const lefts = await nb.frame.$$eval(`${ROOT} .gs-compare-xhair`, (els) => els.map((e) => (e as HTMLElement).style.left));
    assert.equal(new Set(lefts).size, 1, `crosshairs at ${lefts.join(', ')}`);
    assert.equal(parseFloat(lefts[0]!).toFixed(2), (((step + 0.5 - s0!) / (s1! - s0!)) * 100).toFixed(2));
    await screenshot(page, 'compare-view-zoomed-hover');

    // A drag over pane B pans all three to earlier steps; key 0 shows every step again.
    const boxB = (await nb.frame.locator(`${ROOT} canvas[data-pane="b"]`).boundingBox())!;
    await page.mouse.move(boxB.x + boxB.width / 2, boxB.y + boxB.height / 2);
    await page.mouse.down();
    await page.mouse.move(boxB.x + boxB.width / 2 + 120, boxB.y + boxB.height / 2, { steps: 6 });
    await page.mouse.up();
    await nb.frame.waitForFunction(([sel, was]) => Number(document.querySelector(`${sel} .gs-compare-wrap[data-pane="delta"]`)?.getAttribute('data-range')?.split(' ')[0]) < (was as number), [ROOT, s0!] as const);
    const panned = await rangesOf(nb.frame);
    assert.equal(new Set(panned.map((r) => r.join(' '))).size, 1);
    // data-range is written to 3 decimals.
    assert.ok(Math.abs(panned[0]![1]! - panned[0]![0]! - (s1! - s0!)) < 0.01, `a pan keeps the span: [${s0}, ${s1}) then ${panned[0]!.join(' ')}`);
    await nb.frame.focus(`${ROOT} .gs-compare-panes`);
    await page.keyboard.press('0');
    await nb.frame.waitForFunction((sel) => document.querySelector(`${sel} .gs-compare-wrap[data-pane="b"]`)?.getAttribute('data-range') === '0.000 80.000 0.000 8.000', ROOT);
  });

  it('aligns run B\'s units to run A\'s (Hungarian on h), shows the permutation, and undoes it with the same toggle', async () => {
    const vscode = vscodeSession();
    // Run B is run A with its units shuffled: B unit k holds A's unit SHUFFLE[k].
    const SHUFFLE = [5, 2, 7, 0, 1, 3, 6, 4];
    const a = run('checkpoint 1', hA);
    const b = run('checkpoint 2', hA);
    for (const [g, v] of Object.entries(b.layers[0]!.gates)) b.layers[0]!.gates[g] = Float32Array.from(v, (_, i) => v[i - (i % H) + SHUFFLE[i % H]!]!);
    const c = compareTraceInputs(a, b, { labels: { a: 'checkpoint 1', b: 'checkpoint 2' }, tolerance: 1e-5 });
    writeNotebook(vscode.workspace, 'compare/align.ipynb', [[traceOutput(encodeTrace(c.input, { precision: 'float32', maxBytes: Infinity }).document)]]);
    const nb = await openNotebook(vscode, 'compare/align.ipynb', `${ROOT} canvas[data-pane="delta"]`);
    page = nb.page;
    const root = nb.frame.locator(ROOT);
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    assert.equal(await root.getAttribute('data-aligned'), 'false');
    const stats = nb.frame.locator(`${ROOT} .gs-compare-stats`);
    assert.doesNotMatch((await stats.textContent()) ?? '', /max \|A − B\| 0 /);

    const toggle = nb.frame.locator(`${ROOT} input[data-role="align-units"]`);
    await toggle.scrollIntoViewIfNeeded();
    await toggle.check();
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-aligned') === 'true', ROOT);
    // b unit permutation[u] is shown at a's unit u: the inverse of the shuffle.
    const inverse = SHUFFLE.map((_, u) => SHUFFLE.indexOf(u));
    assert.equal(await nb.frame.locator(`${ROOT} .gs-compare-perm`).getAttribute('data-permutation'), JSON.stringify(inverse));
    const permText = (await nb.frame.locator(`${ROOT} .gs-compare-perm`).textContent()) ?? '';
    assert.ok(permText.includes(`B unit ${inverse[0]} → A unit 0`), permText);
    assert.match((await stats.textContent()) ?? '', /max \|A − B\| 0 · .*within the tolerance at every step/);
    assert.match((await nb.frame.locator(`${ROOT} .gs-compare-legend`).textContent()) ?? '', /0 everywhere/);
    await screenshot(page, 'compare-view-aligned');

    await toggle.uncheck();
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-aligned') === 'false', ROOT);
    assert.equal(await nb.frame.locator(`${ROOT} .gs-compare-perm`).getAttribute('data-permutation'), '');
    assert.doesNotMatch((await stats.textContent()) ?? '', /max \|A − B\| 0 /);
  });

  it('draws runs whose values live in a sidecar from the inline overview, and hovers exact values from the sidecar tiles', async () => {
    const vscode = vscodeSession();
    const LONG = 6000;
    const hB2 = (t: number, u: number) => Math.fround(hA(t, u) + (u === 2 && t >= 4000 ? 0.3 : 0));
    const c = compareTraceInputs(run('float', hA, LONG), run('int8', hB2, LONG), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-5 });
    const dir = path.join(vscode.workspace, 'compare');
    const encoded = encodeTrace(c.input, { precision: 'float32', maxBytes: 150_000, sidecar: { stem: 'long-compare', precision: 'float32' } });
    assert.ok(encoded.sidecar, 'the fixture must need a sidecar');
    fs.mkdirSync(dir, { recursive: true });
    encoded.document.sidecar = await writeSidecarFile(encoded.sidecar, dir);
    writeNotebook(vscode.workspace, 'compare/long-compare.ipynb', [[traceOutput(encoded.document)]]);
    const nb = await openNotebook(vscode, 'compare/long-compare.ipynb', `${ROOT} canvas[data-pane="delta"]`);
    page = nb.page;
    const root = nb.frame.locator(ROOT);
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    assert.match((await root.getAttribute('data-source')) ?? '', /^overview\/\d+$/);
    assert.equal(await root.getAttribute('data-first-divergent-step'), '4000');
    const delta = nb.frame.locator(`${ROOT} canvas[data-pane="delta"]`);
    await scrollIntoPage(page, delta);
    const box = (await delta.boundingBox())!;
    await delta.hover({ position: { x: box.width * 0.75, y: ((2 + 0.5) / H) * box.height } });
    await nb.frame
      .waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-exact') === 'true', `${ROOT} .gs-compare-tip`, { timeout: 30000 })
      .catch(async (e: Error) => assert.fail(`no exact values after 30 s; the tooltip says ${JSON.stringify(await nb.frame.locator(`${ROOT} .gs-compare-tip`).textContent())} (${e.message})`));
    const step = Number(await nb.frame.locator(`${ROOT} .gs-compare-tip`).getAttribute('data-step'));
    const text = (await nb.frame.locator(`${ROOT} .gs-compare-tip`).textContent()) ?? '';
    for (const v of [hA(step, 2), hB2(step, 2), Math.fround(hA(step, 2) - hB2(step, 2))]) assert.ok(text.includes(formatFloat32(v)), `tooltip ${JSON.stringify(text)} lacks ${formatFloat32(v)} at step ${step}`);
    await screenshot(page, 'compare-view-sidecar-hover');
  });

  it('"Compare With…" under a trace output picks another trace output of the notebook and inserts the comparison below', async () => {
    const vscode = vscodeSession();
    const one = (name: string, h: (t: number, u: number) => number) => traceOutput(encodeTrace(run(name, h), { precision: 'float32', maxBytes: Infinity }).document);
    writeNotebook(vscode.workspace, 'compare/two-outputs.ipynb', [[one('float', hA)], [one('int8', hB)]]);
    const nb = await openNotebook(vscode, 'compare/two-outputs.ipynb', '[data-gatescope="compare-with"] button');
    page = nb.page;
    // The button under an output (the webview's DOM order need not be the cells' order): the host asks
    // which trace to compare it with, in a quick pick titled with the cell it came from.
    const button = nb.frame.locator('[data-gatescope="compare-with"] button').first();
    await scrollIntoPage(page, button);
    await button.click();
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.waitFor({ state: 'visible', timeout: 30000 }).catch(async (e: Error) => {
      await screenshot(page!, 'compare-with-on-output-failed');
      assert.fail(`no quick pick; notifications: ${JSON.stringify(await page!.locator('.notifications-toasts').textContent().catch(() => ''))} (${e.message.split('\n')[0]})`);
    });
    const from = Number(/compare the trace of cell (\d)/.exec((await title.textContent()) ?? '')?.[1]);
    assert.ok(from === 1 || from === 2, `quick pick title ${await title.textContent()}`);
    const other = 3 - from;
    const names = ['float', 'int8'];
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `Cell ${other}` }).first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    assert.match((await row.textContent()) ?? '', new RegExp(names[other - 1]!));
    await row.click();
    // The comparison lands below that output as a new output with its comparison view.
    await nb.frame.waitForSelector(`${ROOT} canvas[data-pane="delta"]`, { timeout: 60000 });
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    assert.equal(await nb.frame.locator(ROOT).getAttribute('data-first-divergent-step'), String(K));
    assert.match((await nb.frame.locator(`${ROOT} .gs-title`).first().textContent()) ?? '', new RegExp(`A = ${names[from - 1]} \\(cell ${from}\\), B = ${names[other - 1]} \\(cell ${other}\\)`));
    await screenshot(page, 'compare-with-on-output');
  });
});

/** [steps start, steps end, units start, units end] each pane was drawn with. */
async function rangesOf(frame: Frame): Promise<number[][]> {
  return frame.$$eval(`${ROOT} .gs-compare-wrap`, (els) => els.map((e) => (e.getAttribute('data-range') ?? '').split(' ').map(Number)));
}

/** Scrolls the notebook (wheel over the output, which the panes leave alone without Ctrl) until `target` is inside the page's viewport. */
async function scrollIntoPage(page: Page, target: ReturnType<Frame['locator']>): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 720 };
  for (let i = 0; i < 12; i++) {
    const box = await target.boundingBox();
    if (box && box.y > 0 && box.y + box.height < viewport.height - 40) return;
    await page.mouse.move(viewport.width / 2, viewport.height / 2);
    await page.mouse.wheel(0, box && box.y < 0 ? -200 : 200);
    await page.waitForTimeout(300);
  }
  throw new Error(`could not scroll ${JSON.stringify(await target.boundingBox())} into a ${viewport.width}×${viewport.height} page`);
}
