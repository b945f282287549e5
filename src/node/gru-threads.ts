// Every core for the native engine (Node only): a pool of worker threads that splits each step's
// recurrent product R·h by rows. The calling thread keeps its own WebAssembly kernel (W·x, the
// elementwise gate math, its own share of R·h); each helper thread holds a copy of R in its own
// instance of the same compiled module and computes its rows of R·h on every step.
//
// Hand-off per step, through SharedArrayBuffers and Atomics (no messages, no event loop, so the
// run stays synchronous and runGru needs no change): the caller writes h_{t-1} into `vec`, publishes
// the step's row chunks and wakes the helpers. Each thread (caller included) owns a contiguous run
// of chunks (its share of R stays in its own cache from step to step) and claims them one by one
// with compareExchange; a thread that runs out of its own chunks claims another's. So a helper that
// the OS has not scheduled (this machine is shared: 2 cores, often 10+ runnable processes) costs a
// step nothing beyond its chunks being done by the others, instead of stalling the step at a
// barrier. Helpers write their rows into `out`; the caller waits until every chunk is complete and
// copies the helpers' rows into its hp. A helper spins briefly before sleeping in Atomics.wait,
// since a step takes ~100 µs-1 ms and a sleep/wake costs tens of µs.
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
const READY = 3; // helpers started
const PARAMS = 8; // per helper, recovery: first row and row count
const OP_LOAD = 1;
const OP_MATVEC = 2;
const OP_MATVEC2 = 3; // same, source vector vin2 (only the caller distinguishes; helpers read vec)
const OP_RECOVER = 4;
const OP_EXIT = 9;
const SPIN = 20000;
// Chunk claims (Int32Array `claims`): a seqlock around the step's parameters, then per thread
// (caller = 0) its claim counter and the counter values its own chunks span, and its first chunk.
// Counters only grow, so a claim left over from an earlier step can never match a later one.
const SEQ = 0;
const FIRST = 1; // first row of the product
const TOTAL = 2; // rows
const CS = 3; // rows per chunk (multiple of 4)
const COMPLETED = 4; // chunks finished in this step
const PER = 8; // thread t: CNT at PER + 4t, BASE + 1, END + 2, HOME + 3
const CHUNK_ROWS = 32;
/** The same numbers for the helper program, which cannot see this module's scope. */
const CODES = { PARAMS, GEN, DONE, READY, OP_LOAD, OP_MATVEC, OP_MATVEC2, OP_RECOVER, OP_EXIT, SPIN, SEQ, FIRST, TOTAL, CS, COMPLETED, PER };

/**
 * The helper thread's program, run with `eval` so that it needs no separate bundle entry. It must
 * stay self-contained (no imports, no closures over this module); `__name` is defined in case the
 * TypeScript loader adds name-keeping calls to nested functions.
 */
function helperMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const { ctrl: ctrlBuf, claims: claimsBuf, threads, module, index, port, c, hold } = wt.workerData as { ctrl: SharedArrayBuffer; claims: SharedArrayBuffer; threads: number; module: WebAssembly.Module; index: number; port: MessagePort; c: typeof CODES; hold: boolean };
  const { PARAMS, GEN, DONE, READY, OP_LOAD, OP_MATVEC, OP_MATVEC2, OP_RECOVER, OP_EXIT, SPIN, SEQ, FIRST, TOTAL, CS, COMPLETED, PER } = c;
  const ctrl = new Int32Array(ctrlBuf);
  const claims = new Int32Array(claimsBuf);
  const me = index + 1;
  const params = new Int32Array(4 + 3 * threads);
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
  // Reads the step's parameters under the seqlock: [first, total, cs, -, (base, end, home) per thread].
  const readParams = (): boolean => {
    for (let tries = 0; tries < 1000; tries++) {
      const s1 = Atomics.load(claims, SEQ);
      if (s1 & 1) continue;
      params[0] = Atomics.load(claims, FIRST);
      params[1] = Atomics.load(claims, TOTAL);
      params[2] = Atomics.load(claims, CS);
      for (let t = 0; t < threads; t++) {
        params[4 + 3 * t] = Atomics.load(claims, PER + 4 * t + 1);
        params[5 + 3 * t] = Atomics.load(claims, PER + 4 * t + 2);
        params[6 + 3 * t] = Atomics.load(claims, PER + 4 * t + 3);
      }
      if (Atomics.load(claims, SEQ) === s1) return true;
    }
    return false;
  };
  const matvec = (): void => {
    const s = shared!;
    if (!readParams()) return;
    const first = params[0]!, total = params[1]!, cs = params[2]!;
    let copied = false;
    for (let k = 0; k < threads; k++) {
      const t = (me + k) % threads;
      const end = params[5 + 3 * t]!;
      for (;;) {
        const cur = Atomics.load(claims, PER + 4 * t);
        if (cur >= end) break;
        if (Atomics.compareExchange(claims, PER + 4 * t, cur, cur + 1) !== cur) continue;
        const chunk = params[6 + 3 * t]! + cur - params[4 + 3 * t]!;
        const from = first + chunk * cs;
        const count = Math.min(cs, first + total - from);
        const mem = new Float32Array(ex.memory.buffer);
        if (!copied) {
          mem.set(s.vec, at.vec / 4);
          copied = true;
        }
        ex.matvec(at.R + from * s.Gr * 4, count, s.Gr, at.vec, at.out + from * 4);
        s.out.set(mem.subarray(at.out / 4 + from, at.out / 4 + from + count), from);
        Atomics.add(claims, COMPLETED, 1);
      }
    }
    Atomics.notify(claims, COMPLETED);
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
  // The generation is read before the helper says it is ready: the caller starts its first job
  // as soon as every helper is ready, so a generation read after that could already be the job's,
  // which the helper would then wait past forever (and the caller for it).
  let seen = Atomics.load(ctrl, GEN);
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  // Test hook (holdAfterReady): stay here until the caller has started its first job, as a helper
  // the OS does not schedule right after it said ready would.
  if (hold) while (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen, 10);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, GEN) === seen && spins < SPIN) spins++;
    if (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen);
    const gen = Atomics.load(ctrl, GEN);
    if (gen === seen) continue;
    seen = gen;
    // The operation travels in the low 4 bits of the generation word, so it is read with it.
    const op = gen & 15;
    if (op === OP_EXIT) return;
    if (op === OP_MATVEC || op === OP_MATVEC2) {
      matvec(); // the caller waits for chunks, not for helpers
      continue;
    }
    if (op === OP_LOAD) load();
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
  /** @internal Chunk claims of the current step (see CHUNK_ROWS). */
  readonly claims: Int32Array;
  private readonly helpers: { worker: Worker; port: MessagePort }[] = [];
  private closed = false;

  /** `test.holdAfterReady`: each helper pauses right after it reports ready, until the first job starts (tests only). */
  constructor(threads?: number, test?: { holdAfterReady?: boolean }) {
    this.threads = resolveThreadCount(threads);
    const module = wasmKernelModule();
    if (!module) throw new Error(`threads need the WebAssembly SIMD kernel, which is not available here (${wasmKernelError()}); run with threads 1`);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (PARAMS + 2 * this.threads)));
    this.claims = new Int32Array(new SharedArrayBuffer(4 * (PER + 4 * this.threads)));
    const source = `const __name = (f) => f;\n(${helperMain.toString()})();`;
    for (let index = 0; index < this.threads - 1; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(source, { eval: true, workerData: { ctrl: this.ctrl.buffer, claims: this.claims.buffer, threads: this.threads, module, index, port: port2, c: CODES, hold: test?.holdAfterReady === true }, transferList: [port2] });
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
    this.start(OP_EXIT);
    for (const h of this.helpers) {
      h.port.close();
      void h.worker.terminate();
    }
  }

  /** @internal Helpers in the pool. */
  get helperCount(): number {
    return this.helpers.length;
  }

  /** @internal Sends a message each helper reads synchronously at the next job. */
  post(message: unknown): void {
    for (const h of this.helpers) h.port.postMessage(message);
  }

  /** @internal Starts a job on every helper. */
  start(op: number): void {
    Atomics.store(this.ctrl, DONE, 0);
    const next = (((Atomics.load(this.ctrl, GEN) >>> 4) + 1) & 0x7ffffff) << 4;
    Atomics.store(this.ctrl, GEN, next | op);
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
  /** Chunks the caller computed itself in the current step. */
  private mine = new Uint8Array(0);

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
    this.pool.start(OP_LOAD);
    this.pool.finish();
  }

  override projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void {
    const s = this.shared;
    if (rows !== 1 || !s) {
      super.projectV(useVin2, rows, block0, nBlocks);
      return;
    }
    const c = this.pool.claims;
    const n = this.pool.threads;
    const first = block0 * this.G;
    const total = nBlocks * this.G;
    const chunks = Math.ceil(total / CHUNK_ROWS);
    s.vec.set(useVin2 ? this.vin2.subarray(0, this.Gr) : this.vin.subarray(0, this.Gr));
    // Publish the step under the seqlock: every chunk of the previous step is complete, so no
    // helper can be claiming; counters continue from where they stand.
    Atomics.add(c, SEQ, 1);
    Atomics.store(c, FIRST, first);
    Atomics.store(c, TOTAL, total);
    Atomics.store(c, CS, CHUNK_ROWS);
    Atomics.store(c, COMPLETED, 0);
    const per = Math.ceil(chunks / n);
    for (let t = 0; t < n; t++) {
      const home = Math.min(chunks, t * per);
      const cnt = Atomics.load(c, PER + 4 * t);
      Atomics.store(c, PER + 4 * t + 1, cnt);
      Atomics.store(c, PER + 4 * t + 2, cnt + Math.min(per, chunks - home));
      Atomics.store(c, PER + 4 * t + 3, home);
    }
    Atomics.add(c, SEQ, 1);
    this.pool.start(useVin2 ? OP_MATVEC2 : OP_MATVEC);
    const mine = this.mine.length >= chunks ? this.mine : (this.mine = new Uint8Array(chunks));
    mine.fill(0, 0, chunks);
    for (let k = 0; k < n; k++) {
      const end = Atomics.load(c, PER + 4 * k + 2);
      for (;;) {
        const cur = Atomics.load(c, PER + 4 * k);
        if (cur >= end) break;
        if (Atomics.compareExchange(c, PER + 4 * k, cur, cur + 1) !== cur) continue;
        const chunk = Atomics.load(c, PER + 4 * k + 3) + cur - Atomics.load(c, PER + 4 * k + 1);
        const from = first + chunk * CHUNK_ROWS;
        this.projectRows(useVin2, from, Math.min(CHUNK_ROWS, first + total - from));
        mine[chunk] = 1;
        Atomics.add(c, COMPLETED, 1);
      }
    }
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, COMPLETED);
      if (done >= chunks) break;
      if (++spins > SPIN) Atomics.wait(c, COMPLETED, done, 1000);
    }
    const hp = this.hp;
    for (let chunk = 0; chunk < chunks; chunk++) {
      if (mine[chunk]) continue;
      const from = first + chunk * CHUNK_ROWS;
      const to = Math.min(from + CHUNK_ROWS, first + total);
      for (let k = from; k < to; k++) hp[k] = s.out[k]!;
    }
  }
}
