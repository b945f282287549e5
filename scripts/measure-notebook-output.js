// Measures, in a real offline VS Code (code-server + Chromium, scripts/vscode-offline.js), how a
// notebook with one Gatescope trace output of a given size behaves, and which MIME type VS Code
// shows when an output holds both the trace and an image/png preview.
//
//   node scripts/measure-notebook-output.js [--sizes 1,8,32,64] [--display-order-only] [--only-default]
//     [--settings '{"workbench.editorLargeFileConfirmation": 1024}']
//
// The repository is loaded as a development extension (dist/ must be built: node esbuild.js).
// Per size it prints one JSON line: open (ms from quick-open Enter until the renderer has drawn),
// scroll (ms for 10 wheel steps over the notebook plus two animation frames), save (ms from
// Ctrl+S until the .ipynb on disk has changed), and the .ipynb size. Numbers depend on this
// machine (2 shared cores): read them as orders of magnitude.
'use strict';
require('tsx/cjs');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const harness = require('../test/e2e/harness.ts');
const { encodeTrace, TRACE_MIME } = require('../src/core/trace/index.ts');
const { decodeTrace } = require('../src/core/trace/decode.ts');
const { renderPreviewPng } = require('../src/core/preview/render-png.ts');

const ROOT = path.resolve(__dirname, '..');
const TRACE_ROOT = '[data-gatescope="trace"]';
const MODEL = {
  name: 'size probe',
  source: 'native',
  engine: 'measure-notebook-output.js',
};

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** A uint8 trace of about `mb` MB of JSON: one layer, H = 256, steps chosen to reach the size. */
function traceOfSize(mb) {
  const H = 256;
  const bytesPerStep = 4 * H * (4 / 3);
  const steps = Math.max(2, Math.round((mb * 2 ** 20) / bytesPerStep));
  const gate = (f) => {
    const a = new Float32Array(steps * H);
    for (let t = 0; t < steps; t++) for (let u = 0; u < H; u++) a[t * H + u] = f(t, u);
    return a;
  };
  return encodeTrace(
    {
      model: MODEL,
      batch: 1,
      steps,
      layers: [{
        layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H,
        gates: {
          r: gate((t, u) => 0.5 + 0.5 * Math.sin(t / 17 + u)),
          z: gate((t, u) => 0.5 + 0.5 * Math.cos(t / 23 - u)),
          n: gate((t, u) => Math.sin(t / 5 + u / 3)),
          h: gate((t, u) => Math.cos(t / 7 - u / 5)),
        },
      }],
    },
    { precision: 'uint8', maxBytes: Infinity },
  ).document;
}

/** The workbench page; page loads time out on a busy machine, so try three times. */
async function workbench(vscode) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await harness.openWorkbench(vscode);
    } catch (e) {
      if (attempt === 3) throw e;
      console.error(`workbench did not load (attempt ${attempt}): ${e.message.split('\n')[0]}`);
    }
  }
}

async function drawn(frame) {
  await frame.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-draws') ?? 0) > 0, TRACE_ROOT, { timeout: 300000 });
}

