// Every core for the native engine (Node only): a pool of worker threads that splits each step's
// recurrent product R·h by rows. The calling thread keeps its own WebAssembly kernel (W·x, the
// elementwise gate math, its own share of R·h); each helper thread holds a copy of R in its own
// instance of the same compiled module and computes its rows of R·h on every step.
//
// Hand-off per step, through SharedArrayBuffers and Atomics (no messages, no event loop, so the
// run stays synchronous and runGru needs no change): the caller writes h_{t-1} into `vec`, bumps
// the generation counter and wakes the helpers; each helper copies `vec` into its memory, runs the
// kernel's matvec on its row block and writes those rows of the result into `out`, then counts
// itself done. The caller computes its own block meanwhile, waits for the count, and copies the
// helpers' rows into its hp. A helper spins briefly before sleeping in Atomics.wait, since a step
// takes ~100 µs-1 ms and a sleep/wake costs tens of µs.
//
// Every row is computed by the same matvec routine on the same inputs as in one thread, so the
// results are bit for bit those of one thread (test/unit/node/gru-threads.unit.test.ts).
//
// Gate recovery (gatesFromStates) splits across steps instead: `recover` hands each thread a
// contiguous block of rows (steps), each running the kernel's blocked products on its block.

import * as os from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { gatesFromStates } from '../core/gru/gates-from-states';
import { WasmKernel, wasmKernelError, wasmKernelModule } from '../core/gru/kernel-wasm';

/** Default compute threads (caller included): one core left for the rest of the process (the extension host, the UI), at least 1. */
export function defaultThreadCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, cores - 1);
}

/** Checks a thread-count setting or option; returns it, or the default when undefined. */
export function resolveThreadCount(threads: number | undefined): number {
  if (threads === undefined) return defaultThreadCount();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`threads is ${threads}; expected a whole number from 1 to 256 (default: available cores - 1 = ${defaultThreadCount()})`);
  }
  return threads;
}

// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0; // bumped by the caller for each job
const DONE = 1; // helpers finished with the current job
const OP = 2;
const READY = 3; // helpers started
const PARAMS = 8; // per helper: from, count (rows) or, for recovery, first row and row count
const OP_LOAD = 1;
const OP_MATVEC = 2;
const OP_MATVEC2 = 3; // same, source vector vin2 (only the caller distinguishes; helpers read vec)
const OP_RECOVER = 4;
const OP_EXIT = 9;
const SPIN = 20000;
/** The same numbers for the helper program, which cannot see this module's scope. */
const CODES = { PARAMS, GEN, DONE, OP, READY, OP_LOAD, OP_MATVEC, OP_MATVEC2, OP_RECOVER, OP_EXIT, SPIN };

/**
 * The helper thread's program, run with `eval` so that it needs no separate bundle entry. It must
 * stay self-contained (no imports, no closures over this module); `__name` is defined in case the
 * TypeScript loader adds name-keeping calls to nested functions.
 */
function helperMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const { ctrl: ctrlBuf, module, index, port, c } = wt.workerData as { ctrl: SharedArrayBuffer; module: WebAssembly.Module; index: number; port: MessagePort; c: typeof CODES };
  const { PARAMS, GEN, DONE, OP, READY, OP_LOAD, OP_MATVEC, OP_MATVEC2, OP_RECOVER, OP_EXIT, SPIN } = c;
  const ctrl = new Int32Array(ctrlBuf);
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as {
    memory: WebAssembly.Memory;
    matvec(A: number, rows: number, K: number, x: number, y: number): void;
    gemm(A: number, M: number, B: number, N: number, K: number, C: number, ldc: number): void;
    stepRZ(xp: number, hp: number, bW: number, bR: number, hprev: number, r: number, z: number, rh: number, G: number): void;
    stepNH(xp: number, hp: number, bW: number, bR: number, hprev: number, r: number, z: number, n: number, h: number, G: number, lbr: number, takeNew: number): void;
  };
  let shared: { R: Float32Array; vec: Float32Array; out: Float32Array; NR: number; Gr: number } | undefined;
  let at = { R: 0, vec: 0, out: 0 };
  const grow = (floats: number): Float32Array => {
    const need = floats * 4;
    if (ex.memory.buffer.byteLength < need) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
    return new Float32Array(ex.memory.buffer);
  };
  const load = (): void => {
    const msg = wt.receiveMessageOnPort(port);
    if (msg) shared = msg.message;
    const s = shared!;
    at = { R: 0, vec: s.NR * s.Gr * 4, out: (s.NR * s.Gr + s.Gr) * 4 };
    const mem = grow(s.NR * s.Gr + s.Gr + s.NR);
    mem.set(s.R, 0);
  };
  const matvec = (): void => {
    const s = shared!;
    const from = ctrl[PARAMS + 2 * index]!;
    const count = ctrl[PARAMS + 2 * index + 1]!;
    if (count === 0) return;
    const mem = new Float32Array(ex.memory.buffer);
    mem.set(s.vec, at.vec / 4);
    ex.matvec(at.R + from * s.Gr * 4, count, s.Gr, at.vec, at.out + from * 4);
    s.out.set(mem.subarray(at.out / 4 + from, at.out / 4 + from + count), from);
  };
  type Job = { W: Float32Array; R: Float32Array; bW: Float32Array; bR: Float32Array; x: Float32Array; hPrev: Float32Array; out: Float32Array[]; I: number; H: number; lbr: number; takeNew: number; chunk: number };
  let job: Job | undefined;
  const recover = (): void => {
    const msg = wt.receiveMessageOnPort(port);
    if (msg) job = msg.message;
    const j = job!;
    const first = ctrl[PARAMS + 2 * index]!;
    const rows = ctrl[PARAMS + 2 * index + 1]!;
    if (rows === 0) return;
    const { I, H, chunk } = j;
    const up4 = (n: number): number => (n + 3) & ~3;
    const G = up4(H);
    const Ip = up4(I);
    const sizes = [3 * G * Ip, 3 * G * G, chunk * Ip, chunk * 3 * G, chunk * G, chunk * G, chunk * 3 * G, 3 * G, 3 * G, chunk * G, chunk * G, chunk * G, chunk * G];
    const offs: number[] = [];
    let total = 0;
    for (const n of sizes) {
      offs.push(total);
      total += n;
    }
    const [oW, oR, oXs, oXp, oVin, oVin2, oHp, oBW, oBR, oGr, oGz, oGn, oGh] = offs as [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const mem = grow(total);
    mem.fill(0, 0, total);
    for (let row = 0; row < 3 * H; row++) {
      const g = Math.floor(row / H);
      const i = row - g * H;
      mem.set(j.W.subarray(row * I, (row + 1) * I), oW + (g * G + i) * Ip);
      mem.set(j.R.subarray(row * H, (row + 1) * H), oR + (g * G + i) * G);
    }
    for (let g = 0; g < 3; g++) {
      mem.set(j.bW.subarray(g * H, (g + 1) * H), oBW + g * G);
      mem.set(j.bR.subarray(g * H, (g + 1) * H), oBR + g * G);
    }
    const gates = [oGr, oGz, oGn, oGh];
    for (let m0 = first; m0 < first + rows; m0 += chunk) {
      const n = Math.min(chunk, first + rows - m0);
      for (let m = 0; m < n; m++) {
        mem.set(j.x.subarray((m0 + m) * I, (m0 + m + 1) * I), oXs + m * Ip);
        mem.set(j.hPrev.subarray((m0 + m) * H, (m0 + m + 1) * H), oVin + m * G);
      }
      ex.gemm(oXs * 4, n, oW * 4, 3 * G, Ip, oXp * 4, 3 * G);
      ex.gemm(oVin * 4, n, oR * 4, (j.lbr ? 3 : 2) * G, G, oHp * 4, 3 * G);
      for (let m = 0; m < n; m++) ex.stepRZ((oXp + m * 3 * G) * 4, (oHp + m * 3 * G) * 4, oBW * 4, oBR * 4, (oVin + m * G) * 4, (oGr + m * G) * 4, (oGz + m * G) * 4, (oVin2 + m * G) * 4, G);
      if (!j.lbr) ex.gemm(oVin2 * 4, n, (oR + 2 * G * G) * 4, G, G, (oHp + 2 * G) * 4, 3 * G);
      for (let m = 0; m < n; m++) ex.stepNH((oXp + m * 3 * G) * 4, (oHp + m * 3 * G) * 4, oBW * 4, oBR * 4, (oVin + m * G) * 4, (oGr + m * G) * 4, (oGz + m * G) * 4, (oGn + m * G) * 4, (oGh + m * G) * 4, G, j.lbr, j.takeNew);
      const view = new Float32Array(ex.memory.buffer);
      for (let k = 0; k < 4; k++) {
        for (let m = 0; m < n; m++) j.out[k]!.set(view.subarray(gates[k]! + m * G, gates[k]! + m * G + H), (m0 + m) * H);
      }
    }
  };
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  let seen = Atomics.load(ctrl, GEN);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, GEN) === seen && spins < SPIN) spins++;
    if (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen);
    const gen = Atomics.load(ctrl, GEN);
    if (gen === seen) continue;
    seen = gen;
    const op = Atomics.load(ctrl, OP);
    if (op === OP_EXIT) return;
    if (op === OP_LOAD) load();
    else if (op === OP_MATVEC || op === OP_MATVEC2) matvec();
    else if (op === OP_RECOVER) recover();
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}

