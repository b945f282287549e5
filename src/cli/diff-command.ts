// `gatescope diff A B`: compares two runs (two traces, or two ONNX models on one input) gate by gate,
// prints a table and, as the last stdout line, the JSON verdict. Exit status: 0 within the tolerance,
// 1 past it, 2 for anything that stops the comparison (so that CI never reads a failure as a verdict).

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { alignRuns, type LayerPair } from '../core/compare/align';
import { compareRuns } from '../core/compare/compare-runs';
import { CompareError } from '../core/compare/errors';
import { alignUnits, permuteUnits } from '../core/compare/unit-alignment';
import type { TraceCompare } from '../core/trace/document';
import { DEFAULT_MAX_BYTES, encodeTrace, type TraceInput, type TraceLayerInput } from '../core/trace/encode';
import { TraceFormatError, TraceSizeError } from '../core/trace/errors';
import { SidecarError } from '../core/trace/sidecar';
import { ExportError } from '../core/trace/export-gates';
import { VERSION } from '../core/version';
import { OnnxTraceError } from '../onnx/errors';
import { writeSidecarFile } from '../node/sidecar-file';
import { UsageError } from './args';
import { parseDiffArgs, type DiffArgs } from './diff-args';
import { loadModelRun, loadTraceRun, runShape, type LoadedRun } from './diff-runs';
import { diffTable, summaryJson, verdictLine } from './diff-table';
import { CliError } from './errors';

export async function diffCommand(argv: readonly string[], log: (line: string) => void): Promise<number> {
  try {
    return await diff(parseDiffArgs(argv), log);
  } catch (e) {
    // Exit status 1 means "past the tolerance": every failure is 2.
    if (e instanceof CliError || e instanceof UsageError) throw new CliError(e.message, 2, e.cause ?? e);
    if (e instanceof CompareError || e instanceof TraceFormatError || e instanceof SidecarError || e instanceof ExportError || e instanceof TraceSizeError) throw new CliError(e.message, 2, e);
    if (e instanceof OnnxTraceError) throw new CliError(e.message, 2, e);
    throw new CliError(`internal error: ${(e as Error)?.message ?? String(e)} (run with --verbose and report it)`, 2, e);
  }
}

function label(file: string, inputs: DiffArgs['inputs'], other: DiffArgs['inputs']): string {
  const same = inputs.length === other.length && inputs.every((x, i) => x.file === other[i]!.file && x.name === other[i]!.name);
  return same ? path.basename(file) : `${path.basename(file)} on ${inputs.map((x) => path.basename(x.file)).join(', ')}`;
}

