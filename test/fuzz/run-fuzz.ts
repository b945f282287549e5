// `npm run fuzz [-- --seed N] [--count N] [--only npy|json|onnx|trace] [--cli N] [--keep DIR]`:
// the fuzz suite's long run. On top of the verdicts of targets.ts it checks every accepted input
// against a real implementation: each accepted .npy against numpy (Debian's /usr/bin/python3),
// each accepted ONNX run whose graph output is the GRU's Y against onnxruntime-node, and a sample
// of every parser's cases through the built CLI, spawned (one 'gatescope: ' line, never an
// internal error). Prints counts per parser and the number of findings; exits 1 when there is any.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { InputTensor } from '../../src/core/io/tensor';
import type { TraceInput } from '../../src/core/trace/encode';
import { fuzz, TARGETS, Y_OUTPUT_MODELS, type JsonCase, type OnnxCase, type Outcome, type TargetName } from './targets';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/onnx');

interface Options {
  seed: number;
  count: number;
  only?: TargetName;
  cli: number;
  keep?: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { seed: 1, count: 1000, cli: 20 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    const num = (): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i]} needs a non-negative integer`);
      i++;
      return n;
    };
    if (argv[i] === '--seed') o.seed = num();
    else if (argv[i] === '--count') o.count = num();
    else if (argv[i] === '--cli') o.cli = num();
    else if (argv[i] === '--only' && v && v in TARGETS) {
      o.only = v as TargetName;
      i++;
    } else if (argv[i] === '--keep' && v) {
      o.keep = v;
      i++;
    } else throw new Error(`unknown option ${argv[i]}; use --seed N, --count N, --only npy|json|onnx|trace, --cli N, --keep DIR`);
  }
  return o;
}

/** SHA-256 of the values as numpy_check.py digests them. */
function digest(t: InputTensor): string {
  let bytes: Uint8Array;
  if (t.dtype === 'float32') {
    const f = Float32Array.from(t.data as Float32Array, (v) => (Number.isNaN(v) ? Number.NaN : v));
    const u = new Uint32Array(f.buffer);
    for (let i = 0; i < f.length; i++) if (Number.isNaN(f[i]!)) u[i] = 0x7fc00000;
    bytes = new Uint8Array(f.buffer);
  } else bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Accepted .npy cases against numpy, in one Python process. */
function checkWithNumpy(accepted: { index: number; bytes: Uint8Array; tensor: InputTensor }[], work: string): string[] {
  const dir = path.join(work, 'npy');
  mkdirSync(dir, { recursive: true });
  for (const a of accepted) writeFileSync(path.join(dir, `${a.index}.npy`), a.bytes);
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'numpy_check.py'), dir], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) return [`numpy check failed to run: ${r.stderr.slice(0, 300)}`];
  const rows = new Map<number, { ok: boolean; shape?: number[]; sha?: string | null; error?: string }>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const row = JSON.parse(line);
    rows.set(Number.parseInt(row.file, 10), row);
  }
  const findings: string[] = [];
  for (const a of accepted) {
    const row = rows.get(a.index);
    if (!row) findings.push(`npy #${a.index}: numpy printed nothing for it`);
    else if (!row.ok) findings.push(`npy #${a.index}: accepted, but numpy refuses it (${row.error})`);
    else if (row.shape!.join() !== a.tensor.shape.join()) findings.push(`npy #${a.index}: shape (${a.tensor.shape.join(', ')}), numpy (${row.shape!.join(', ')})`);
    else if (row.sha !== digest(a.tensor)) findings.push(`npy #${a.index}: values differ from numpy's`);
  }
  return findings;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ortNode = require('onnxruntime-node') as typeof import('onnxruntime-node');

