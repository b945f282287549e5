// A page in Debian's Chromium that serves the real renderer bundle (dist/renderer/index.js; run
// `node esbuild.js` first) and given trace files, and renders one of them as a notebook output
// would: the renderer's activate() with a stand-in for VS Code's renderer context.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../scripts/vscode-offline.js');

const ROOT = path.resolve(__dirname, '../..');
export const ORIGIN = 'http://gatescope.test';

/**
 * Page-side source of `(px, lut) => share`: the fraction of RGBA pixels `px` whose colour is one of
 * the 256 entries of colour table `lut` (RGBA bytes), for checking which map a canvas was drawn in.
 */
export const LUT_SHARE = `(px, lut) => {
  const set = new Set();
  for (let i = 0; i < 256; i++) set.add(lut[i * 4] * 65536 + lut[i * 4 + 1] * 256 + lut[i * 4 + 2]);
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (set.has(px[i] * 65536 + px[i + 1] * 256 + px[i + 2])) n++;
  return n / (px.length / 4);
}`;

/** Opens a page at ORIGIN serving the bundle at /index.js and each of `files` at /<name>, once `activate` is loaded (window.activate). */
export async function openRendererPage(files: Record<string, Uint8Array>, viewport = { width: 900, height: 1200 }): Promise<{ browser: Browser; page: Page }> {
  const bundle = readFileSync(path.join(ROOT, 'dist/renderer/index.js'));
  const browser: Browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/`) return route.fulfill({ contentType: 'text/html', body: `<!doctype html><body data-vscode-theme-kind="vscode-light"><div id="out"></div><script type="module">import { activate } from '/index.js'; window.activate = activate; window.ready = true;</script></body>` });
    if (url === `${ORIGIN}/index.js`) return route.fulfill({ contentType: 'text/javascript', body: bundle });
    const name = url.startsWith(`${ORIGIN}/`) ? url.slice(ORIGIN.length + 1) : '';
    const body = files[name];
    if (body) return route.fulfill({ contentType: 'application/json', body: Buffer.from(body) });
    return route.abort();
  });
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return { browser, page };
}

/**
 * Activates the renderer and renders /<file> into #out. The stand-in host records the renderer's
 * 'ready' message in window.asked and keeps its message listener as window.send (host → renderer).
 */
export async function renderOutput(page: Page, file: string): Promise<void> {
  await page.evaluate(`(async () => {
    const bytes = new Uint8Array(await (await fetch(${JSON.stringify(`/${file}`)})).arrayBuffer());
    window.asked = false;
    const api = window.activate({
      setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true },
      postMessage: (m) => { if (m && m.type === 'ready') window.asked = true; },
      onDidReceiveMessage: (fn) => { window.send = fn; return { dispose() {} }; },
    });
    const text = () => new TextDecoder().decode(bytes);
    api.renderOutputItem({ id: 'o', mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) }, document.getElementById('out'), new AbortController().signal);
  })()`);
}
