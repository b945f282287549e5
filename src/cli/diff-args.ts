// Argument parsing of `gatescope diff`. Every mistake is a UsageError with one line saying what to do.

import { UsageError, argTokens, parseInputArg, type InputArg } from './args';

export interface DiffArgs {
  a: string;
  b: string;
  /** Both .onnx: run each model on the inputs; otherwise both are trace files. */
  kind: 'traces' | 'models';
  tolerance: number;
  out?: string;
  /** Model inputs (both models, or model A when inputsB is given). */
  inputs: InputArg[];
  /** Inputs of model B, when they differ from A's (one model fed two inputs). */
  inputsB: InputArg[];
  alignUnits: boolean;
  verbose: boolean;
}

export const DEFAULT_TOLERANCE = 1e-5;
const SYNOPSIS = 'gatescope diff A.json B.json [--tolerance T] [--out DIFF.json] | gatescope diff A.onnx B.onnx --input FILE [--input-b FILE]';

const isModel = (f: string) => /\.onnx$/i.test(f);

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const positional: string[] = [];
  const inputs: InputArg[] = [];
  const inputsB: InputArg[] = [];
  let tolerance = DEFAULT_TOLERANCE;
  let out: string | undefined;
  let alignUnits = false;
  let verbose = false;
  for (const { arg, flag, takeValue } of argTokens(argv, (flag) => `${flag} needs a value; ${SYNOPSIS}`)) {
    switch (flag) {
      case '--tolerance': {
        const v = takeValue();
        const t = Number(v);
        if (v.trim() === '' || !Number.isFinite(t) || t < 0) throw new UsageError(`--tolerance is '${v}'; give a number >= 0 such as 1e-5 (the largest |A - B| still counted as agreement)`);
        tolerance = t;
        break;
      }
      case '--out':
        out = takeValue();
        break;
      case '--input':
        inputs.push(parseInputArg(takeValue()));
        break;
      case '--input-b':
        inputsB.push(parseInputArg(takeValue()));
        break;
      case '--align-units':
        alignUnits = true;
        break;
      case '--verbose':
        verbose = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}' for diff; ${SYNOPSIS}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new UsageError(`diff compares two runs, got ${positional.length} file${positional.length === 1 ? '' : 's'}${positional.length ? ` (${positional.join(', ')})` : ''}; ${SYNOPSIS}`);
  const [a, b] = positional as [string, string];
  if (isModel(a) !== isModel(b)) {
    const [model] = isModel(a) ? [a] : [b];
    throw new UsageError(`give two traces or two .onnx models, not one of each; trace the model first: gatescope trace ${model} --input FILE --out ${model.replace(/\.onnx$/i, '.json')}`);
  }
  const kind = isModel(a) ? 'models' : 'traces';
  if (kind === 'models' && inputs.length === 0) throw new UsageError(`no input given for ${a} and ${b}: add --input FILE (.npy or .json), fed to both models`);
  if (kind === 'traces' && (inputs.length > 0 || inputsB.length > 0)) throw new UsageError('--input and --input-b are for two .onnx models; traces already hold their runs');
  if (out !== undefined && !/\.json$/i.test(out)) throw new UsageError(`--out must name a .json file (the comparison trace), got '${out}'`);
  const parsed: DiffArgs = { a, b, kind, tolerance, inputs, inputsB, alignUnits, verbose };
  if (out !== undefined) parsed.out = out;
  return parsed;
}
