// The worker test/web runs in Chromium under the web extension host's CSP. It loads the real browser
// entry (dist/host-web/extension.js) the way VS Code's web extension host loads an extension: fetch
// the file, wrap it as a CommonJS module with `new Function` (what 'unsafe-eval' is there for), and
// answer require('vscode'). The stand-in refuses every use, so each job below proves that the job
// pipeline itself never touches the vscode API. Jobs come from the page; replies go back to it.
'use strict';

/** A `vscode` module that throws on any use (esbuild's interop only reads __esModule). */
const vscodeRefused = new Proxy(
  {},
  {
    get(_t, key) {
      if (key === '__esModule' || typeof key === 'symbol') return undefined;
      throw new Error(`the pipeline used vscode.${String(key)}`);
    },
    ownKeys: () => [],
  },
);

let entry;
async function loadEntry() {
  if (entry) return entry;
  const text = await (await fetch('/dist/host-web/extension.js')).text();
  const module = { exports: {} };
  const require = (id) => {
    if (id === 'vscode') return vscodeRefused;
    throw new Error(`the browser entry required '${id}'; a web extension host provides only 'vscode'`);
  };
  new Function('module', 'exports', 'require', text)(module, module.exports, require);
  entry = module.exports;
  return entry;
}

async function bytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** What the worker's own CSP allows: eval yes (unsafe-eval), a data: script no (not in script-src). */
function cspProbe() {
  let evalAllowed = false;
  let dataScriptAllowed = false;
  try {
    evalAllowed = new Function('return 1')() === 1;
  } catch {}
  try {
    importScripts('data:text/javascript,void 0');
    dataScriptAllowed = true;
  } catch {}
  return { evalAllowed, dataScriptAllowed, crossOriginIsolated: self.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined', gpu: typeof navigator.gpu !== 'undefined', secure: self.isSecureContext === true };
}

let runner;
const written = [];

function toBase64(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}
self.onmessage = async (e) => {
  const msg = e.data;
  if (msg.cmd === 'csp') return self.postMessage({ ok: true, csp: cspProbe() });
  const progress = [];
  // Timer turns that ran while the job did: more than zero means the job yielded to the event loop.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  let cancelled = false;
  const listeners = [];
  const token = {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested(fn) {
      listeners.push(fn);
      return { dispose() {} };
    },
  };
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    listeners.forEach((fn) => fn());
  };
  const hooks = {
    token,
    onProgress(message, fraction) {
      progress.push({ message, fraction });
      if (msg.cancelAt && message === msg.cancelAt) cancel();
    },
  };
  try {
    const ext = await loadEntry();
    // Files the runner writes (sidecars), kept here as the extension's vscode.workspace.fs would.
    runner ??= ext.inProcessJobRunner({
      loadWasm: () => bytes(`/dist/ort/${ext.ORT_WEB_WASM}`),
      writeFile: async (dir, name, data) => void written.push({ dir, name, bytes: data.slice() }),
    });
    const modelBytes = await bytes(msg.model);
    const t0 = performance.now();
    if (msg.cmd === 'inspect') {
      const summary = await runner.inspect(modelBytes, hooks);
      self.postMessage({ ok: true, summary });
    } else {
      const result = await runner.trace({ ...msg.job, modelBytes }, hooks);
      const p = result.preview;
      self.postMessage({
        ok: true,
        document: result.document,
        preview: p ? { bytes: p.length, head: Array.from(p.subarray(0, 8)) } : undefined,
        runtime: result.runtime,
        progress,
        ticks,
        ms: performance.now() - t0,
        written: written.splice(0).map((f) => ({ dir: f.dir, name: f.name, base64: toBase64(f.bytes) })),
      });
    }
  } catch (err) {
    self.postMessage({ ok: false, name: err && err.name, message: String((err && err.message) || err), progress, ticks });
  } finally {
    clearInterval(timer);
  }
};
