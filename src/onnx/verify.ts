// The verdict on a trace's check (recomputed h against onnxruntime's Y). A trace whose h disagrees
// with the model's own output would show gates of a different network, so a mismatch above the
// tolerance fails the run unless the caller asks to keep it, and then the trace says so.

import { OnnxTraceError } from './errors';

/**
 * Largest accepted |h - Y| / max(1, |Y|) over valid steps. Float32 recomputation of the same
 * formula stays near 1e-6 (test/unit/onnx/trace.unit.test.ts); a wrong convention or activation
 * parameter gives errors of order 0.1 to 1. Scaled above 1 because unbounded activations (Relu,
 * LeakyRelu, Affine) let states grow where float32 spacing alone exceeds an absolute bound.
 */
export const MISMATCH_TOLERANCE = 1e-3;

export interface MismatchVerdict {
  /** A warning for the trace when the mismatch is kept; undefined when the check passed. */
  warning?: string;
}

/**
 * Throws OnnxTraceError when `maxScaledError` exceeds `tolerance`, or `nanMismatches` values are
 * NaN on one side only without an input that explains it, and `allowMismatch` is false; returns
 * the warning to record when the mismatch is kept. NaN error counts as a mismatch (never `<=`).
 */
export function mismatchVerdict(maxScaledError: number, maxAbsError: number, allowMismatch: boolean, tolerance = MISMATCH_TOLERANCE, nanMismatches = 0): MismatchVerdict {
  if (maxScaledError <= tolerance && nanMismatches === 0) return {};
  const parts: string[] = [];
  if (!(maxScaledError <= tolerance)) {
    parts.push(`the recomputed hidden states differ from onnxruntime's output Y by up to ${maxAbsError.toExponential(2)} (|h - Y| / max(1, |Y|) = ${maxScaledError.toExponential(2)}, tolerance ${tolerance.toExponential(0)})`);
  }
  if (nanMismatches > 0) parts.push(`${nanMismatches} values are NaN on one side only (recomputed h or onnxruntime's Y) although the input is finite`);
  const what = parts.join('; ');
  if (!allowMismatch) {
    throw new OnnxTraceError(`${what}, so the gates would not be the model's: report the model to Gatescope (or, in the CLI, pass --allow-mismatch to keep the trace with a warning)`);
  }
  return { warning: `Verification failed and was kept on request (allow-mismatch): ${what}. The gates shown may not be the ones the model computes.` };
}
