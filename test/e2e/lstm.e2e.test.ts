// An LSTM trace in a real VS Code notebook (code-server + Chromium): six gate heatmaps (i, f, g, o,
// c, h), the cell state's legend saying its range comes from the data, and a hover on c showing
// the exact value. Values are known functions of (step, unit).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeTrace, encodeTrace } from '../../src/core/trace';
import { formatFloat32 } from '../../src/core/view/format';
import { TOOLTIP, TOOLTIP_ATTR, TRACE_ROOT } from '../../src/core/view/status-contract';
import { openNotebook, PYTORCH_CONVENTION, ROOT as REPO, screenshot, tooltipStatusOf, traceOutput, traceStatusOf, waitForDraws, waitForTooltip, waitForTraceStatus, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const T = 32;
const H = 6;
const ROOT = TRACE_ROOT;
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


/** A model whose first layer is a GRU and second an LSTM of the same size (the LSTM fixture's gates). */
function mixedTrace() {
  const lstm = decodeTrace(lstmTrace()).layers[0]!;
  const gates = Object.fromEntries(lstm.gates.map((g) => [g.name, g.levels[0]!.mean!]));
  const fill = (v: number) => new Float32Array(T * H).fill(v);
  const convention = { gateOrder: ['i', 'f', 'g', 'o'], activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' }, h: { name: 'Tanh' } } };
  return encodeTrace(
    {
      model: { name: 'mixed fixture', source: 'pytorch', engine: 'e2e fixture' },
      layers: [
        { layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, convention: PYTORCH_CONVENTION, gates: { r: fill(0.25), z: fill(0.75), n: fill(0), h: fill(0.5) } },
        { layer: 1, direction: 'forward', cell: 'lstm', hiddenSize: H, convention, gates },
      ],
      batch: 1,
      steps: T,
    },
    { precision: 'float32' },
  ).document;
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
    await waitForDraws(nb.frame);
    const gates = await nb.frame.$$eval(`${ROOT} canvas[data-gate]`, (cs) => cs.map((c) => c.getAttribute('data-gate')));
    assert.deepEqual(gates, ['i', 'f', 'g', 'o', 'c', 'h']);
    const legend = await nb.frame.$eval(`${ROOT} .gs-gate[data-gate="c"]`, (e) => e.textContent ?? '');
    assert.match(legend, /\(symmetric, from the data\)/);
    const fixed = await nb.frame.$eval(`${ROOT} .gs-gate[data-gate="f"]`, (e) => e.textContent ?? '');
    assert.doesNotMatch(fixed, /from the data/);
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="c"]`).boundingBox();
    assert.ok(box);
    const s0 = Number(await traceStatusOf(nb.frame, 'stepsStart'));
    const s1 = Number(await traceStatusOf(nb.frame, 'stepsEnd'));
    const u0 = Number(await traceStatusOf(nb.frame, 'unitsStart'));
    const u1 = Number(await traceStatusOf(nb.frame, 'unitsEnd'));
    const step = 13;
    const unit = 4;
    await page.mouse.move(box.x + ((step + 0.5 - s0) / (s1 - s0)) * box.width, box.y + ((unit + 0.5 - u0) / (u1 - u0)) * box.height);
    await waitForTooltip(nb.frame, { step: '13' });
    const text = (await nb.frame.locator(`${ROOT} .gs-tooltip`).textContent()) ?? '';
    assert.ok(text.includes(formatFloat32(cAt(step, unit))), `tooltip ${JSON.stringify(text)} lacks c = ${formatFloat32(cAt(step, unit))}`);
    await screenshot(page, 'renderer-lstm');
  });

  it('a model mixing GRU and LSTM layers of one size shows each layer\'s own gates after switching layers', async () => {
    const vscode = vscodeSession();
    writeNotebook(vscode.workspace, 'lstm-mixed.ipynb', [[traceOutput(mixedTrace())]]);
    const nb = await openNotebook(vscode, 'lstm-mixed.ipynb', `${ROOT} canvas[data-gate="r"]`);
    page = nb.page;
    await waitForDraws(nb.frame);
    const shown = async () => (await nb.frame.$$eval(`${ROOT} canvas[data-gate]`, (cs) => cs.filter((c) => !c.closest('[hidden]')).map((c) => c.getAttribute('data-gate') ?? ''))).sort();
    assert.deepEqual(await shown(), ['h', 'n', 'r', 'z']);
    await nb.frame.selectOption(`${ROOT} select[aria-label="layer and direction"]`, '1');
    await waitForTraceStatus(nb.frame, 'layer', '1');
    assert.deepEqual(await shown(), ['c', 'f', 'g', 'h', 'i', 'o']);
    await nb.frame.selectOption(`${ROOT} select[aria-label="layer and direction"]`, '0');
    await waitForTraceStatus(nb.frame, 'layer', '0');
    assert.deepEqual(await shown(), ['h', 'n', 'r', 'z']);
  });

  it('orders units by memory timescale τ = −1 / ln(mean f) and states each unit\'s τ', async () => {
    const vscode = vscodeSession();
    // Constant forget values per unit: τ = −1 / ln f, longest first: units 3, 1, 5, 2, 4, 0.
    const forget = [0.5, 0.9, 0.7, 0.99, 0.6, 0.8];
    const doc = lstmTrace();
    const f = doc.layers[0]!.gates.find((g) => g.name === 'f')!;
    const values = new Float32Array(T * H);
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) values[t * H + u] = forget[u]!;
    f.levels[0]!.mean = { data: Buffer.from(values.buffer).toString('base64') };
    writeNotebook(vscode.workspace, 'lstm-timescale.ipynb', [[traceOutput(doc)]]);
    const nb = await openNotebook(vscode, 'lstm-timescale.ipynb', `${ROOT} canvas[data-gate="f"]`);
    page = nb.page;
    await waitForTraceStatus(nb.frame, 'stats', 'ready');
    await nb.frame.selectOption(`${ROOT} select[aria-label="unit order"]`, 'timescale');
    await waitForTraceStatus(nb.frame, 'order', 'timescale:f');
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="f"]`).boundingBox();
    assert.ok(box);
    const rowY = (row: number) => box.y + ((row + 0.5) / H) * box.height;
    const x = box.x + (2.5 / T) * box.width;
    const unitsByRow: string[] = [];
    for (let row = 0; row < H; row++) {
      await page.mouse.move(x, rowY(row));
      await nb.frame.waitForFunction(
        ([sel, a, prev]) => {
          const u = document.querySelector(sel as string)?.getAttribute(a as string);
          return u !== null && u !== undefined && !(prev as string[]).includes(u);
        },
        [TOOLTIP, TOOLTIP_ATTR.unit, unitsByRow] as const,
      );
      unitsByRow.push((await tooltipStatusOf(nb.frame, 'unit'))!);
    }
    assert.deepEqual(unitsByRow, ['3', '1', '5', '2', '4', '0']);
    // Selecting the top row states its τ = −1 / ln 0.99 ≈ 99.5 steps.
    await page.mouse.click(x, rowY(0));
    await nb.frame.waitForFunction((sel) => /τ = 99\.5 steps/.test(document.querySelector(sel)?.textContent ?? ''), `${ROOT} .gs-stats`);
    await screenshot(page, 'renderer-lstm-timescale');
  });

  it('draws a projected LSTM\'s h with its own units (PyTorch proj_size), and hovering it shows that unit\'s exact value', async () => {
    const vscode = vscodeSession();
    // Written by the Python producer from torch.nn.LSTM(proj_size=2): c has 5 units, h has 2.
    const doc = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/trace/python/lstm-proj-bidir-lengths.float32.json'), 'utf8')) as unknown;
    const decoded = decodeTrace(doc);
    const layer = decoded.layers[0]!;
    const h = layer.gates.find((g) => g.name === 'h')!;
    assert.ok(h.units < layer.hiddenSize, 'the fixture projects h');
    writeNotebook(vscode.workspace, 'lstm-proj.ipynb', [[traceOutput(doc)]]);
    const nb = await openNotebook(vscode, 'lstm-proj.ipynb', `${ROOT} canvas[data-gate="h"]`);
    page = nb.page;
    await waitForDraws(nb.frame);
    // No NaN colour (magenta) anywhere in h: every pixel row is one of its own units.
    const magenta = await nb.frame.$eval(`${ROOT} canvas[data-gate="h"]`, (c) => {
      // Read through a 2D copy: the heatmap may be drawn with WebGL2 or Canvas 2D.
      const heat = c as HTMLCanvasElement;
      const copy = document.createElement('canvas');
      copy.width = heat.width;
      copy.height = heat.height;
      copy.getContext('2d')!.drawImage(heat, 0, 0);
      const px = copy.getContext('2d')!.getImageData(0, 0, heat.width, heat.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] === 255 && px[i + 1] === 0 && px[i + 2] === 255) n++;
      return n;
    });
    assert.equal(magenta, 0, 'h is drawn from its own units, never past them');
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="h"]`).boundingBox();
    assert.ok(box);
    const step = 1;
    const unit = h.units - 1;
    await page.mouse.move(box.x + ((step + 0.5) / decoded.steps) * box.width, box.y + ((unit + 0.5) / h.units) * box.height);
    await waitForTooltip(nb.frame, { unit: String(unit), step: '1' });
    const text = (await nb.frame.locator(`${ROOT} .gs-tooltip`).textContent()) ?? '';
    const v = h.levels[0]!.mean![step * h.units + unit]!;
    assert.ok(text.includes(formatFloat32(v)), `tooltip ${JSON.stringify(text)} lacks h = ${formatFloat32(v)}`);
    await screenshot(page, 'renderer-lstm-projected');
  });
});
