// The header: what model this is, which GRU convention its gates follow, how well the gates were
// verified, what was lost in encoding, and every warning the producer left.
import { GATE_NAMES, type DecodedTrace, type TraceConvention } from '../core/trace/document';
import { el } from './dom';

export function conventionText(c: TraceConvention): string[] {
  const reset = c.linearBeforeReset
    ? 'reset applied after the recurrent product: n = g(W·x + r ⊙ (R·h₋₁ + b))'
    : 'reset applied before the recurrent product: n = g(W·x + R·(r ⊙ h₋₁))';
  const z =
    c.zMeaning === 'keep-old'
      ? 'z keeps the old state: h = z ⊙ h₋₁ + (1 − z) ⊙ n'
      : 'z takes the new candidate (textbook): h = (1 − z) ⊙ h₋₁ + z ⊙ n';
  const act = (a: { name: string; alpha?: number; beta?: number }) =>
    a.alpha !== undefined || a.beta !== undefined ? `${a.name}(${[a.alpha, a.beta].filter((v) => v !== undefined).join(', ')})` : a.name;
  const lines = [`gate order ${c.gateOrder.join(', ')} · ${reset}`, `${z} · f = ${act(c.activations.f)}, g = ${act(c.activations.g)}${c.clip !== undefined ? ` · clip ${c.clip}` : ''}`];
  return lines;
}

export function buildHeader(trace: DecodedTrace): HTMLElement {
  const h = el('div', 'gs-header');
  const m = trace.model;
  const title = el('div');
  title.append(el('span', 'gs-title', m.name), el('span', 'gs-muted', ` · ${m.source} · ${m.engine}`));
  h.append(title);
  for (const line of conventionText(m.convention)) h.append(el('div', 'gs-muted', line));

  const dtypes = new Set<string>();
  let maxErr = 0;
  for (const l of trace.layers) {
    for (const g of GATE_NAMES) {
      dtypes.add(l.gates[g].dtype);
      maxErr = Math.max(maxErr, l.gates[g].dtype === 'uint8' ? l.gates[g].maxError ?? 0 : 0);
    }
  }
  const shape = `${trace.layers.length} layer entr${trace.layers.length === 1 ? 'y' : 'ies'} · batch ${trace.batch} · ${trace.steps} steps`;
  const precision = `stored as ${[...dtypes].join(' + ')}${maxErr > 0 ? ` (uint8 error ≤ ${maxErr.toPrecision(2)})` : dtypes.has('float16') ? ' (relative error ≤ 2⁻¹¹)' : ''}`;
  const check = trace.check
    ? `verified: max |h − reference| = ${trace.check.maxAbsError.toPrecision(3)} (reference: ${trace.check.reference})`
    : 'not verified against a reference';
  h.append(el('div', 'gs-muted', `${shape} · ${precision} · ${check}`));

  if (trace.downsample) {
    const d = trace.downsample;
    h.append(el('div', 'gs-notice gs-warning', `Downsampled in time to fit the output budget: ${trace.steps} of ${d.originalSteps} steps shown (${d.method}; every ${d.stride}th step from step 0). Step numbers below are original step numbers.`));
  }
  for (const w of trace.warnings ?? []) h.append(el('div', 'gs-warning', w));
  return h;
}
