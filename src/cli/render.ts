// `gatescope render TRACE.json --out FILE.png [--theme light|dark|high-contrast] [--width PX]`:
// draws a trace with the notebook renderer bundle itself (dist/renderer/index.js) in headless
// Chromium (Debian's, or CHROMIUM_PATH) and writes a screenshot of the output as PNG.
// Pages load nothing from the network: every request is answered from memory.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, readFileOrFail } from './errors';
import { oneLinePrintable } from '../core/io/printable';
import { refuseOutIsInput, writeFileAtomic } from './write-output';
import { RENDER_THEMES, renderPage, type RenderTheme } from './render-themes';
import { ANY_ROOT, TRACE_ATTR } from '../core/view/status-contract';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ORIGIN = 'http://gatescope.render';
const MIN_WIDTH = 480;
const MAX_WIDTH = 8000;
const RENDER_TIMEOUT_MS = 60_000;

const RENDER_USAGE = 'usage: gatescope render TRACE.json --out FILE.png [--theme light|dark|high-contrast] [--width PX]';

interface RenderArgs {
  trace: string;
  out: string;
  theme: RenderTheme;
  width: number;
}

function parseArgs(argv: readonly string[]): RenderArgs {
  let trace: string | undefined;
  let out: string | undefined;
  let theme: RenderTheme = 'light';
  let width = 1200;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new CliError(`${flag} needs a value; ${RENDER_USAGE}`, 2);
      return v;
    };
    if (flag === '--out' || flag === '-o') out = value();
    else if (flag === '--theme') {
      const v = value();
      if (!(RENDER_THEMES as string[]).includes(v)) throw new CliError(`unknown theme '${v}'; use one of ${RENDER_THEMES.join(', ')}`, 2);
      theme = v as RenderTheme;
    } else if (flag === '--width') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < MIN_WIDTH || n > MAX_WIDTH) throw new CliError(`--width must be an integer from ${MIN_WIDTH} to ${MAX_WIDTH} pixels, got '${v}'`, 2);
      width = n;
    } else if (flag === '--verbose') continue;
    else if (flag.startsWith('-')) throw new CliError(`unknown option '${flag}'; ${RENDER_USAGE}`, 2);
    else if (trace === undefined) trace = a;
    else throw new CliError(`unexpected argument '${a}' (one trace file only); ${RENDER_USAGE}`, 2);
  }
  if (!trace) throw new CliError(`missing TRACE.json; ${RENDER_USAGE}`, 2);
  if (!out) throw new CliError(`missing --out FILE.png; ${RENDER_USAGE}`, 2);
  if (!out.toLowerCase().endsWith('.png')) throw new CliError(`--out must name a .png file, got '${out}'`, 2);
  return { trace, out, theme, width };
}