/** An accepted run of a model whose graph output is the GRU's Y, against onnxruntime-node's Y. */
async function checkWithOrtNode(c: OnnxCase, input: TraceInput): Promise<string | undefined> {
  let Y: { dims: readonly number[]; data: Float32Array };
  try {
    const session = await ortNode.InferenceSession.create(c.model, { logSeverityLevel: 4 });
    if (!session.outputNames.includes('Y')) return undefined;
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
    for (const [name, t] of Object.entries(c.inputs)) feeds[name] = new ortNode.Tensor(t.dtype, t.data, t.dims);
    const out = await session.run(feeds, ['Y'], { logSeverityLevel: 4 });
    Y = { dims: out['Y']!.dims, data: out['Y']!.data as Float32Array };
    await session.release();
  } catch (e) {
    return `accepted, but onnxruntime-node refuses the model: ${String((e as Error).message).split('\n')[0]!.slice(0, 200)}`;
  }
  const [T, D, B, H] = Y.dims as [number, number, number, number];
  if (input.layers.length !== D || input.steps !== T || input.batch !== B) return `trace [entries ${input.layers.length}, T ${input.steps}, B ${input.batch}], onnxruntime-node Y dims [${Y.dims.join(', ')}]`;
  // NaN in h where onnxruntime's Y is finite is the documented NaN case (onnxruntime's kernel clamps
  // activation inputs); it passes only when the trace carries the warning that says so.
  const nanDeclared = (input.warnings ?? []).some((w) => /NaN reached the gates/.test(w));
  let worst = 0;
  input.layers.forEach((l, d) => {
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < H; i++) {
          const y = Y.data[((t * D + d) * B + b) * H + i]!;
          const h = l.gates['h']![(b * T + t) * H + i]!;
          if (h === y || (Number.isNaN(y) && Number.isNaN(h))) continue;
          if (Number.isNaN(h) && nanDeclared) continue;
          const e = Math.abs(h - y) / Math.max(1, Math.abs(y));
          if (!(e <= worst)) worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
        }
      }
    }
  });
  return worst <= 1e-3 ? undefined : `h differs from onnxruntime-node's Y by ${worst.toExponential(2)} (scaled)`;
}