async function diff(args: DiffArgs, log: (line: string) => void): Promise<number> {
  const within = (f: string, p: Promise<LoadedRun>) =>
    p.catch((e: unknown) => {
      if (e instanceof OnnxTraceError) throw new CliError(`${f}: ${e.message}`, 2, e);
      throw e;
    });
  const inputsB = args.inputsB.length ? args.inputsB : args.inputs;
  const a = await within(args.a, args.kind === 'models' ? loadModelRun(args.a, args.inputs) : loadTraceRun(args.a));
  const b = await within(args.b, args.kind === 'models' ? loadModelRun(args.b, inputsB) : loadTraceRun(args.b));
  const labels = args.kind === 'models' ? { a: label(args.a, args.inputs, inputsB), b: label(args.b, inputsB, args.inputs) } : { a: path.basename(args.a), b: path.basename(args.b) };
  const pairs = alignRuns(runShape(a.input), runShape(b.input), { a: args.a, b: args.b });

  for (const [run, name] of [
    [a, args.a],
    [b, args.b],
  ] as const) {
    if (run.storageError > args.tolerance) {
      log(`gatescope: note: ${name} stores gates as ${[...run.dtypes].join('/')} (values off by up to ${run.storageError.toExponential(2)}), more than the tolerance ${args.tolerance}; differences that small may be storage, not the model (trace with --precision float32)`);
    }
  }

  // b's layer entries, reordered to a's units when asked.
  const bLayers = b.input.layers.map((l) => l);
  const unitAlignment: NonNullable<TraceCompare['unitAlignment']> = [];
  if (args.alignUnits) {
    for (const p of pairs) {
      const la = a.input.layers[p.a]!;
      const lb = b.input.layers[p.b]!;
      const off = p.gates.find((g) => g.units !== lb.hiddenSize);
      if (off) throw new CliError(`--align-units: layer ${p.layer} ${p.direction} gate ${off.name} has ${off.units} units, not the layer's ${lb.hiddenSize} (a projected LSTM); compare it without --align-units`, 2);
      const dims = { batch: a.input.batch, steps: a.input.steps, units: lb.hiddenSize };
      const { permutation } = alignUnits(la.gates['h']!, lb.gates['h']!, dims, a.input.sequenceLengths);
      const gates: Record<string, Float32Array> = {};
      for (const [g, v] of Object.entries(lb.gates)) gates[g] = permuteUnits(v, permutation, lb.hiddenSize);
      bLayers[p.b] = { ...lb, gates };
      unitAlignment.push({ layer: p.layer, direction: p.direction, permutation });
    }
  }

  const values = (p: LayerPair, gate: string, run: 'a' | 'b') => (run === 'a' ? a.input.layers[p.a]! : bLayers[p.b]!).gates[gate]!;
  const { stats, summary } = compareRuns(pairs, values, a.input, args.tolerance);

  if (args.out) await writeComparison(args, a.input, bLayers, pairs, { a: { label: labels.a }, b: { label: labels.b }, tolerance: args.tolerance, stats, ...(unitAlignment.length ? { unitAlignment } : {}) }, log);

  const out: string[] = [`A: ${labels.a}   B: ${labels.b}   tolerance ${args.tolerance}`];
  for (const u of unitAlignment) out.push(`units of B aligned to A, layer ${u.layer} ${u.direction}: A unit u shows B unit [${u.permutation.join(', ')}][u]`);
  out.push(diffTable(stats), verdictLine(summary, args.tolerance), summaryJson(summary));
  process.stdout.write(`${out.join('\n')}\n`);
  return summary.maxAbsDiff <= args.tolerance ? 0 : 1;
}

/** --out: one version-2 document with run a's entries, run b's tagged run "b", and `compare`. */
async function writeComparison(args: DiffArgs, a: TraceInput, bLayers: readonly TraceLayerInput[], pairs: readonly LayerPair[], compare: TraceCompare, log: (line: string) => void): Promise<void> {
  const file = args.out!;
  const layers: TraceLayerInput[] = [...pairs.map((p) => ({ ...a.layers[p.a]!, run: 'a' as const })), ...pairs.map((p) => ({ ...bLayers[p.b]!, run: 'b' as const }))];
  const input: TraceInput = {
    model: { ...a.model, name: `${compare.a.label} vs ${compare.b.label}` },
    layers,
    batch: a.batch,
    steps: a.steps,
    producer: `gatescope ${VERSION} (cli diff)`,
    createdAt: new Date().toISOString(),
    compare,
  };
  if (a.tokens) input.tokens = a.tokens;
  if (a.sequenceLengths) input.sequenceLengths = a.sequenceLengths;
  const dir = path.dirname(path.resolve(file));
  const { document: doc, sidecar } = encodeTrace(input, { precision: 'float32', maxBytes: DEFAULT_MAX_BYTES, sidecar: { stem: path.basename(file).replace(/\.json$/i, '') || 'diff' } });
  if (sidecar) doc.sidecar = await writeSidecarFile(sidecar, dir);
  try {
    writeFileSync(file, JSON.stringify(doc));
  } catch (e) {
    throw new CliError(`cannot write the comparison to '${file}': ${(e as Error).message}; check the folder exists and is writable`, 2, e);
  }
  if (doc.sidecar) log(`gatescope: full detail (${doc.sidecar.bytes} bytes) in ${path.join(dir, doc.sidecar.file)}; keep it beside ${path.basename(file)}`);
  if (args.verbose) log(`gatescope: wrote the comparison trace (runs a and b, compare section) to ${file}`);
}
