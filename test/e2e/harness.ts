// End-to-end harness: a real VS Code (code-server, offline) with Gatescope installed from its
// packaged .vsix, a real notebook editor, and Debian's Chromium driven by playwright-core.
// One server per mocha run (started in hooks.ts); each test opens its own page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { TRACE_MIME, type TraceConvention } from '../../src/core/trace/document';
import { ANY_ROOT, TOOLTIP, TOOLTIP_ATTR, TRACE_ATTR, TRACE_ROOT, type TooltipStatus, type TraceStatus } from '../../src/core/view/status-contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const offline = require('../../scripts/vscode-offline.js');

export const ROOT: string = offline.ROOT;
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'e2e');

export interface VsCode {
  url: string;
  port: number;
  workspace: string;
  browser: Browser;
  /** The user's settings.json (VS Code watches it: writing it changes settings live). */
  userSettingsPath: string;
  stop(): Promise<void>;
}

/**
 * Starts code-server with `extensions` (.vsix paths) installed, or with the repository loaded as a
 * development extension when `devPath` is given (faster edit-run loops: GATESCOPE_E2E_DEV=1).
 */
export async function startVsCode(opts: { workspace: string; vsix?: string; devPath?: string; settings?: object }): Promise<VsCode> {
  fs.mkdirSync(opts.workspace, { recursive: true });
  const server = await offline.startCodeServer({
    workspace: opts.workspace,
    extensions: opts.vsix ? [opts.vsix] : [],
    settings: opts.settings,
    quiet: true,
  });
  const browser: Browser = await offline.launchChromium();
  devPath = opts.devPath;
  return {
    url: server.url,
    port: server.port,
    workspace: opts.workspace,
    browser,
    userSettingsPath: path.join(server.userDataDir, 'data', 'User', 'settings.json'),
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

let devPath: string | undefined;

export interface OpenedNotebook {
  page: Page;
  /** The notebook's output webview frame (where renderer output lives). */
  frame: Frame;
}

/** Opens the workbench on the workspace, then `file` (relative to it) via quick open. */
export async function openWorkbench(vscode: VsCode, opts: { theme?: string } = {}): Promise<Page> {
  const page = await vscode.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  let url = `${vscode.url}/?folder=${encodeURIComponent(vscode.workspace)}`;
  if (devPath) {
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${vscode.port}${devPath}`]];
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  if (opts.theme) await setTheme(page, opts.theme);
  return page;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Runs a command through the command palette, as a person would, clicking the row whose title is
 * exactly `title` (the fuzzy first row can be another command, or the offline marketplace browser).
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^\\s*${escapeRe(title)}`) }).first();
  await row.waitFor({ state: 'visible', timeout: 30000 });
  await row.click();
}

/** Picks a colour theme by its label ("Dark Modern", "Light High Contrast", ...). */
export async function setTheme(page: Page, themeLabel: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /Modern|High Contrast/ }).first().waitFor({ state: 'visible', timeout: 30000 });
  await input.fill(themeLabel);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^\\s*${escapeRe(themeLabel)}`) }).first();
  await row.waitFor({ state: 'visible', timeout: 30000 });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Opens a workspace file through quick open (Ctrl+P), as a person would. Right after start-up the
 * file search may not answer yet (an empty list): close and ask again, up to a minute.
 */
export async function openFile(page: Page, relPath: string): Promise<void> {
  const name = relPath.split('/').pop()!;
  const deadline = Date.now() + 60000;
  for (;;) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relPath);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    try {
      await row.waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Waits until some frame of the page holds `selector` (renderer output lives in the notebook's
 * webview, an iframe inside an iframe) and returns that frame.
 */
export async function waitForFrameWith(page: Page, selector: string, timeoutMs = 60000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frame detached while navigating
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame contains ${selector} after ${timeoutMs} ms`);
}

let sharedPage: Page | undefined;

/**
 * Opens `relPath` in the run's one workbench page (loading a workbench costs 10-20 s; a test that
 * closed the page gets a fresh one). Editors left by the previous test are closed first, and their
 * webviews must be gone before the new notebook's frame is looked for, so a stale frame is never
 * returned.
 */
export async function openNotebook(vscode: VsCode, relPath: string, selector: string, opts: { theme?: string } = {}): Promise<OpenedNotebook> {
  if (!sharedPage || sharedPage.isClosed()) {
    sharedPage = await openWorkbench(vscode);
  } else {
    await runCommand(sharedPage, 'View: Close All Editors');
    await waitForNoFrameWith(sharedPage, ANY_ROOT);
  }
  const page = sharedPage;
  if (opts.theme) await setTheme(page, opts.theme);
  await openFile(page, relPath);
  const frame = await waitForFrameWith(page, selector);
  return { page, frame };
}

