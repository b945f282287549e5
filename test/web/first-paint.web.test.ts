// First paint from the coarse inline level, in a real Chromium with the real renderer bundle
// (dist/renderer/index.js; run `node esbuild.js` first): a long run's first heatmap frame is drawn
// while level 0 is still base64 (status decode=pending), and once level 0 is decoded in the
// background the picture is pixel for pixel the one drawn from the same document with level 0 alone
// (decoded whole before the first paint, as before the coarse level existed).
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TraceDocument } from '../../src/core/trace/document';
import { gruDocument, wave, type Wave } from './gru-document';
import { TRACE_ATTR } from '../../src/core/view/status-contract';
import { openRendererPage } from './renderer-page';

/** Long enough for a coarse level (>= 4096 steps: bucket 64, 94 buckets), small enough to be quick. */
const T = 6000;
const H = 48;

/**
 * float16: a coarse summary is the float16 rounding of the exact one, and rounding is monotonic, so
 * the colour range read from the coarse level's min and max equals the one read from level 0 (with
 * uint8 each summary has its own quantization, and the ranges may differ by a quantization step).
 */
function document(): TraceDocument {
  const w = (f: Wave) => wave(T, H, f);
  const n = w((t, u) => Math.sin(t * 0.01 * (1 + (u % 7)) + u));
  n[1234 * H + 5] = NaN;
  return gruDocument('first paint test', T, H, { r: w((t, u) => 0.5 + 0.5 * Math.sin(t * 0.003 + u)), z: w((t, u) => (t % (50 + u)) / (50 + u)), n, h: w((t, u) => Math.cos(t * 0.002 * (u + 1))) }, 'float16');
}

interface Seen {
  /** Status at the first heatmap draw (its pixels, RGBA of every heatmap, stay in the page). */
  first: { decode?: string; detail?: string; bucket?: string };
  /** Status once decode=done and the statistics are ready. */
  final: { decode?: string; detail?: string; bucket?: string };
}

interface PixelComparison {
  /** RGBA bytes of all heatmaps. */
  bytes: number;
  /** Bytes of the lazy final frame unlike the full-decode frame. */
  differ: number;
  /** Pixels of the lazy first (coarse) frame within 60 (R + G distance) of the full-decode frame. */
  near: number;
}

