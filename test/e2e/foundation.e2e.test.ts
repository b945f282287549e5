// The foundation's end-to-end proof: Gatescope, installed from its .vsix into a real VS Code,
// renders a trace saved in a real .ipynb, and what it drew is the data's colours. Each gate is
// filled with one value at an end of its scale, so every heatmap must be dominated by one known
// colour from the shared colour maps; a renderer that draws nothing (or the wrong thing) fails.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SEQUENTIAL_LUT, DIVERGING_LUT } from '../../src/core/color/maps';
import { encodeTrace } from '../../src/core/trace';
import { decodeTrace } from '../../src/core/trace';
import { renderPreviewPng } from '../../src/core/preview/render-png';
import { ANY_ROOT, TRACE_ATTR, TRACE_ROOT } from '../../src/core/view/status-contract';
import { openNotebook, screenshot, PYTORCH_CONVENTION, traceOutput, waitForDraws, writeNotebook } from './harness';
import { vscodeSession } from './hooks';

const B = 1;
const T = 48;
const H = 12;

function constantTrace(name: string) {
  const fill = (v: number) => new Float32Array(B * T * H).fill(v);
  return encodeTrace(
    {
      model: {
        name,
        source: 'native',
        engine: 'e2e fixture',
      },
      layers: [{ layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, convention: PYTORCH_CONVENTION, gates: { r: fill(1), z: fill(0), n: fill(1), h: fill(-1) } }],
      batch: B,
      steps: T,
    },
    { precision: 'float32' },
  ).document;
}

const lutRgb = (lut: Uint8ClampedArray, i: number): number[] => [lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2]];

/** For each gate canvas in the output: the fraction of its pixels within ±3 of `expected[gate]`. */
async function gateColourFractions(frame: import('playwright-core').Frame, expected: Record<string, number[]>) {
  return frame.evaluate(({ exp, root }) => {
    const out: Record<string, { fraction: number; width: number; height: number }> = {};
    for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>(`${root} canvas[data-gate]`))) {
      const gate = canvas.dataset.gate!;
      if (!(gate in exp) || out[gate]) continue;
      if (canvas.width === 0 || canvas.height === 0) {
        out[gate] = { fraction: 0, width: canvas.width, height: canvas.height };
        continue;
      }
      // Read through a 2D copy: the heatmap may be drawn with WebGL2 or Canvas 2D.
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const [r, g, b] = exp[gate];
      let hits = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - r) <= 3 && Math.abs(px[i + 1] - g) <= 3 && Math.abs(px[i + 2] - b) <= 3) hits++;
      }
      out[gate] = { fraction: hits / (px.length / 4), width: canvas.width, height: canvas.height };
    }
    return out;
  }, { exp: expected, root: TRACE_ROOT });
}

describe('foundation: Gatescope installed from its .vsix renders in a real notebook', () => {
  it('draws each gate in its colour map', async function () {
    const vscode = vscodeSession();
    writeNotebook(vscode.workspace, 'foundation.ipynb', [[traceOutput(constantTrace('constant gates'))]]);
    const { page, frame } = await openNotebook(vscode, 'foundation.ipynb', `${TRACE_ROOT} canvas[data-gate]`);
    await waitForDraws(frame);
    // With gatescope.heatmapDrawing set for this run (hooks.ts), the host's setting reaches the
    // renderer (src/host/renderer-settings.ts) and every heatmap is drawn that way.
    const drawing = process.env.GATESCOPE_E2E_DRAWING;
    if (drawing) {
      await frame.waitForFunction(
        ({ d, sel, draws }) => {
          const cs = Array.from(document.querySelectorAll<HTMLCanvasElement>(`${sel} canvas[data-gate]`));
          const root = document.querySelector(sel);
          return cs.length > 0 && cs.every((c) => c.dataset.drawer === d) && Number(root?.getAttribute(draws) ?? 0) > 0;
        },
        { d: drawing, sel: TRACE_ROOT, draws: TRACE_ATTR.draws },
        { timeout: 30000 },
      );
    }
    const expected = {
      r: lutRgb(SEQUENTIAL_LUT, 255),
      z: lutRgb(SEQUENTIAL_LUT, 0),
      n: lutRgb(DIVERGING_LUT, 255),
      h: lutRgb(DIVERGING_LUT, 0),
    };
    const fractions = await gateColourFractions(frame, expected);
    await screenshot(page, 'foundation-constant-gates');
    for (const gate of ['r', 'z', 'n', 'h']) {
      assert.ok(fractions[gate], `no canvas for gate ${gate}`);
      assert.ok(fractions[gate].fraction > 0.5, `gate ${gate}: only ${(fractions[gate].fraction * 100).toFixed(1)}% of ${fractions[gate].width}x${fractions[gate].height} pixels have its colour ${expected[gate as 'r']}`);
    }

  });

  it('shows the interactive view, not the PNG preview, when an output carries both', async function () {
    const vscode = vscodeSession();
    const doc = constantTrace('with preview');
    const png = Buffer.from(renderPreviewPng(decodeTrace(doc))).toString('base64');
    const htmlOnly = { 'text/html': ['<b id="plain-html-output">plain html</b>'], 'image/png': png };
    writeNotebook(vscode.workspace, 'display-order.ipynb', [[{ ...traceOutput(doc), 'image/png': png }], [htmlOnly]]);
    const { page, frame } = await openNotebook(vscode, 'display-order.ipynb', TRACE_ROOT);
    // The other output keeps VS Code's own order (text/html above image/png): our default only adds our type.
    await frame.waitForSelector('#plain-html-output');
    const images = await frame.$$eval('img', (imgs) => imgs.length);
    assert.equal(images, 0, 'an image output was shown where the trace or the HTML should be');
    await screenshot(page, 'foundation-display-order');

  });

  it("respects a user's own notebook.displayOrder", async function () {
    const vscode = vscodeSession();
    const doc = constantTrace('user prefers png');
    const png = Buffer.from(renderPreviewPng(decodeTrace(doc))).toString('base64');
    writeNotebook(vscode.workspace, 'user-order.ipynb', [[{ ...traceOutput(doc), 'image/png': png }]]);
    const original = fs.readFileSync(vscode.userSettingsPath, 'utf8');
    fs.writeFileSync(vscode.userSettingsPath, JSON.stringify({ ...JSON.parse(original), 'notebook.displayOrder': ['image/png'] }, null, 2));
    try {
      await new Promise((r) => setTimeout(r, 3000)); // VS Code reloads settings.json on change
      const { page, frame } = await openNotebook(vscode, 'user-order.ipynb', 'img');
      assert.equal(await frame.$(ANY_ROOT), null, 'the user asked for image/png first, but Gatescope rendered');
      await screenshot(page, 'foundation-user-display-order');
    } finally {
      fs.writeFileSync(vscode.userSettingsPath, original);
      await new Promise((r) => setTimeout(r, 3000));
    }
  });
});
