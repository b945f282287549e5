// A decoded trace whose values are inline, as run a of a comparison (compareTraceInputs): what
// "Compare With…" on a trace output reads from two notebook outputs. A comparison document's run b
// is left out (its run a is the run). Traces whose level 0 lives in a sidecar, and 0.1.0 traces that
// dropped steps, are refused with a message that says what to do. Pure.

import type { DecodedGate, DecodedLayer, DecodedTrace } from '../trace/decoded';
import type { TraceInput, TraceLayerInput } from '../trace/encode';
import { CompareError } from './errors';

/**
 * `name` names the trace in messages (e.g. "the output of cell 3"). `valuesOf` gives a gate's level-0
 * values [B, T, units] (default: the inline ones; `gatescope diff` passes the sidecar's).
 */
export function traceRunInput(trace: DecodedTrace, name: string, valuesOf: (layer: DecodedLayer, gate: DecodedGate) => Float32Array = inlineValues(name)): TraceInput {
  if (trace.downsample) {
    throw new CompareError(`${name} (Gatescope 0.1.0) keeps ${trace.steps} of its run's ${trace.downsample.originalSteps} steps, so its steps are not the run's; trace the model again with this Gatescope`);
  }
  const layers: TraceLayerInput[] = trace.layers
    .filter((l) => l.run !== 'b')
    .map((l) => {
      const gates: Record<string, Float32Array> = {};
      for (const g of l.gates) gates[g.name] = valuesOf(l, g);
      const out: TraceLayerInput = { layer: l.layer, direction: l.direction, cell: l.cell, hiddenSize: l.hiddenSize, name: l.name, gates, specs: l.gates.map(({ name: n, role, range, scale }) => ({ name: n, role, range, scale })) };
      if (l.convention) out.convention = l.convention;
      return out;
    });
  const input: TraceInput = { model: trace.model, layers, batch: trace.batch, steps: trace.steps };
  if (trace.tokens) input.tokens = trace.tokens;
  if (trace.sequenceLengths) input.sequenceLengths = trace.sequenceLengths;
  if (trace.warnings) input.warnings = trace.warnings;
  return input;
}

function inlineValues(name: string): (layer: DecodedLayer, gate: DecodedGate) => Float32Array {
  return (_layer, g) => {
    const values = g.levels[0]!.mean;
    if (!values) throw new CompareError(`${name} keeps its values in a sidecar file; compare it with \`gatescope diff A.json B.json\`, which reads sidecars`);
    return values;
  };
}
