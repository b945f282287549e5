// onnxruntime-web sessions on the WASM backend, one per model (and variant) reused across runs.
// The runtime files (ort-wasm-simd-threaded.mjs/.wasm) are loaded from the folder the caller passes
// in (the extension's dist/ort/), never from a CDN. onnxruntime reads ort.env.wasm once, when the
// first session is created: later calls with different settings cannot change it, so they are refused.

import * as ort from 'onnxruntime-web';
import { formatDims } from '../core/io/tensor';
import { cleanOrtMessage, firstLine, OnnxTraceError } from './errors';
import type { UserTensor } from './inputs';

export { ort };

export interface RuntimeOptions {
  /** Folder (path or URL) holding onnxruntime-web's runtime files; ends with '/' or gets one. */
  wasmDir: string;
  /** WASM threads; 1 by default (the extension host shares its process with everything else). */
  numThreads?: number;
  /**
   * The .wasm bytes themselves. The web extension host must give them: there onnxruntime-web cannot
   * work out where to fetch its binary from ("no available backend found").
   */
  wasmBinary?: Uint8Array;
  /**
   * 'webgpu' needs a build with WebGPU (the web host's bundle, scripts/esbuild-plugins.js) and a
   * WebGPU adapter; default 'wasm'. Sessions are cached per provider.
   */
  executionProvider?: ExecutionProvider;
}

export type ExecutionProvider = 'wasm' | 'webgpu';

/** onnxruntime's log severity 4 = fatal only (0 verbose, 1 info, 2 warning, 3 error). */
export const QUIET_SEVERITY = 4;

/** Run options that keep onnxruntime's per-run log (kernel failures) quiet. */
export const QUIET_RUN: ort.InferenceSession.RunOptions = { logSeverityLevel: QUIET_SEVERITY };

let configured: { wasmDir: string; numThreads: number } | undefined;

function configure(opts: RuntimeOptions): void {
  const wasmDir = opts.wasmDir.endsWith('/') ? opts.wasmDir : `${opts.wasmDir}/`;
  const numThreads = opts.numThreads ?? 1;
  if (configured) {
    if (configured.wasmDir !== wasmDir || configured.numThreads !== numThreads) {
      throw new OnnxTraceError(`onnxruntime-web is already initialised with ${configured.numThreads} thread(s) from ${configured.wasmDir}; it cannot switch to ${numThreads} from ${wasmDir} in the same process: restart it`);
    }
    return;
  }
  // With the bytes given, nothing is fetched: the web build embeds its loader, and a wasmPaths
  // prefix would make it import the loader from there instead.
  if (opts.wasmBinary) ort.env.wasm.wasmBinary = opts.wasmBinary;
  else ort.env.wasm.wasmPaths = wasmDir;
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.proxy = false;
  // onnxruntime logs kernel failures itself (timestamp, ANSI colours) before it throws; Gatescope
  // reports the same failure in its own one line, so only fatal messages may reach the log.
  ort.env.logLevel = 'fatal';
  configured = { wasmDir, numThreads };
}

/**
 * Identity of model bytes for the caches: two 32-bit multiplicative hashes over every 4-byte word
 * (plus the length). Every byte counts, so an edited model never reuses a stale session; about
 * 30 ms per 100 MB.
 */
export function modelKey(bytes: Uint8Array): string {
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : new Uint32Array(bytes.slice(0, bytes.length & ~3).buffer);
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b + w, 0x85ebca6b) ^ (b >>> 13);
  }
  for (let i = bytes.length & ~3; i < bytes.length; i++) a = Math.imul(a ^ bytes[i]!, 0x01000193);
  return `${bytes.length.toString(36)}-${(a >>> 0).toString(36)}-${(b >>> 0).toString(36)}`;
}