/** CHROMIUM_PATH, or the first Chromium/Chrome found in the usual Debian places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new CliError(`CHROMIUM_PATH is '${fromEnv}', but no file is there; point it at a Chromium or Chrome binary`, 1);
    return fromEnv;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new CliError(`no Chromium found (looked in ${CHROMIUM_CANDIDATES.join(', ')}); install one (Debian: apt-get install chromium) or set CHROMIUM_PATH`, 1);
  }
  return found;
}

/** The renderer bundle next to the CLI bundle (dist/cli/main.js -> dist/renderer/index.js). */
export function findRendererBundle(dir: string = __dirname): string {
  const candidates = [path.resolve(dir, '../renderer/index.js'), path.resolve(dir, '../../dist/renderer/index.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new CliError(`the renderer bundle is missing (looked for ${candidates.join(', ')}); run 'node esbuild.js' first`, 1);
  return found;
}

type Playwright = typeof import('playwright-core');

function loadPlaywright(): Playwright {
  try {
    return require('playwright-core') as Playwright;
  } catch {
    throw new CliError("the 'playwright-core' package is missing; install it next to Gatescope (npm install playwright-core)", 1);
  }
}

export async function runRender(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    await render(args);
    process.stderr.write(`gatescope: wrote ${args.out}\n`);
    return 0;
  } catch (e) {
    const code = e instanceof CliError ? e.exitCode : 1;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`gatescope: ${oneLinePrintable(msg).trim()}\n`);
    if (argv.includes('--verbose') && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    return code;
  }
}

async function render(args: RenderArgs): Promise<void> {
  refuseOutIsInput(args.out, [{ file: args.trace, what: 'trace' }]);
  const traceBytes = readFileOrFail(args.trace, 'trace');
  const bundle = readFileSync(findRendererBundle());
  const executablePath = findChromium();
  const pw = loadPlaywright();
  const browser = await pw.chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true }).catch((e: Error) => {
    throw new CliError(`could not start Chromium at ${executablePath}: ${e.message.split('\n')[0]}`, 1);
  });
  try {
    const page = await browser.newPage({ viewport: { width: args.width + 16, height: 900 }, deviceScaleFactor: 1 });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `${ORIGIN}/`) return route.fulfill({ status: 200, contentType: 'text/html', body: renderPage(args.theme, args.width, `${ORIGIN}/renderer/index.js`) });
      if (url === `${ORIGIN}/renderer/index.js`) return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
      if (url === `${ORIGIN}/trace.json`) return route.fulfill({ status: 200, contentType: 'application/json', body: Buffer.from(traceBytes.buffer, traceBytes.byteOffset, traceBytes.byteLength) });
      return route.abort();
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as unknown as { gatescopeReady?: boolean }).gatescopeReady === true, undefined, { timeout: RENDER_TIMEOUT_MS });
    const outcome = (await page.evaluate(`(${RENDER_IN_PAGE})(${RENDER_TIMEOUT_MS})`)) as { error?: string };
    if (pageErrors.length) throw new CliError(`the renderer failed in Chromium: ${pageErrors[0]}`, 1);
    if (outcome.error) throw new CliError(`${args.trace}: ${outcome.error.replace(/^Gatescope cannot show this trace: /, '')}`, 1);
    const png = await page.locator('#out').screenshot({ type: 'png', animations: 'disabled' });
    writeFileAtomic(args.out, png);
  } finally {
    await browser.close();
  }
}

/**
 * Runs in the page (kept as source text, so that no bundler helper leaks into it): renders the trace
 * like a notebook output and waits for the heatmaps and statistics (the root's status, as
 * src/core/view/status-contract.ts names it). Resolves to { error? }.
 */
const RENDER_IN_PAGE = `async (timeoutMs) => {
  const ROOT = ${JSON.stringify(ANY_ROOT)};
  const KIND = ${JSON.stringify(TRACE_ATTR.gatescope)};
  const STATE = ${JSON.stringify(TRACE_ATTR.state)};
  const STATS = ${JSON.stringify(TRACE_ATTR.stats)};
  const DECODE = ${JSON.stringify(TRACE_ATTR.decode)};
  const bytes = new Uint8Array(await (await fetch('/trace.json')).arrayBuffer());
  // Plays the host's part of the settings exchange (src/host/renderer-settings.ts): the CLI draws with
  // Canvas 2D, the path whose pixels do not depend on a GPU driver.
  let listener;
  const settings = { type: 'settings', settings: { colorMap: 'viridis', drawing: 'canvas2d' } };
  const api = window.gatescopeRenderer({
    setState() {}, getState: () => undefined, getRenderer: async () => undefined, workspace: { isTrusted: true },
    postMessage: (m) => { if (m && m.type === 'ready') queueMicrotask(() => listener && listener(settings)); },
    onDidReceiveMessage: (fn) => { listener = fn; return { dispose() { listener = undefined; } }; },
  });
  const out = document.getElementById('out');
  const text = () => new TextDecoder().decode(bytes);
  api.renderOutputItem(
    { id: 'cli', mime: 'application/vnd.gatescope.trace+json', metadata: {}, data: () => bytes, text, json: () => JSON.parse(text()), blob: () => new Blob([bytes]) },
    out,
    new AbortController().signal,
  );
  const t0 = performance.now();
  for (;;) {
    const root = out.querySelector(ROOT);
    if (root && root.getAttribute(KIND) === 'error') return { error: (root.querySelector('.gs-error') || root).textContent || 'unknown error' };
    if (root && root.getAttribute(STATE) === 'ready' && root.getAttribute(STATS) === 'ready' && root.getAttribute(DECODE) === 'done') break;
    if (performance.now() - t0 > timeoutMs) return { error: 'timed out waiting for the heatmaps to draw' };
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return {};
}`;