async function measureSize(vscode, mb) {
  const doc = traceOfSize(mb);
  const rel = `size-${mb}mb.ipynb`;
  const file = harness.writeNotebook(vscode.workspace, rel, [[harness.traceOutput(doc)]]);
  const ipynbBytes = fs.statSync(file).size;
  const page = await workbench(vscode);
  try {
    // Warm quick open's file search first, so that `open` times the notebook, not the index.
    harness.writeNotebook(vscode.workspace, 'warmup.ipynb', [[{ 'text/plain': ['warm-up'] }]]);
    await harness.openFile(page, 'warmup.ipynb');
    await page.waitForTimeout(1000);
    const t0 = Date.now();
    await harness.openFile(page, rel);
    let frame;
    try {
      frame = await harness.waitForFrameWith(page, TRACE_ROOT, 300000);
      await drawn(frame);
    } catch (e) {
      await harness.screenshot(page, `size-${mb}mb-not-drawn`);
      return { id: 'notebook-output', traceMB: +(JSON.stringify(doc).length / 2 ** 20).toFixed(2), ipynbBytes, open: `not drawn within 300 s (${e.message.split('\n')[0]})` };
    }
    const open = Date.now() - t0;

    const box = await page.locator('.notebook-editor:visible').first().boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const s0 = Date.now();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, i < 5 ? 400 : -400);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const scroll = Date.now() - s0;

    // Make the notebook dirty by editing the cell's source, then save and wait for the file to change.
    const before = fs.statSync(file).mtimeMs;
    await page.locator(`.cell-editor-container .monaco-editor[data-uri*="${rel}"]`).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    const v0 = Date.now();
    await page.keyboard.press('Control+S');
    // Saved = the file changed and holds complete JSON again (it is written while we poll).
    let save = -1;
    let saved;
    while (Date.now() - v0 < 300000) {
      if (fs.statSync(file).mtimeMs !== before) {
        try {
          saved = JSON.parse(fs.readFileSync(file, 'utf8'));
          save = Date.now() - v0;
          break;
        } catch {
          // still being written
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!saved) throw new Error(`${rel}: not saved within 300 s`);
    const savedBytes = fs.statSync(file).size;
    decodeTrace(saved.cells[0].outputs[0].data[TRACE_MIME]); // throws if the save damaged the trace
    return { id: 'notebook-output', traceMB: +(JSON.stringify(doc).length / 2 ** 20).toFixed(2), steps: doc.steps, ipynbBytes, open, scroll, save, savedBytes, decodesAfterSave: true };
  } finally {
    await page.close();
  }
}

async function displayOrder(vscode, label) {
  const doc = traceOfSize(0.05);
  const png = Buffer.from(renderPreviewPng(decodeTrace(JSON.parse(JSON.stringify(doc))))).toString('base64');
  const rel = `display-order-${label}.ipynb`;
  harness.writeNotebook(vscode.workspace, rel, [[{ [TRACE_MIME]: doc, 'image/png': png, 'text/plain': ['<Gatescope trace>'] }]]);
  const page = await workbench(vscode);
  try {
    await harness.openFile(page, rel);
    // Whichever shows first: our renderer's root, or the built-in renderer's <img> of the PNG.
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        try {
          if (await frame.$(TRACE_ROOT)) return { id: 'display-order', settings: label, shown: TRACE_MIME };
          if (await frame.$('img[src^="data:image/png"], img[src^="blob:"]')) return { id: 'display-order', settings: label, shown: 'image/png' };
        } catch {
          // frame detached
        }
      }
      await page.waitForTimeout(250);
    }
    return { id: 'display-order', settings: label, shown: 'nothing within 120 s' };
  } finally {
    await harness.screenshot(page, `display-order-${label}`);
    await page.close();
  }
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'renderer', 'index.js'))) throw new Error('dist/ is not built: run node esbuild.js first');
  const sizes = arg('--sizes', '1,8,32,64').split(',').map(Number);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-size-'));
  // --settings '{...}': extra user settings for the default run (e.g. workbench.editorLargeFileConfirmation);
  // --only-default: skip the two display-order runs with user settings.
  const extra = JSON.parse(arg('--settings', '{}'));
  const runs = [
    { label: 'default', settings: extra },
    // A user's empty list replaces the extension's contributed default: VS Code's own order alone.
    { label: 'empty-user-order', settings: { 'notebook.displayOrder': [] } },
    { label: 'user-prefers-png', settings: { 'notebook.displayOrder': ['image/png'] } },
  ];
  for (const run of process.argv.includes('--only-default') ? runs.slice(0, 1) : runs) {
    const vscode = await harness.startVsCode({ workspace: path.join(base, run.label), devPath: ROOT, settings: run.settings });
    try {
      console.log(JSON.stringify(await displayOrder(vscode, run.label)));
      if (run.label === 'default' && !process.argv.includes('--display-order-only')) {
        for (const mb of sizes) console.log(JSON.stringify({ ...(await measureSize(vscode, mb)), machine: `${os.cpus()[0].model} x${os.cpus().length}`, node: process.version }));
      }
    } finally {
      await vscode.stop();
    }
  }
  fs.rmSync(base, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
