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
import { openNotebook, screenshot, PYTORCH_CONVENTION, ROOT as REPO, traceOutput, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const ROOT = '[data-gatescope="trace"]';
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

async function attr(frame: Frame, name: string): Promise<string | null> {
  return frame.$eval(ROOT, (e, n) => e.getAttribute(n), name);
}

async function zoomToSteps(page: Page, frame: Frame, under: number): Promise<void> {
  await frame.focus(`${ROOT} .gs-stack`);
  for (let i = 0; i < 60; i++) {
    const span = Number(await attr(frame, 'data-steps-end')) - Number(await attr(frame, 'data-steps-start'));
    if (span < under) return;
    await page.keyboard.press('+');
    await frame.waitForFunction(([sel, was]) => {
      const e = document.querySelector(sel as string)!;
      return Number(e.getAttribute('data-steps-end')) - Number(e.getAttribute('data-steps-start')) < (was as number);
    }, [ROOT, span] as const);
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
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    // The first paint comes from the inline overview; finer tiles may already be arriving.
    assert.notEqual(await attr(nb.frame, 'data-detail'), 'full');
    const notice = (await nb.frame.locator(`${ROOT} .gs-notice`).first().textContent()) ?? '';
    assert.ok(notice.includes(doc.sidecar!.file), `the notice names the sidecar: ${notice}`);

    await zoomToSteps(page, nb.frame, 200);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-detail') === 'full', ROOT, { timeout: 60000 });
    assert.ok(Number(await attr(nb.frame, 'data-tiles-loaded')) > 0, 'tiles came from the host');
    assert.equal(await attr(nb.frame, 'data-tiles-error'), null);

    const s0 = Number(await attr(nb.frame, 'data-steps-start'));
    const s1 = Number(await attr(nb.frame, 'data-steps-end'));
    const step = Math.floor((s0 + s1) / 2);
    const unit = 3;
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="h"]`).boundingBox();
    assert.ok(box);
    const u0 = Number(await attr(nb.frame, 'data-units-start'));
    const u1 = Number(await attr(nb.frame, 'data-units-end'));
    await page.mouse.move(box.x + ((step + 0.5 - s0) / (s1 - s0)) * box.width, box.y + ((unit + 0.5 - u0) / (u1 - u0)) * box.height);
    const tip = nb.frame.locator(`${ROOT} .gs-tooltip`);
    await nb.frame.waitForFunction(
      ([sel, st]) => {
        const t = document.querySelector(sel as string);
        return t?.getAttribute('data-step') === String(st) && t.getAttribute('data-exact') === 'true';
      },
      [`${ROOT} .gs-tooltip`, step] as const,
      { timeout: 60000 },
    );
    const text = (await tip.textContent()) ?? '';
    await screenshot(page, 'sidecar-full-detail');
    assert.equal(await tip.getAttribute('data-unit'), String(unit));
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
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    const notice = (await nb.frame.locator(`${ROOT} .gs-notice`).first().textContent()) ?? '';
    assert.ok(notice.includes(doc.sidecar!.file), `the notice names the sidecar: ${notice}`);
    await zoomToSteps(page, nb.frame, 200);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.hasAttribute('data-tiles-error'), ROOT, { timeout: 60000 });
    assert.match((await attr(nb.frame, 'data-tiles-error')) ?? '', /not beside this notebook/);
    assert.equal(await attr(nb.frame, 'data-detail'), 'overview');
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
    await nb.frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, ROOT);
    const gates = await nb.frame.$$eval(`${ROOT} canvas[data-gate]`, (cs) => cs.filter((c) => !(c.closest('[hidden]') as HTMLElement | null)).map((c) => (c as HTMLCanvasElement).dataset['gate']));
    assert.deepEqual(gates, ['r', 'z', 'n', 'h']);
    assert.equal(await attr(nb.frame, 'data-detail'), 'full');
    // Hover a cell and compare with the value the document holds.
    const decoded = decodeTrace(v1);
    const r = decoded.layers[0]!.gates.find((g) => g.name === 'r')!.levels[0]!.mean!;
    const box = await nb.frame.locator(`${ROOT} canvas[data-gate="r"]`).boundingBox();
    assert.ok(box);
    const steps = decoded.steps;
    const units = decoded.layers[0]!.hiddenSize;
    await page.mouse.move(box.x + (1.5 / steps) * box.width, box.y + (0.5 / units) * box.height);
    const tip = nb.frame.locator(`${ROOT} .gs-tooltip`);
    await nb.frame.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-step') === '1', `${ROOT} .gs-tooltip`);
    const text = (await tip.textContent()) ?? '';
    assert.ok(text.includes(formatFloat32(r[1 * units + 0]!)), `tooltip ${JSON.stringify(text)} lacks r = ${formatFloat32(r[units]!)}`);
    await screenshot(page, 'v1-notebook');
  });
});
