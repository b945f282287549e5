// Field readers shared by the version-1 and version-2 decoders: each checks one JSON field and
// throws TraceFormatError with its path and what was expected.

import type { ActivationSpec, TraceCheck } from './document';
import type { DecodedTrace } from './decoded';
import { TraceFormatError } from './errors';
import { describe, isObject } from './tensor';

export function stringField(o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new TraceFormatError(`${path}.${key}`, `expected a string, found ${describe(v)}`);
  return v;
}
export function intField(o: Record<string, unknown>, key: string, path: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TraceFormatError(`${path}.${key}`, `expected an integer >= ${min}, found ${describe(v)}`);
  }
  return v;
}
export function decodeActivation(a: unknown, path: string): ActivationSpec {
  if (!isObject(a)) throw new TraceFormatError(path, `expected an object {name, alpha?, beta?}, found ${describe(a)}`);
  const spec: ActivationSpec = { name: stringField(a, 'name', path) };
  for (const k of ['alpha', 'beta'] as const) {
    const v = a[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TraceFormatError(`${path}.${k}`, `expected a finite number, found ${describe(v)}`);
    spec[k] = v;
  }
  return spec;
}

export function decodeCheck(c: unknown): TraceCheck {
  if (!isObject(c)) throw new TraceFormatError('check', `expected an object {reference, maxAbsError}, found ${describe(c)}`);
  const reference = stringField(c, 'reference', 'check');
  const e = c['maxAbsError'];
  if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) {
    throw new TraceFormatError('check.maxAbsError', `expected a finite number >= 0, found ${describe(e)}`);
  }
  const out: TraceCheck = { reference, maxAbsError: e };
  const tol = c['tolerance'];
  if (tol !== undefined) {
    if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) throw new TraceFormatError('check.tolerance', `expected a finite number >= 0, found ${describe(tol)}`);
    out.tolerance = tol;
  }
  const passed = c['passed'];
  if (passed !== undefined) {
    if (typeof passed !== 'boolean') throw new TraceFormatError('check.passed', `expected true or false, found ${describe(passed)}`);
    out.passed = passed;
  }
  return out;
}

/** tokens, sequenceLengths, check, warnings, producer, createdAt: the same in both versions. `out` has batch and steps. */
export function decodeCommonFields(json: Record<string, unknown>, out: DecodedTrace): void {
  const { batch, steps } = out;
  const tokens = json['tokens'];
  if (tokens !== undefined) {
    if (!Array.isArray(tokens)) throw new TraceFormatError('tokens', `expected an array of strings, found ${describe(tokens)}`);
    if (tokens.length !== steps) throw new TraceFormatError('tokens', `expected ${steps} labels (one per step), found ${tokens.length}`);
    tokens.forEach((s, i) => {
      if (typeof s !== 'string') throw new TraceFormatError(`tokens[${i}]`, `expected a string, found ${describe(s)}`);
    });
    out.tokens = tokens as string[];
  }

  const lengths = json['sequenceLengths'];
  if (lengths !== undefined) {
    if (!Array.isArray(lengths)) throw new TraceFormatError('sequenceLengths', `expected an array of integers, found ${describe(lengths)}`);
    if (lengths.length !== batch) throw new TraceFormatError('sequenceLengths', `expected ${batch} entries (one per batch item), found ${lengths.length}`);
    lengths.forEach((n, i) => {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > steps) {
        throw new TraceFormatError(`sequenceLengths[${i}]`, `expected an integer in [0, ${steps}], found ${describe(n)}`);
      }
    });
    out.sequenceLengths = lengths as number[];
  }

  if (json['check'] !== undefined) out.check = decodeCheck(json['check']);

  const warnings = json['warnings'];
  if (warnings !== undefined) {
    if (!Array.isArray(warnings)) throw new TraceFormatError('warnings', `expected an array of strings, found ${describe(warnings)}`);
    warnings.forEach((s, i) => {
      if (typeof s !== 'string') throw new TraceFormatError(`warnings[${i}]`, `expected a string, found ${describe(s)}`);
    });
    out.warnings = warnings as string[];
  }

  for (const k of ['producer', 'createdAt'] as const) {
    const v = json[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TraceFormatError(k, `expected a string, found ${describe(v)}`);
    out[k] = v;
  }
}