/** A pool of helper threads and the kernel / recovery that use them. Close it when done (the helpers do not keep the process alive). */
export class GruThreadPool {
  /** Compute threads, the caller included. */
  readonly threads: number;
  private readonly ctrl: Int32Array;
  private readonly helpers: { worker: Worker; port: MessagePort }[] = [];
  private closed = false;

  constructor(threads?: number) {
    this.threads = resolveThreadCount(threads);
    const module = wasmKernelModule();
    if (!module) throw new Error(`threads need the WebAssembly SIMD kernel, which is not available here (${wasmKernelError()}); run with threads 1`);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (PARAMS + 2 * this.threads)));
    const source = `const __name = (f) => f;\n(${helperMain.toString()})();`;
    for (let index = 0; index < this.threads - 1; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(source, { eval: true, workerData: { ctrl: this.ctrl.buffer, module, index, port: port2, c: CODES }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.helpers.push({ worker, port: port1 });
    }
    // Helpers boot on their own threads; wait (bounded) until all have started.
    const deadline = Date.now() + 30000;
    while (Atomics.load(this.ctrl, READY) < this.helpers.length) {
      if (Date.now() > deadline) {
        this.close();
        throw new Error('the GRU helper threads did not start within 30 s; run with threads 1');
      }
      Atomics.wait(this.ctrl, READY, Atomics.load(this.ctrl, READY), 50);
    }
  }

  /** A fresh kernel for runGru's `kernel` option: WebAssembly on this thread, R·h split across the pool. */
  kernel(): ThreadedWasmKernel {
    this.check();
    return new ThreadedWasmKernel(wasmKernelModule()!, this);
  }

  /**
   * gatesFromStates split across the pool by rows (steps). Directions with Sigmoid/Tanh and no
   * clip are split; others run on this thread (the helpers carry only the fused kernel path).
   */
  recover = (...args: Parameters<typeof gatesFromStates>): ReturnType<typeof gatesFromStates> => {
    const [dir, conv, x, hPrev, batch, steps, I, H] = args;
    const M = batch * steps;
    const fused = dir.f.name === 'Sigmoid' && dir.g.name === 'Tanh' && conv.clip === undefined;
    if (!fused || this.helpers.length === 0 || M < 2 * this.threads) return gatesFromStates(dir, conv, x, hPrev, batch, steps, I, H, 'wasm');
    this.check();
    // The caller's block first (rows [0, own)), then one block per helper.
    const per = Math.ceil(M / this.threads);
    const own = Math.min(per, M);
    const sx = sharedCopy(x);
    const sh = sharedCopy(hPrev);
    const out = [0, 1, 2, 3].map(() => new Float32Array(new SharedArrayBuffer(M * H * 4)));
    const job = { W: dir.weights.W, R: dir.weights.R, bW: dir.weights.bW, bR: dir.weights.bR, x: sx, hPrev: sh, out, I, H, lbr: conv.linearBeforeReset ? 1 : 0, takeNew: conv.zMeaning === 'take-new' ? 1 : 0, chunk: 256 };
    this.helpers.forEach((h, i) => {
      const first = Math.min(M, own + i * per);
      this.ctrl[PARAMS + 2 * i] = first;
      this.ctrl[PARAMS + 2 * i + 1] = Math.min(per, M - first);
      h.port.postMessage(job);
    });
    this.start(OP_RECOVER);
    const mine = gatesFromStates(dir, conv, x.subarray(0, own * I), hPrev.subarray(0, own * H), 1, own, I, H, 'wasm');
    this.finish();
    const names = ['r', 'z', 'n', 'h'] as const;
    const result = { r: new Float32Array(M * H), z: new Float32Array(M * H), n: new Float32Array(M * H), h: new Float32Array(M * H) };
    names.forEach((k, i) => {
      result[k].set(mine[k], 0);
      result[k].set(out[i]!.subarray(own * H), own * H);
    });
    return result;
  };

  /** Stops the helpers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, OP, OP_EXIT);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const h of this.helpers) {
      h.port.close();
      void h.worker.terminate();
    }
  }

  /** @internal Helpers in the pool. */
  get helperCount(): number {
    return this.helpers.length;
  }

  /** @internal Per-helper parameters. */
  setParams(i: number, a: number, b: number): void {
    this.ctrl[PARAMS + 2 * i] = a;
    this.ctrl[PARAMS + 2 * i + 1] = b;
  }

  /** @internal Sends a message each helper reads synchronously at the next job. */
  post(message: unknown): void {
    for (const h of this.helpers) h.port.postMessage(message);
  }

  /** @internal Starts a job on every helper. */
  start(op: number): void {
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.store(this.ctrl, OP, op);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
  }

  /** @internal Waits until every helper has finished the job (spinning first, as the helpers do). */
  finish(): void {
    const n = this.helpers.length;
    let spins = 0;
    while (Atomics.load(this.ctrl, DONE) < n) {
      if (++spins < SPIN) continue;
      const d = Atomics.load(this.ctrl, DONE);
      if (d < n) Atomics.wait(this.ctrl, DONE, d, 1000);
    }
  }

  private check(): void {
    if (this.closed) throw new Error('the GRU thread pool was closed');
  }
}

