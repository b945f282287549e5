// Masked steps. A trace with sequenceLengths marks, per batch item b, the steps t >= sequenceLengths[b]
// as masked (past the end of that sequence, ONNX sequence_lens). For both directions: a reverse
// direction runs backwards within its own length, and its entries are indexed by input time too.
// Masked cells are stored as 0 (canonical) and must be drawn as "masked", never read as values.

/** True when step t of batch item b is past that item's sequence length. */
export function isMasked(trace: { sequenceLengths?: readonly number[] }, b: number, t: number): boolean {
  const lengths = trace.sequenceLengths;
  return lengths !== undefined && t >= lengths[b]!;
}

/** Number of valid steps of batch item b (all steps when the trace has no sequenceLengths). */
export function validSteps(trace: { sequenceLengths?: readonly number[]; steps: number }, b: number): number {
  return trace.sequenceLengths ? trace.sequenceLengths[b]! : trace.steps;
}