// Instrumented models (and the plain models checked before them): room for a few.
const MAX_SESSIONS = 16;
const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Returns the cached session for `key`, creating it from `bytes()` on first use (least recently used evicted). */
export async function getSession(key: string, bytes: () => Uint8Array, opts: RuntimeOptions): Promise<ort.InferenceSession> {
  configure(opts);
  const ep = opts.executionProvider ?? 'wasm';
  if (ep !== 'wasm') key = `${key}@${ep}`;
  let entry = sessions.get(key);
  if (entry) {
    sessions.delete(key);
    sessions.set(key, entry);
    return entry;
  }
  entry = ort.InferenceSession.create(bytes(), { executionProviders: [ep], graphOptimizationLevel: 'all', logSeverityLevel: QUIET_SEVERITY }).catch((e: unknown) => {
    sessions.delete(key);
    throw new OnnxTraceError(`onnxruntime-web could not load the model (${cleanOrtMessage(firstLine(e))}); check that the model runs in onnxruntime (python -c "import onnxruntime as o; o.InferenceSession('MODEL.onnx')")`, { cause: e });
  });
  sessions.set(key, entry);
  while (sessions.size > MAX_SESSIONS) {
    const [oldKey, old] = sessions.entries().next().value as [string, Promise<ort.InferenceSession>];
    sessions.delete(oldKey);
    old.then((s) => s.release()).catch(() => undefined);
  }
  return entry;
}

/** Model keys whose original bytes onnxruntime has loaded (bounded like the session cache). */
const loadable = new Set<string>();

/**
 * Makes sure onnxruntime itself loads the model as given. Gatescope decodes models with protobufjs,
 * which reads a field whatever its wire type and skips some damage that onnxruntime's C++ protobuf
 * refuses, and runs a re-encoded (instrumented) copy: without this check it would trace a model
 * onnxruntime cannot run. The session is released at once; only the verdict is cached.
 */
export async function checkModelLoads(key: string, bytes: Uint8Array, opts: RuntimeOptions): Promise<void> {
  if (loadable.has(key)) return;
  configure(opts);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled', logSeverityLevel: QUIET_SEVERITY });
  } catch (e) {
    throw new OnnxTraceError(`onnxruntime-web could not load the model (${cleanOrtMessage(firstLine(e))}); the file may be damaged: export it again, and check that it runs in onnxruntime (python -c "import onnxruntime as o; o.InferenceSession('MODEL.onnx')")`, { cause: e });
  }
  await session.release();
  loadable.add(key);
  if (loadable.size > 4 * MAX_SESSIONS) loadable.delete(loadable.values().next().value as string);
}

/** Releases every cached session (tests, extension deactivation). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
}

/**
 * Releases the sessions of one model identity (`key` as given to runOnnxTrace's modelKey: its
 * instrumented model, gate graphs, and its load verdict), when its file changed or left the cache.
 */
export async function releaseModelSessions(key: string): Promise<void> {
  const mine = [...sessions.keys()].filter((k) => k === key || k.startsWith(`${key}:`));
  const all = mine.map((k) => sessions.get(k)!);
  for (const k of mine) sessions.delete(k);
  loadable.delete(key);
  await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
}

/** onnxruntime-web's version as the traces name it. */
export function onnxruntimeVersion(): string {
  return ort.env.versions?.web ?? 'unknown';
}

function toOrtTensor(t: UserTensor): ort.Tensor {
  if (t.dtype === 'int64') return new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
  if (t.dtype === 'int32') return new ort.Tensor('int32', t.data as Int32Array, t.dims);
  return new ort.Tensor('float32', t.data as Float32Array, t.dims);
}

/**
 * Runs an instrumented model (the GRU path's or the recurrent path's) on the user's feeds and fetches
 * every value the `fetch` records name (their string fields), except the feeds themselves (runLookup reads those from the
 * feeds); onnxruntime's own log kept quiet. A failed run is one OnnxTraceError naming the inputs given.
 */
export async function runInstrumented(session: ort.InferenceSession, feeds: Record<string, UserTensor>, fetch: readonly object[]): Promise<Record<string, ort.Tensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(t);
  const fetchNames = [...new Set(fetch.flatMap((f) => Object.values(f).filter((v): v is string => typeof v === 'string' && v !== '')))].filter((n) => !(n in feeds));
  try {
    return (await session.run(ortFeeds, fetchNames, QUIET_RUN)) as Record<string, ort.Tensor>;
  } catch (e) {
    const given = Object.entries(feeds).map(([n, t]) => `${n} ${t.dtype} ${formatDims(t.dims)}`).join(', ');
    throw new OnnxTraceError(`onnxruntime-web could not run the model on the inputs (${given}): ${cleanOrtMessage(firstLine(e))}; check the input shapes against the model`, { cause: e });
  }
}