/** Bundles the CLI like esbuild.js does, into `dir`/dist. */
async function buildCli(dir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { plugins, define } = require('../../scripts/esbuild-plugins.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ORT_RUNTIME_FILES } = require('../../scripts/ort-files.js') as { ORT_RUNTIME_FILES: string[] };
  const main = path.join(dir, 'dist', 'cli', 'main.js');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: main, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', plugins, define, logLevel: 'silent' });
  mkdirSync(path.join(dir, 'dist', 'ort'));
  for (const f of ORT_RUNTIME_FILES) copyFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist', f), path.join(dir, 'dist', 'ort', f));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  return main;
}

/** One spawned CLI run: exit 0 with a trace on stdout, or one 'gatescope: ' line and exit 1 or 2. */
function cliVerdict(main: string, args: string[], cwd: string): string | undefined {
  const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', timeout: 60000, maxBuffer: 256 * 2 ** 20 });
  if (r.error) return `CLI did not finish: ${r.error.message}`;
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  if (r.status === 0) {
    const stray = lines.filter((l) => !l.startsWith('gatescope: warning: '));
    if (stray.length) return `exit 0 with other stderr lines: ${JSON.stringify(stray[0]!.slice(0, 200))}`;
    try {
      JSON.parse(r.stdout);
    } catch {
      return 'exit 0 without a JSON trace on stdout';
    }
    return undefined;
  }
  if (r.status !== 1 && r.status !== 2) return `exit status ${r.status} (signal ${r.signal}); stderr ${JSON.stringify(r.stderr.slice(0, 200))}`;
  if (lines.length !== 1 || !lines[0]!.startsWith('gatescope: ')) return `expected one 'gatescope: ' line, got ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (/internal error/.test(lines[0]!)) return lines[0]!.slice(0, 300);
  return undefined;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const work = mkdtempSync(path.join(tmpdir(), 'gatescope-fuzz-'));
  const names = o.only ? [o.only] : (['npy', 'json', 'onnx', 'trace'] as TargetName[]);
  let total = 0;
  const cliCases: { name: TargetName; index: number; args: string[] }[] = [];
  const report = (name: string, text: string) => process.stdout.write(`  ${name.padEnd(6)} ${text}\n`);
  process.stdout.write(`gatescope fuzz: seed ${o.seed}, ${o.count} inputs per parser\n`);
  try {
    for (const name of names) {
      const extraFindings: string[] = [];
      const npyAccepted: { index: number; bytes: Uint8Array; tensor: InputTensor }[] = [];
      let ortChecked = 0;
      let index = 0;
      const extra = async (c: unknown, out: Outcome): Promise<void> => {
        const i = index++;
        if (name === 'npy' && out.accepted) npyAccepted.push({ index: i, bytes: c as Uint8Array, tensor: out.result as InputTensor });
        if (name === 'onnx' && out.accepted && Y_OUTPUT_MODELS.includes((c as OnnxCase).seed)) {
          const f = await checkWithOrtNode(c as OnnxCase, out.result as TraceInput);
          ortChecked++;
          if (f) extraFindings.push(`onnx #${i}: ${f}`);
        }
        if (i < o.cli && name !== 'trace') {
          const file = path.join(work, `cli-${name}-${i}.${name === 'json' ? 'json' : name}`);
          writeFileSync(file, TARGETS[name].bytes(c as never));
          if (name === 'onnx') {
            const oc = c as OnnxCase;
            const ins = Object.entries(oc.inputs).map(([n]) => ['--input', `${n}=${path.join(FIXTURES, n === 'h0' ? `${oc.seed}.h0.npy` : `${oc.seed}.input.npy`)}`]).flat();
            cliCases.push({ name, index: i, args: ['trace', file, ...ins, '--engine', oc.engine] });
          } else {
            const model = name === 'json' && (c as JsonCase).integer ? 'tagger.onnx' : 'gru1.onnx';
            cliCases.push({ name, index: i, args: ['trace', path.join(FIXTURES, model), '--input', file] });
          }
        }
      };
      const r = await fuzz(TARGETS[name] as Parameters<typeof fuzz>[0], o.seed, o.count, Number.POSITIVE_INFINITY, extra);
      const findings = r.findings.map((f) => `${name} #${f.index}: ${f.finding}`);
      let note = '';
      if (name === 'npy') {
        const disagreed = checkWithNumpy(npyAccepted, work);
        findings.push(...disagreed);
        note = disagreed.length === 0 ? `; numpy reads all ${npyAccepted.length} accepted files to the same shape and values` : `; numpy disagrees on ${disagreed.length} of ${npyAccepted.length} accepted files`;
      }
      if (name === 'onnx') note = `; ${ortChecked} accepted runs of Y-output models compared with onnxruntime-node's Y`;
      findings.push(...extraFindings);
      report(name, `${r.runs} inputs: ${r.accepted} accepted, ${r.refused} refused${note}; ${findings.length} findings (${(r.ms / 1000).toFixed(1)} s)`);
      for (const f of findings.slice(0, 20)) process.stdout.write(`    ${f}\n`);
      if (findings.length && o.keep) {
        mkdirSync(o.keep, { recursive: true });
        for (const f of r.findings) writeFileSync(path.join(o.keep, `${name}-${f.index}.bin`), TARGETS[name].bytes(TARGETS[name].make(o.seed, f.index) as never));
      }
      total += findings.length;
    }
    if (cliCases.length) {
      const main = await buildCli(path.join(work, 'cli'));
      let cliFindings = 0;
      for (const c of cliCases) {
        const f = cliVerdict(main, c.args, work);
        if (f) {
          cliFindings++;
          process.stdout.write(`    cli ${c.name} #${c.index}: ${f}\n`);
        }
      }
      report('cli', `${cliCases.length} spawned runs of the built CLI on the first cases of each file parser; ${cliFindings} findings`);
      total += cliFindings;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${total} findings\n`);
  return total === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`fuzz: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
