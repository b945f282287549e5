// Full detail at any length, in a real VS Code notebook: a long trace whose fine levels live in a
// sidecar beside the notebook. The output paints its overview at once; zooming in fetches tiles from
// the extension host; hovering then shows a cell's exact value. Without the sidecar the overview and
// a notice stay. A version-1 notebook from Gatescope 0.1.0 still renders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { decodeTrace, encodeTrace, type TraceDocument } from '../../src/core/trace';
import { formatFloat32 } from '../../src/core/view/format';
import { writeSidecarFile } from '../../src/node/sidecar-file';
import { TRACE_ATTR, TRACE_ROOT } from '../../src/core/view/status-contract';
import {
  openNotebook,
  screenshot,
  PYTORCH_CONVENTION,
  ROOT as REPO,
  stepSpanOf,
  tooltipStatusOf,
  traceOutput,
  traceStatusOf,
  waitForDraws,
  waitForStepSpanBelow,
  waitForTooltip,
  waitForTraceStatus,
  writeNotebook,
} from './harness';
import { vscodeSession } from './hooks';

const ROOT = TRACE_ROOT;
const T = 20000;
const H = 16;

/** h at (t, u): a known float32 per cell, different in every step (so a bucket mean never equals it). */
const hAt = (t: number, u: number) => Math.fround(Math.sin(t * 0.37 + u) * 0.9);

async function longTrace(dir: string): Promise<TraceDocument> {
  const gate = (f: (t: number, u: number) => number) => {
    const a = new Float32Array(T * H);
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) a[t * H + u] = f(t, u);
    return a;
  };
  const { document, sidecar } = encodeTrace(
    {
      model: { name: 'long sidecar fixture', source: 'pytorch', engine: 'e2e fixture' },
      layers: [
        {
          layer: 0,
          direction: 'forward',
          cell: 'gru',
          hiddenSize: H,
          convention: PYTORCH_CONVENTION,
          gates: {
            r: gate((t, u) => 0.5 + 0.5 * Math.sin(t / 900 + u)),
            z: gate((t, u) => 0.5 + 0.5 * Math.cos(t / 1300 - u)),
            n: gate((t, u) => Math.sin(t / 70 + u)),
            h: gate(hAt),
          },
        },
      ],
      batch: 1,
      steps: T,
    },
    // A small budget forces the sidecar while keeping the test's files small (float32: exact values).
    { precision: 'float32', maxBytes: 200_000, sidecar: { stem: 'long', precision: 'float32' } },
  );
  assert.ok(sidecar, 'the fixture must need a sidecar');
  fs.mkdirSync(dir, { recursive: true });
  document.sidecar = await writeSidecarFile(sidecar, dir);
  return document;
}


async function zoomToSteps(page: Page, frame: Frame, under: number): Promise<void> {
  await frame.focus(`${ROOT} .gs-stack`);
  for (let i = 0; i < 60; i++) {
    const span = await stepSpanOf(frame);
    if (span < under) return;
    await page.keyboard.press('+');
    await waitForStepSpanBelow(frame, span);
  }
  throw new Error(`could not zoom under ${under} steps`);
}