function sharedCopy(a: Float32Array): Float32Array {
  const s = new Float32Array(new SharedArrayBuffer(a.length * 4));
  s.set(a);
  return s;
}

/** The WebAssembly kernel with each single-vector R product split by rows across the pool. */
export class ThreadedWasmKernel extends WasmKernel {
  private shared: { R: Float32Array; vec: Float32Array; out: Float32Array; NR: number; Gr: number } | undefined;
  /** Row blocks per thread for the last split, [from, count] per thread (thread 0 = caller). */
  private split = { total: -1, first: -1, parts: [] as [number, number][] };

  constructor(module: WebAssembly.Module, private readonly pool: GruThreadPool) {
    super(module);
  }

  get threads(): number {
    return this.pool.threads;
  }

  override load(W: Float32Array, R: Float32Array, inputSize: number, hiddenSize: number, chunk: number, blocks = 3, recurrentSize = hiddenSize): void {
    super.load(W, R, inputSize, hiddenSize, chunk, blocks, recurrentSize);
    if (this.pool.helperCount === 0) return;
    const padded = this.loadedR();
    const NR = this.blocks * this.G;
    const s = this.shared;
    if (!s || s.R.length < padded.length || s.vec.length < this.Gr || s.out.length < NR || s.Gr !== this.Gr || s.NR !== NR) {
      this.shared = { R: new Float32Array(new SharedArrayBuffer(padded.length * 4)), vec: new Float32Array(new SharedArrayBuffer(this.Gr * 4)), out: new Float32Array(new SharedArrayBuffer(NR * 4)), NR, Gr: this.Gr };
      this.pool.post(this.shared);
    }
    this.shared!.R.set(padded);
    this.split.total = -1;
    this.pool.start(OP_LOAD);
    this.pool.finish();
  }

  override projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void {
    const s = this.shared;
    if (rows !== 1 || !s) {
      super.projectV(useVin2, rows, block0, nBlocks);
      return;
    }
    const first = block0 * this.G;
    const total = nBlocks * this.G;
    const parts = this.parts(first, total);
    s.vec.set(useVin2 ? this.vin2.subarray(0, this.Gr) : this.vin.subarray(0, this.Gr));
    for (let i = 1; i < parts.length; i++) this.pool.setParams(i - 1, parts[i]![0], parts[i]![1]);
    this.pool.start(useVin2 ? OP_MATVEC2 : OP_MATVEC);
    this.projectRows(useVin2, parts[0]![0], parts[0]![1]);
    this.pool.finish();
    const hp = this.hp;
    for (let i = 1; i < parts.length; i++) {
      const [from, count] = parts[i]!;
      for (let k = from; k < from + count; k++) hp[k] = s.out[k]!;
    }
  }

  /** Rows [first, first + total) in blocks of multiples of 4 rows, one per thread (some may be empty). */
  private parts(first: number, total: number): [number, number][] {
    const sp = this.split;
    if (sp.first === first && sp.total === total) return sp.parts;
    const n = this.pool.threads;
    const per = Math.ceil(total / n / 4) * 4;
    sp.parts = [];
    for (let i = 0; i < n; i++) {
      const from = Math.min(total, i * per);
      sp.parts.push([first + from, Math.min(per, total - from)]);
    }
    sp.first = first;
    sp.total = total;
    return sp.parts;
  }
}
