// Zoom on a view whose exact draws take longer than a frame, in a real Chromium with the real renderer
// bundle (dist/renderer/index.js; run `node esbuild.js` first). The frame after a Ctrl+wheel shows
// the last exact pictures rescaled (status state=preview, the new ranges); the frames after it draw
// the gates exactly, one per frame; the settled picture is pixel for pixel the one a fresh exact
// draw of the same ranges gives. The page's gatescopeFrameBudgetMs stands in for the machine's
// speed: 0 makes every view slow, 1e9 (ms) every view fast.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { gruDocument, wave, type Wave } from './gru-document';
import { TRACE_ATTR } from '../../src/core/view/status-contract';
import { openRendererPage } from './renderer-page';

const T = 3000;
const H = 64;

function traceBytes(): Buffer {
  const w = (f: Wave) => wave(T, H, f);
  const gates = { r: w((t, u) => 0.5 + 0.5 * Math.sin(t * 0.02 + u)), z: w((t, u) => (t % (30 + u)) / (30 + u)), n: w((t, u) => Math.sin(t * 0.05 * (1 + (u % 5)) + u)), h: w((t, u) => Math.cos(t * 0.01 * (u + 1))) };
  return Buffer.from(JSON.stringify(gruDocument('zoom preview test', T, H, gates, 'float32')));
}

interface Zoomed {
  /** Status in the frame right after the wheel event. */
  next: { state: string | null; draws: string | null; stepsStart: string | null; stepsEnd: string | null };
  drawsBefore: string | null;
  /** Frames from the wheel event until state=ready again. */
  framesToReady: number;
  final: { state: string | null; draws: string | null };
  /** Sampled pixels of gate r in the frame after the wheel that equal the old picture's pixel they rescale (and how many were sampled). */
  rescaled: { same: number; sampled: number };
}