describe('first paint from the coarse level, then full detail (Chromium, real renderer bundle)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    const doc = document();
    const withCoarse = Buffer.from(JSON.stringify(doc));
    const level0Only = Buffer.from(JSON.stringify({ ...doc, layers: doc.layers.map((l) => ({ ...l, gates: l.gates.map((g) => ({ ...g, levels: g.levels.slice(0, 1) })) })) }));
    // A character outside base64 deep inside gate z's level 0: found only when the background decode reaches it.
    const z = doc.layers[0]!.gates[1]!.levels[0]!.mean as { data: string };
    const at = Math.floor(z.data.length * 0.7) & ~3;
    const broken = Buffer.from(JSON.stringify(doc).replace(z.data, `${z.data.slice(0, at)}!${z.data.slice(at + 1)}`));
    assert.ok(doc.layers[0]!.gates.every((g) => g.levels.length === 2 && g.levels[1]!.bucket === 64), 'the document stores level 0 and a coarse level of 64 steps');
    ({ browser, page } = await openRendererPage({ 'coarse.json': withCoarse, 'level0.json': level0Only, 'broken.json': broken }, { width: 1000, height: 1200 }));
  });

  after(async () => {
    await browser?.close();
  });

  /** Renders `file` with drawing path `drawing` in a fresh output and reports the first and the final frame. */
  async function render(file: string, drawing: string): Promise<Seen> {
    return (await page.evaluate(`(async (file, drawing, A) => {
      const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
      let send;
      const api = window.activate({
        setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true },
        postMessage() {},
        onDidReceiveMessage: (fn) => { send = fn; return { dispose() {} }; },
      });
      send({ type: 'settings', settings: { colorMap: 'viridis', drawing } });
      const out = document.getElementById('out');
      out.replaceChildren();
      const pixels = (root) => {
        const parts = [...root.querySelectorAll('canvas[data-gate]')].map((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) { all.set(p, o); o += p.length; }
        return all;
      };
      const status = (root) => ({ decode: root.getAttribute(A.decode) ?? undefined, detail: root.getAttribute(A.detail) ?? undefined, bucket: root.getAttribute(A.bucket) ?? undefined });
      let first;
      // The first frame is caught in the mutation callback right after the draw (before any later task).
      const firstSeen = new Promise((resolve) => {
        const mo = new MutationObserver(() => {
          const root = out.querySelector('[' + A.gatescope + '="trace"]');
          if (root && root.getAttribute(A.draws)) {
            mo.disconnect();
            first = { ...status(root), pixels: pixels(root) };
            resolve();
          }
        });
        mo.observe(out, { attributes: true, subtree: true, childList: true, attributeFilter: [A.draws] });
      });
      const text = () => new TextDecoder().decode(bytes);
      api.renderOutputItem({ id: file, mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, out, new AbortController().signal);
      // A failure inside the observer must end the wait, not hang it.
      await Promise.race([firstSeen, new Promise((r) => setTimeout(r, 30000))]);
      if (!first) throw new Error('no first draw within 30 s');
      const root = out.querySelector('[' + A.gatescope + '="trace"]');
      for (let i = 0; i < 2000; i++) {
        if (root.getAttribute(A.decode) === 'done' && root.getAttribute(A.state) === 'ready' && root.getAttribute(A.stats) === 'ready') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const final = { ...status(root), pixels: pixels(root) };
      api.disposeOutputItem(file);
      // Pixels stay in the page (window.shots); the test compares them there.
      (window.shots ??= {})[file + ' ' + drawing] = { first: first.pixels, final: final.pixels };
      return { first: { ...first, pixels: undefined }, final: { ...final, pixels: undefined } };
    })(${JSON.stringify(file)}, ${JSON.stringify(drawing)}, ${JSON.stringify(TRACE_ATTR)})`)) as Seen;
  }

  it('a level 0 found broken while it is decoded in the background replaces the view with the decoder\'s message', async () => {
    const r = (await page.evaluate(`(async (A) => {
      const bytes = new Uint8Array(await (await fetch('/broken.json')).arrayBuffer());
      const api = window.activate({ setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true }, postMessage() {}, onDidReceiveMessage: () => ({ dispose() {} }) });
      const out = document.getElementById('out');
      out.replaceChildren();
      const text = () => new TextDecoder().decode(bytes);
      // Every change is seen (a mutation observer runs after each task), so a coarse draw followed
      // soon by the error view is not missed between two polls on a loaded machine.
      let drew = false;
      const seen = () => {
        const root = out.querySelector('[' + A.gatescope + ']');
        if (root && root.getAttribute(A.draws)) drew = true;
      };
      const mo = new MutationObserver(seen);
      mo.observe(out, { subtree: true, childList: true, attributes: true });
      api.renderOutputItem({ id: 'broken', mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, out, new AbortController().signal);
      for (let i = 0; i < 1500; i++) {
        seen();
        const root = out.querySelector('[' + A.gatescope + ']');
        if (root && root.getAttribute(A.gatescope) === 'error') { mo.disconnect(); return { drew, error: root.textContent }; }
        await new Promise((r) => setTimeout(r, 20));
      }
      mo.disconnect();
      return { drew, error: null };
    })(${JSON.stringify(TRACE_ATTR)})`)) as { drew: boolean; error: string | null };
    assert.equal(r.drew, true, 'the coarse level was drawn first');
    assert.match(r.error ?? '', /cannot show this trace: layers\[0\]\.gates\[1\]\.levels\[0\]\.mean\.data: invalid base64.* at index \d+/);
  });

  for (const drawing of ['canvas2d', 'webgl2']) {
    it(`draws the coarse level before decoding level 0, then exactly the full-decode picture (${drawing})`, async () => {
      const lazy = await render('/coarse.json', drawing);
      assert.deepEqual({ decode: lazy.first.decode, detail: lazy.first.detail, bucket: lazy.first.bucket }, { decode: 'pending', detail: 'overview', bucket: '64' });
      assert.deepEqual({ decode: lazy.final.decode, detail: lazy.final.detail, bucket: lazy.final.bucket }, { decode: 'done', detail: 'full', bucket: '1' });
      const whole = await render('/level0.json', drawing);
      assert.deepEqual({ decode: whole.first.decode, detail: whole.first.detail }, { decode: 'done', detail: 'full' }, 'level 0 alone is decoded before the first paint');
      const c = (await page.evaluate(`((a, b) => {
        const x = window.shots[a];
        const y = window.shots[b].final;
        let differ = x.final.length === y.length ? 0 : Infinity;
        let near = 0;
        for (let i = 0; i < y.length; i++) if (x.final[i] !== y[i]) differ++;
        for (let i = 0; i < y.length; i += 4) if (Math.abs(x.first[i] - y[i]) + Math.abs(x.first[i + 1] - y[i + 1]) < 60) near++;
        return { bytes: y.length, differ, near };
      })(${JSON.stringify(`/coarse.json ${drawing}`)}, ${JSON.stringify(`/level0.json ${drawing}`)})`)) as PixelComparison;
      assert.ok(c.bytes > 100_000, `${c.bytes} bytes of heatmap pixels compared`);
      assert.equal(c.differ, 0, `${c.differ} of ${c.bytes} RGBA bytes differ from the full-decode picture`);
      // The coarse frame is a picture of the same data, not a blank: most of its pixels are close to the final ones.
      assert.ok(c.near > 0.5 * (c.bytes / 4), `${c.near} of ${c.bytes / 4} coarse pixels near the final ones`);
    });
  }
});
