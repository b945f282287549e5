// `gatescope diff A B`: compares two runs (two traces, or two ONNX models on one input) gate by gate,
// prints a table and, as the last stdout line, the JSON verdict. Exit status: 0 within the tolerance,
// 1 past it, 2 for anything that stops the comparison (so that CI never reads a failure as a verdict).

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTraceInputs } from '../core/compare/comparison-trace';
import { CompareError } from '../core/compare/errors';
import { DEFAULT_MAX_BYTES, encodeTrace, type TraceInput } from '../core/trace/encode';
import { TraceFormatError, TraceSizeError } from '../core/trace/errors';
import { SidecarError } from '../core/trace/sidecar';
import { ExportError } from '../core/trace/export-gates';
import { VERSION } from '../core/version';
import { OnnxTraceError } from '../onnx/errors';
import { writeSidecarFile } from '../node/sidecar-file';
import { UsageError } from './args';
import { parseDiffArgs, type DiffArgs } from './diff-args';
import { loadModelRun, loadTraceRun, type LoadedRun } from './diff-runs';
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

  const result = compareTraceInputs(a.input, b.input, {
    labels,
    names: { a: args.a, b: args.b },
    tolerance: args.tolerance,
    alignUnits: args.alignUnits,
    producer: `gatescope ${VERSION} (cli diff)`,
    createdAt: new Date().toISOString(),
  });
  for (const [run, name] of [
    [a, args.a],
    [b, args.b],
  ] as const) {
    if (run.storageError > args.tolerance) {
      log(`gatescope: note: ${name} stores gates as ${[...run.dtypes].join('/')} (values off by up to ${run.storageError.toExponential(2)}), more than the tolerance ${args.tolerance}; differences that small may be storage, not the model (trace with --precision float32)`);
    }
  }
  const { stats, summary, unitAlignment } = result;
  if (args.out) await writeComparison(args.out, result.input, args.verbose, log);

  const out: string[] = [`A: ${labels.a}   B: ${labels.b}   tolerance ${args.tolerance}`];
  for (const u of unitAlignment) out.push(`units of B matched to A by correlation of h, layer ${u.layer} ${u.direction}: A unit u shows B unit [${u.permutation.join(', ')}][u]`);
  out.push(diffTable(stats), verdictLine(summary, args.tolerance), summaryJson(summary));
  process.stdout.write(`${out.join('\n')}\n`);
  return summary.maxAbsDiff <= args.tolerance ? 0 : 1;
}

/** --out: the comparison trace (run a's entries, run b's tagged "b", and `compare`), with a sidecar beside it when large. */
async function writeComparison(file: string, input: TraceInput, verbose: boolean, log: (line: string) => void): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const { document: doc, sidecar } = encodeTrace(input, { precision: 'float32', maxBytes: DEFAULT_MAX_BYTES, sidecar: { stem: path.basename(file).replace(/\.json$/i, '') || 'diff' } });
  if (sidecar) doc.sidecar = await writeSidecarFile(sidecar, dir);
  try {
    writeFileSync(file, JSON.stringify(doc));
  } catch (e) {
    throw new CliError(`cannot write the comparison to '${file}': ${(e as Error).message}; check the folder exists and is writable`, 2, e);
  }
  if (doc.sidecar) log(`gatescope: full detail (${doc.sidecar.bytes} bytes) in ${path.join(dir, doc.sidecar.file)}; keep it beside ${path.basename(file)}`);
  if (verbose) log(`gatescope: wrote the comparison trace (runs a and b, compare section) to ${file}`);
}