async function waitForNoFrameWith(page: Page, selector: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let found = false;
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) found = true;
      } catch {
        // frame detached: gone
      }
    }
    if (!found) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`frames with ${selector} still open after ${timeoutMs} ms`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** One display_data output per entry: `data` maps MIME types to values (JSON stays JSON). */
export function writeNotebook(workspace: string, relPath: string, outputs: Record<string, unknown>[][]): string {
  const cells = outputs.map((cellOutputs, i) => ({
    cell_type: 'code',
    execution_count: i + 1,
    metadata: {},
    source: [`# cell ${i + 1}`],
    outputs: cellOutputs.map((data) => ({ output_type: 'display_data', data, metadata: {} })),
  }));
  const nb = {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(workspace, relPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/** PyTorch nn.GRU's convention, for the traces the e2e tests build themselves. */
export const PYTORCH_CONVENTION: TraceConvention = {
  gateOrder: ['r', 'z', 'n'],
  linearBeforeReset: true,
  zMeaning: 'keep-old',
  activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } },
};

/** The MIME bundle of one Gatescope output. */
export function traceOutput(doc: unknown): Record<string, unknown> {
  return { [TRACE_MIME]: doc, 'text/plain': ['<Gatescope trace>'] };
}

// ---- the rendered output's status (src/core/view/status-contract.ts) ----------------------------

/** A status field of the first trace view in `frame`; null while unset. */
export function traceStatusOf(frame: Frame, key: keyof TraceStatus): Promise<string | null> {
  return frame.$eval(TRACE_ROOT, (e, a) => e.getAttribute(a), TRACE_ATTR[key]);
}

/** Waits until status field `key` of the first trace view equals `value`. */
export async function waitForTraceStatus(frame: Frame, key: keyof TraceStatus, value: string, opts?: { timeout?: number }): Promise<void> {
  await frame.waitForFunction(([sel, a, v]) => document.querySelector(sel)?.getAttribute(a) === v, [TRACE_ROOT, TRACE_ATTR[key], value] as const, opts);
}

/** Waits until the first trace view has drawn its heatmaps at least once, from all its inline data (not a long run's coarse first paint). */
export async function waitForDraws(frame: Frame, opts?: { timeout?: number }): Promise<void> {
  await frame.waitForFunction(
    ([sel, a, d]) => {
      const e = document.querySelector(sel);
      return Number(e?.getAttribute(a) ?? 0) > 0 && e?.getAttribute(d) === 'done';
    },
    [TRACE_ROOT, TRACE_ATTR.draws, TRACE_ATTR.decode] as const,
    opts,
  );
}

/** The visible step span [stepsStart, stepsEnd) of the first trace view. */
export async function stepSpanOf(frame: Frame): Promise<number> {
  return Number(await traceStatusOf(frame, 'stepsEnd')) - Number(await traceStatusOf(frame, 'stepsStart'));
}

/** Waits until the first trace view shows fewer than `span` steps. */
export async function waitForStepSpanBelow(frame: Frame, span: number): Promise<void> {
  await frame.waitForFunction(
    ([sel, start, end, was]) => {
      const e = document.querySelector(sel as string)!;
      return Number(e.getAttribute(end as string)) - Number(e.getAttribute(start as string)) < (was as number);
    },
    [TRACE_ROOT, TRACE_ATTR.stepsStart, TRACE_ATTR.stepsEnd, span] as const,
  );
}

/** Waits until the hover tooltip describes a cell whose fields match `want` (step, unit, exact). */
export async function waitForTooltip(frame: Frame, want: Partial<Record<keyof TooltipStatus, string>>, opts?: { timeout?: number }): Promise<void> {
  const pairs = Object.entries(want).map(([k, v]) => [TOOLTIP_ATTR[k as keyof TooltipStatus], v] as const);
  await frame.waitForFunction(
    ([sel, ps]) => {
      const t = document.querySelector(sel as string);
      return !!t && (ps as (readonly [string, string])[]).every(([a, v]) => t.getAttribute(a) === v);
    },
    [TOOLTIP, pairs] as const,
    opts,
  );
}

/** A status field of the hover tooltip; null while unset. */
export function tooltipStatusOf(frame: Frame, key: keyof TooltipStatus): Promise<string | null> {
  return frame.locator(TOOLTIP).getAttribute(TOOLTIP_ATTR[key]);
}