describe('sidecar traces in a real VS Code notebook', () => {
  let page: Page | undefined;
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  it('paints the overview, then zooming into a few steps fetches full detail and hovering shows exact values', async () => {
    const vscode = vscodeSession();
    const doc = await longTrace(path.join(vscode.workspace, 'sidecar'));
    const outputBytes = Buffer.byteLength(JSON.stringify(doc));
    assert.ok(outputBytes <= 200_000, `output is ${outputBytes} bytes`);
    writeNotebook(vscode.workspace, 'sidecar/long.ipynb', [[traceOutput(doc)]]);
    const nb = await openNotebook(vscode, 'sidecar/long.ipynb', `${ROOT} canvas[data-gate="h"]`);
    page = nb.page;
    await waitForDraws(nb.frame);
    // The first paint comes from the inline overview; finer tiles may already be arriving.
    assert.notEqual(await traceStatusOf(nb.frame, 'detail'), 'full');
    const notice = (await nb.frame.locator(`${ROOT} .gs-notice`).first().textContent()) ?? '';
    assert.ok(notice.includes(doc.sidecar!.file), `the notice names the sidecar: ${notice}`);

    await zoomToSteps(page, nb.frame, 200);
    await waitForTraceStatus(nb.frame, 'detail', 'full', { timeout: 60000 });
    assert.ok(Number(await traceStatusOf(nb.frame, 'tilesLoaded')) > 0, 'tiles came from the host');
    assert.equal(await traceStatusOf(nb.frame, 'tilesError'), null);

    const s0 = Number(await traceStatusOf(nb.frame, 'stepsStart'));
    const s1 = Number(await traceStatusOf(nb.frame, 'stepsEnd'));
    const step = Math.floor((s0 + s1) / 2);
    const unit = 3;
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="h"]`).boundingBox();
    assert.ok(box);
    const u0 = Number(await traceStatusOf(nb.frame, 'unitsStart'));
    const u1 = Number(await traceStatusOf(nb.frame, 'unitsEnd'));
    await page.mouse.move(box.x + ((step + 0.5 - s0) / (s1 - s0)) * box.width, box.y + ((unit + 0.5 - u0) / (u1 - u0)) * box.height);
    const tip = nb.frame.locator(`${ROOT} .gs-tooltip`);
    await waitForTooltip(nb.frame, { step: String(step), exact: 'true' }, { timeout: 60000 });
    const text = (await tip.textContent()) ?? '';
    await screenshot(page, 'sidecar-full-detail');
    assert.equal(await tooltipStatusOf(nb.frame, 'unit'), String(unit));
    assert.ok(text.includes(formatFloat32(hAt(step, unit))), `tooltip ${JSON.stringify(text)} lacks h = ${formatFloat32(hAt(step, unit))}`);
  });

  it('without its sidecar, keeps the overview and says where full detail lives', async () => {
    const vscode = vscodeSession();
    const tmp = path.join(vscode.workspace, 'sidecar-src');
    const doc = await longTrace(tmp);
    // The notebook moves to a folder without the sidecar.
    writeNotebook(vscode.workspace, 'no-sidecar/long.ipynb', [[traceOutput(doc)]]);
    const nb = await openNotebook(vscode, 'no-sidecar/long.ipynb', `${ROOT} canvas[data-gate="h"]`);
    page = nb.page;
    await waitForDraws(nb.frame);
    const notice = (await nb.frame.locator(`${ROOT} .gs-notice`).first().textContent()) ?? '';
    assert.ok(notice.includes(doc.sidecar!.file), `the notice names the sidecar: ${notice}`);
    await zoomToSteps(page, nb.frame, 200);
    await nb.frame.waitForFunction(([sel, a]) => document.querySelector(sel)?.hasAttribute(a), [ROOT, TRACE_ATTR.tilesError] as const, { timeout: 60000 });
    assert.match((await traceStatusOf(nb.frame, 'tilesError')) ?? '', /not beside this notebook/);
    assert.equal(await traceStatusOf(nb.frame, 'detail'), 'overview');
    const lod = (await nb.frame.locator(`${ROOT} .gs-lod`).textContent()) ?? '';
    assert.match(lod, /Overview: each column shows the mean of \d+ steps \(full detail unavailable/);
    await screenshot(page, 'sidecar-missing');
  });

  it('a version-1 notebook from Gatescope 0.1.0 renders as before', async () => {
    const vscode = vscodeSession();
    const v1 = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'trace', 'v1', 'v1-float32-tokens.json'), 'utf8')) as unknown;
    writeNotebook(vscode.workspace, 'v1/release-0.1.0.ipynb', [[traceOutput(v1)]]);
    const nb = await openNotebook(vscode, 'v1/release-0.1.0.ipynb', `${ROOT} canvas[data-gate="r"]`);
    page = nb.page;
    await waitForDraws(nb.frame);
    const gates = await nb.frame.$$eval(`${ROOT} canvas[data-gate]`, (cs) => cs.filter((c) => !(c.closest('[hidden]') as HTMLElement | null)).map((c) => (c as HTMLCanvasElement).dataset['gate']));
    assert.deepEqual(gates, ['r', 'z', 'n', 'h']);
    assert.equal(await traceStatusOf(nb.frame, 'detail'), 'full');
    // Hover a cell and compare with the value the document holds.
    const decoded = decodeTrace(v1);
    const r = decoded.layers[0]!.gates.find((g) => g.name === 'r')!.levels[0]!.mean!;
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="r"]`).boundingBox();
    assert.ok(box);
    const steps = decoded.steps;
    const units = decoded.layers[0]!.hiddenSize;
    await page.mouse.move(box.x + (1.5 / steps) * box.width, box.y + (0.5 / units) * box.height);
    const tip = nb.frame.locator(`${ROOT} .gs-tooltip`);
    await waitForTooltip(nb.frame, { step: '1' });
    const text = (await tip.textContent()) ?? '';
    assert.ok(text.includes(formatFloat32(r[1 * units + 0]!)), `tooltip ${JSON.stringify(text)} lacks r = ${formatFloat32(r[units]!)}`);
    await screenshot(page, 'v1-notebook');
  });
});