describe('zoom on a slow view: a rescaled preview in the next frame, then the exact picture gate by gate (Chromium, real renderer bundle)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ browser, page } = await openRendererPage({ 'trace.json': traceBytes() }, { width: 1000, height: 1200 }));
  });

  after(async () => {
    await browser?.close();
  });

  /**
   * Renders the trace with `drawing` under frame budget `budget` (restoring view state `saved`), waits
   * for the exact picture, and keeps its pixels as window.shots[name]; with `zoom`, first zooms in
   * with Ctrl+wheel and watches the frames that follow.
   */
  async function run(name: string, drawing: string, budget: number, zoom: boolean, saved?: unknown): Promise<{ zoomed?: Zoomed; state: unknown }> {
    return (await page.evaluate(`(async ({ name, drawing, budget, zoom, saved, A }) => {
      window.gatescopeFrameBudgetMs = budget;
      const bytes = new Uint8Array(await (await fetch('/trace.json')).arrayBuffer());
      let send;
      let state = saved;
      const api = window.activate({
        setState(s) { state = s; }, getState: () => state, getRenderer: async () => undefined, workspace: { isTrusted: true },
        postMessage() {},
        onDidReceiveMessage: (fn) => { send = fn; return { dispose() {} }; },
      });
      send({ type: 'settings', settings: { colorMap: 'viridis', drawing } });
      const out = document.getElementById('out');
      out.replaceChildren();
      const text = () => new TextDecoder().decode(bytes);
      api.renderOutputItem({ id: 'zoom', mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, out, new AbortController().signal);
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const root = () => out.querySelector('[' + A.gatescope + '="trace"]');
      const settled = async () => {
        for (let i = 0; i < 3000; i++) {
          const r = root();
          if (r && r.getAttribute(A.draws) && r.getAttribute(A.state) === 'ready' && r.getAttribute(A.stats) === 'ready' && r.getAttribute(A.decode) === 'done') return;
          await new Promise((res) => setTimeout(res, 20));
        }
        throw new Error('the view never settled');
      };
      const pixelsOf = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      await settled();
      await frame();
      let zoomed;
      if (zoom) {
        const r = root();
        const canvas = r.querySelector('canvas[data-gate="r"]');
        const before = pixelsOf(canvas);
        // The view's ranges as the renderer saved them (every step and unit before any zoom).
        const ranges = () => {
          const v = state && state.views && state.views.zoom;
          return { s0: v?.steps?.start ?? 0, s1: v?.steps?.end ?? ${T}, u0: v?.units?.start ?? 0, u1: v?.units?.end ?? ${H} };
        };
        const was = ranges();
        const drawsBefore = r.getAttribute(A.draws);
        const box = canvas.getBoundingClientRect();
        canvas.dispatchEvent(new WheelEvent('wheel', { clientX: box.left + box.width * 0.4, clientY: box.top + box.height * 0.5, deltaY: -360, ctrlKey: true, bubbles: true, cancelable: true }));
        // This callback runs after the view's own in the same frame (registered later).
        const next = await new Promise((res) => requestAnimationFrame(() => res({ state: r.getAttribute(A.state), draws: r.getAttribute(A.draws), stepsStart: r.getAttribute(A.stepsStart), stepsEnd: r.getAttribute(A.stepsEnd), px: pixelsOf(canvas) })));
        // Each sampled pixel of the preview against the old pixel it rescales (nearest neighbour), where
        // the sample point is not within 0.2 pixel of a source pixel edge.
        const now = ranges();
        let same = 0, sampled = 0;
        const W = canvas.width, Hh = canvas.height;
        for (let y = 2; y < Hh; y += 7) for (let x = 3; x < W; x += 11) {
          const sx = ((now.s0 + ((x + 0.5) / W) * (now.s1 - now.s0)) - was.s0) / (was.s1 - was.s0) * W;
          const sy = ((now.u0 + ((y + 0.5) / Hh) * (now.u1 - now.u0)) - was.u0) / (was.u1 - was.u0) * Hh;
          if (sx - Math.floor(sx) < 0.2 || sx - Math.floor(sx) > 0.8 || sy - Math.floor(sy) < 0.2 || sy - Math.floor(sy) > 0.8) continue;
          const i = (y * W + x) * 4, j = (Math.floor(sy) * W + Math.floor(sx)) * 4;
          sampled++;
          if (next.px[i] === before[j] && next.px[i + 1] === before[j + 1] && next.px[i + 2] === before[j + 2]) same++;
        }
        let framesToReady = 1;
        while (r.getAttribute(A.state) !== 'ready' && framesToReady < 600) { await frame(); framesToReady++; }
        await settled();
        zoomed = { next: { ...next, px: undefined }, drawsBefore, framesToReady, final: { state: r.getAttribute(A.state), draws: r.getAttribute(A.draws) }, rescaled: { same, sampled } };
      }
      (window.shots ??= {})[name] = [...root().querySelectorAll('canvas[data-gate]')].map(pixelsOf);
      api.disposeOutputItem('zoom');
      return { zoomed, state };
    })(${JSON.stringify({ name, drawing, budget, zoom, saved, A: TRACE_ATTR })})`)) as { zoomed?: Zoomed; state: unknown };
  }

  for (const drawing of ['canvas2d', 'webgl2']) {
    it(`previews, then draws exactly the picture a fresh exact draw gives (${drawing})`, async () => {
      const slow = await run(`slow ${drawing}`, drawing, 0, true);
      const z = slow.zoomed!;
      assert.equal(z.next.state, 'preview', 'the frame after the wheel shows a preview');
      assert.equal(z.next.draws, z.drawsBefore, 'a preview is not an exact draw');
      assert.notEqual(`${z.next.stepsStart}-${z.next.stepsEnd}`, `0-${T}`, 'the preview states the new ranges');
      assert.ok(z.rescaled.sampled > 500, `${z.rescaled.sampled} preview pixels sampled`);
      assert.ok(z.rescaled.same >= 0.99 * z.rescaled.sampled, `${z.rescaled.same} of ${z.rescaled.sampled} preview pixels are the old picture's pixels they rescale`);
      assert.ok(z.framesToReady >= 4, `exact again after ${z.framesToReady} frames: one gate per frame (4 gates)`);
      assert.equal(z.final.state, 'ready');
      assert.equal(Number(z.final.draws), Number(z.drawsBefore) + 1, 'one exact draw completes the zoom');
      // The same output restored at the zoomed ranges, drawn exactly in one frame.
      const fast = await run(`fast ${drawing}`, drawing, 1e9, false, slow.state);
      const c = (await page.evaluate(`((a, b) => {
        const x = window.shots[a], y = window.shots[b];
        let bytes = 0, differ = x.length === y.length ? 0 : Infinity;
        for (let g = 0; g < y.length; g++) { bytes += y[g].length; for (let i = 0; i < y[g].length; i++) if (x[g][i] !== y[g][i]) differ++; }
        return { bytes, differ };
      })(${JSON.stringify(`slow ${drawing}`)}, ${JSON.stringify(`fast ${drawing}`)})`)) as { bytes: number; differ: number };
      assert.ok(fast.state, 'the renderer saved its state');
      assert.ok(c.bytes > 100_000, `${c.bytes} bytes of heatmap pixels compared`);
      assert.equal(c.differ, 0, `${c.differ} of ${c.bytes} RGBA bytes differ from a fresh exact draw of the zoomed view`);
    });
  }

  it('a unit-order change on a slow view redraws every gate in one frame (rows never disagree between gates)', async () => {
    const r = (await page.evaluate(`(async (A) => {
      window.gatescopeFrameBudgetMs = 0;
      const bytes = new Uint8Array(await (await fetch('/trace.json')).arrayBuffer());
      const api = window.activate({ setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true }, postMessage() {}, onDidReceiveMessage: () => ({ dispose() {} }) });
      const out = document.getElementById('out');
      out.replaceChildren();
      const text = () => new TextDecoder().decode(bytes);
      api.renderOutputItem({ id: 'order', mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, out, new AbortController().signal);
      const root = () => out.querySelector('[' + A.gatescope + '="trace"]');
      for (let i = 0; i < 3000; i++) {
        const r = root();
        if (r && r.getAttribute(A.draws) && r.getAttribute(A.state) === 'ready' && r.getAttribute(A.stats) === 'ready' && r.getAttribute(A.decode) === 'done') break;
        await new Promise((res) => setTimeout(res, 20));
      }
      await new Promise((res) => requestAnimationFrame(res));
      const r = root();
      const before = r.getAttribute(A.draws);
      const sel = r.querySelector('select[aria-label="unit order"]');
      sel.value = 'variance';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
      const next = await new Promise((res) => requestAnimationFrame(() => res({ draws: r.getAttribute(A.draws), state: r.getAttribute(A.state), order: r.getAttribute(A.order) })));
      api.disposeOutputItem('order');
      return { before, next };
    })(${JSON.stringify(TRACE_ATTR)})`)) as { before: string; next: { draws: string; state: string; order: string } };
    assert.match(r.next.order, /^variance:/, 'the order took effect');
    assert.equal(r.next.state, 'ready');
    assert.equal(Number(r.next.draws), Number(r.before) + 1, 'every gate drawn in the frame after the change');
  });

  it('a view whose exact draws fit the frame budget draws exactly in the frame after the wheel (no preview)', async () => {
    const r = await run('fast zoom', 'canvas2d', 1e9, true);
    const z = r.zoomed!;
    assert.equal(z.next.state, 'ready');
    assert.equal(Number(z.next.draws), Number(z.drawsBefore) + 1);
  });
});
