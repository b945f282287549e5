// A Chromium worker standing in for the web extension host (vscode.dev, github.dev): served from one
// origin with the web host's CSP (`script-src 'self' 'unsafe-eval' https:`), no cross-origin
// isolation, running test/web/host-worker.js, which loads the real dist/host-web/extension.js.
// Every request is answered here (no network) and recorded.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_HOST_CSP = "script-src 'self' 'unsafe-eval' https:";
/** A secure context, as vscode.dev's https origin is (WebGPU exists only in secure contexts). */
const ORIGIN = 'http://localhost';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** WebGPU on SwiftShader, Chromium's CPU implementation of Vulkan: a real adapter without a GPU. */
export const SWIFTSHADER_WEBGPU = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
/** No GPU at all: navigator.gpu exists but requestAdapter() gives null. */
export const NO_GPU = ['--disable-gpu'];

/** Files the page may fetch, by URL path: the worker, the browser entry, the runtime, models. */
function served(pathname: string): { file: string; type: string } | undefined {
  if (pathname === '/host-worker.js') return { file: path.join(__dirname, 'host-worker.js'), type: 'text/javascript' };
  if (pathname === '/dist/host-web/extension.js') return { file: path.join(ROOT, 'dist/host-web/extension.js'), type: 'text/javascript' };
  if (/^\/dist\/ort\/[\w.-]+$/.test(pathname)) return { file: path.join(ROOT, pathname), type: pathname.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' };
  if (pathname === '/media/demo/model.onnx') return { file: path.join(ROOT, pathname), type: 'application/octet-stream' };
  return undefined;
}

export class WebHost {
  readonly requested: string[] = [];
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(gpuArgs: string[] = NO_GPU): Promise<WebHost> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...LAUNCH_ARGS, ...gpuArgs] });
    const page = await browser.newPage();
    const host = new WebHost(browser, page);
    await page.context().route('**/*', (route) => {
      const url = new URL(route.request().url());
      host.requested.push(url.pathname);
      const csp = { 'content-security-policy': WEB_HOST_CSP };
      if (url.origin !== ORIGIN) return route.fulfill({ status: 404, body: 'not served' });
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', headers: csp, body: '<!doctype html><title>web extension host</title>' });
      const f = served(url.pathname);
      if (!f || !existsSync(f.file)) return route.fulfill({ status: 404, body: 'not served' });
      return route.fulfill({ contentType: f.type, headers: csp, body: readFileSync(f.file) });
    });
    await page.goto(`${ORIGIN}/`);
    await page.evaluate(() => {
      (globalThis as unknown as { hostWorker: Worker }).hostWorker = new Worker('/host-worker.js');
    });
    return host;
  }

  /** Sends one message to the worker and resolves with its reply. */
  send<T>(msg: unknown): Promise<T> {
    return this.page.evaluate(
      (m) =>
        new Promise<T>((resolve) => {
          const w = (globalThis as unknown as { hostWorker: Worker }).hostWorker;
          w.onmessage = (e) => resolve(e.data as T);
          w.onerror = (e) => resolve({ ok: false, name: 'WorkerError', message: e.message } as T);
          w.postMessage(m);
        }),
      msg,
    );
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
