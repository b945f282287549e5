// The header: what model this is, which convention each cell's gates follow, how well the gates were
// verified, what was lost in encoding, where full detail lives, and every warning the producer left.
import type { CellConvention, GruConvention, LstmConvention, RnnConvention } from '../core/trace/document';
import { isInline, type DecodedTrace } from '../core/trace/decoded';
import { el } from './dom';

type Act = { name: string; alpha?: number; beta?: number };
const act = (a: Act) => (a.alpha !== undefined || a.beta !== undefined ? `${a.name}(${[a.alpha, a.beta].filter((v) => v !== undefined).join(', ')})` : a.name);

/** Lines describing a layer's convention, by cell kind. */
export function conventionText(cell: string, c: CellConvention | undefined): string[] {
  if (!c) return [];
  if (cell === 'lstm') {
    const l = c as LstmConvention;
    const extras = [l.peepholes ? 'peepholes' : '', l.inputForget ? 'input_forget (f = 1 − i)' : '', l.projSize ? `projection to ${l.projSize} units` : '', l.clip !== undefined ? `clip ${l.clip}` : '']
      .filter(Boolean)
      .join(' · ');
    return [`LSTM · gate order ${l.gateOrder.join(', ')} · f = ${act(l.activations.f)}, g = ${act(l.activations.g)}, h = ${act(l.activations.h)}${extras ? ` · ${extras}` : ''}`];
  }
  if (cell === 'rnn') {
    const r = c as RnnConvention;
    return [`vanilla RNN · h = ${act(r.activations.f)}(W·x + R·h₋₁ + b)${r.clip !== undefined ? ` · clip ${r.clip}` : ''}`];
  }
  return gruConventionText(c as GruConvention);
}

function gruConventionText(c: GruConvention): string[] {
  const reset = c.linearBeforeReset
    ? 'reset applied after the recurrent product: n = g(W·x + r ⊙ (R·h₋₁ + b))'
    : 'reset applied before the recurrent product: n = g(W·x + R·(r ⊙ h₋₁))';
  const z =
    c.zMeaning === 'keep-old'
      ? 'z keeps the old state: h = z ⊙ h₋₁ + (1 − z) ⊙ n'
      : 'z takes the new candidate (textbook): h = (1 − z) ⊙ h₋₁ + z ⊙ n';
  const lines = [`gate order ${c.gateOrder.join(', ')} · ${reset}`, `${z} · f = ${act(c.activations.f)}, g = ${act(c.activations.g)}${c.clip !== undefined ? ` · clip ${c.clip}` : ''}`];
  return lines;
}

export function buildHeader(trace: DecodedTrace): HTMLElement {
  const h = el('div', 'gs-header');
  const m = trace.model;
  const title = el('div');
  title.append(el('span', 'gs-title', m.name), el('span', 'gs-muted', ` · ${m.source} · ${m.engine}`));
  h.append(title);
  // One line per distinct convention (a stacked model repeats its layers' convention).
  const seen = new Set<string>();
  for (const l of trace.layers) {
    for (const line of conventionText(l.cell, l.convention)) {
      if (!seen.has(line)) h.append(el('div', 'gs-muted', line));
      seen.add(line);
    }
  }

  const dtypes = new Set<string>();
  let maxErr = 0;
  for (const l of trace.layers) {
    for (const g of l.gates) {
      // What a hovered cell's value carries: level 0's encoding (inline, or in the sidecar).
      const level = g.levels[0]!;
      dtypes.add(level.dtype);
      maxErr = Math.max(maxErr, level.dtype === 'uint8' ? level.maxError : 0);
    }
  }
  const shape = `${trace.layers.length} layer entr${trace.layers.length === 1 ? 'y' : 'ies'} · batch ${trace.batch} · ${trace.steps} steps`;
  const precision = `${trace.sidecar ? 'every step stored (in the sidecar) as' : 'stored as'} ${[...dtypes].join(' + ')}${maxErr > 0 ? ` (uint8 error ≤ ${maxErr.toPrecision(2)})` : dtypes.has('float16') ? ' (relative error ≤ 2⁻¹¹)' : ''}`;
  const check = trace.check
    ? `verified: max |h − reference| = ${trace.check.maxAbsError.toPrecision(3)} (reference: ${trace.check.reference})`
    : 'not verified against a reference';
  h.append(el('div', 'gs-muted', `${shape} · ${precision} · ${check}`));

  if (trace.downsample) {
    const d = trace.downsample;
    h.append(el('div', 'gs-notice gs-warning', `Downsampled in time to fit the output budget: ${trace.steps} of ${d.originalSteps} steps shown (${d.method}; every ${d.stride}th step from step 0). Step numbers below are original step numbers.`));
  }
  const overview = Math.max(...trace.layers.flatMap((l) => l.gates.map((g) => (g.levels.find(isInline) ?? g.levels[0]!).bucket)));
  if (trace.sidecar && overview > 1) {
    h.append(
      el(
        'div',
        'gs-notice gs-warning',
        `Overview: each column shows the mean of ${overview} steps. Full detail (every step, ${(trace.sidecar.bytes / 2 ** 20).toFixed(1)} MB) is in the sidecar file ${trace.sidecar.file} beside this notebook; open it with \`gatescope export\` or numpy (safetensors).`,
      ),
    );
  }
  for (const w of trace.warnings ?? []) h.append(el('div', 'gs-warning', w));
  return h;
}
