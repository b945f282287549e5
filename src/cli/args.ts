// Argument parsing of `gatescope trace`. Every mistake is a UsageError with one line saying what to do.

import { SPEC_ENGINES, type SpecEngine } from '../core/spec/spec';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface InputArg {
  /** Graph input name, or undefined for a bare FILE. */
  name?: string;
  file: string;
}

export interface TraceArgs {
  model: string;
  inputs: InputArg[];
  engine: SpecEngine;
  precision: 'float32' | 'float16' | 'uint8';
  tokens?: string;
  tokensFile?: string;
  out?: string;
  /** Keep a trace that fails verification against onnxruntime's Y, with a warning in it. */
  allowMismatch: boolean;
  /** Compute threads for the GRU engine and gate recovery (undefined: available cores - 1, at least 1). */
  threads?: number;
  verbose: boolean;
}

const PRECISIONS = ['float32', 'float16', 'uint8'] as const;

/** NAME=FILE when the part before '=' looks like a tensor name rather than a path. */
export function parseInputArg(value: string): InputArg {
  const m = /^([^=/\\]+)=(.+)$/.exec(value);
  return m ? { name: m[1]!, file: m[2]! } : { file: value };
}

/**
 * The command line token by token (`gatescope trace` and `gatescope diff`): the token, its flag name
 * (the part before '=' in --name=value) and takeValue(), which takes the flag's value: after '=', or
 * the next token unless that is another --flag (then `missing(flag)` is the UsageError's message).
 */
export function* argTokens(argv: readonly string[], missing: (flag: string) => string): Generator<{ arg: string; flag: string; takeValue: () => string }> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(missing(flag));
      return v;
    };
    yield { arg, flag, takeValue };
  }
}

export function parseTraceArgs(argv: readonly string[]): TraceArgs {
  const out: Partial<TraceArgs> & { inputs: InputArg[]; verbose: boolean; allowMismatch: boolean } = { inputs: [], verbose: false, allowMismatch: false };
  const positional: string[] = [];
  for (const { arg, flag, takeValue } of argTokens(argv, (flag) => `${flag} needs a value (see gatescope --help)`)) {
    switch (flag) {
      case '--input':
        out.inputs.push(parseInputArg(takeValue()));
        break;
      case '--engine': {
        const v = takeValue();
        if (!(SPEC_ENGINES as readonly string[]).includes(v)) throw new UsageError(`--engine is '${v}'; use onnxruntime or native`);
        out.engine = v as TraceArgs['engine'];
        break;
      }
      case '--precision': {
        const v = takeValue();
        if (!(PRECISIONS as readonly string[]).includes(v)) throw new UsageError(`--precision is '${v}'; use float32, float16 or uint8`);
        out.precision = v as TraceArgs['precision'];
        break;
      }
      case '--tokens':
        out.tokens = takeValue();
        break;
      case '--tokens-file':
        out.tokensFile = takeValue();
        break;
      case '--out':
        out.out = takeValue();
        break;
      case '--threads': {
        const v = takeValue();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 256) throw new UsageError(`--threads is '${v}'; use a whole number from 1 to 256 (default: available cores - 1)`);
        out.threads = n;
        break;
      }
      case '--verbose':
        out.verbose = true;
        break;
      case '--allow-mismatch':
        out.allowMismatch = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}' (see gatescope --help)`);
        positional.push(arg);
    }
  }
  if (positional.length === 0) throw new UsageError('no model given: gatescope trace MODEL.onnx --input FILE');
  if (positional.length > 1) throw new UsageError(`one model expected, got ${positional.length} (${positional.join(', ')}); give inputs with --input`);
  if (out.inputs.length === 0) throw new UsageError(`no input given for ${positional[0]}: add --input FILE (.npy or .json)`);
  if (out.tokens !== undefined && out.tokensFile !== undefined) throw new UsageError('give --tokens or --tokens-file, not both');
  return { ...out, model: positional[0]!, engine: out.engine ?? 'onnxruntime', precision: out.precision ?? 'float32' } as TraceArgs;
}
