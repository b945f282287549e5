// Writes a Spec back as `key: value` lines, the form parseSpec reads; the host uses it for the cell
// it inserts, so that a result from the command can be re-run by the Gatescope controller.

import type { Spec } from './spec';

/** Raw when parseSpec would read it back unchanged, else a JSON string. */
function value(v: string): string {
  return v === v.trim() && v !== '' && !v.startsWith('"') && !v.startsWith('[') && !/[\r\n]/.test(v) ? v : JSON.stringify(v);
}

export function formatSpec(spec: Spec): string {
  const lines = [`model: ${value(spec.model)}`, `input: ${spec.input.kind}`];
  const input = spec.input;
  if (input.kind === 'text') lines.push(`text: ${value(input.text)}`);
  else if (input.kind === 'file') lines.push(`file: ${value(input.path)}`);
  else lines.push(`seed: ${input.seed}`, `steps: ${input.steps}`);
  if (spec.vocab) lines.push(`vocab: ${JSON.stringify(spec.vocab)}`);
  if (spec.tokens) lines.push(`tokens: ${JSON.stringify(spec.tokens)}`);
  if (spec.engine) lines.push(`engine: ${spec.engine}`);
  if (spec.precision) lines.push(`precision: ${spec.precision}`);
  if (spec.layers) lines.push(`layers: ${spec.layers.join(', ')}`);
  const c = spec.compare;
  if (c) {
    if (c.model !== undefined && !c.input && value(c.model) === c.model) lines.push(`compare: ${c.model}`);
    else {
      const o: Record<string, unknown> = {};
      if (c.model !== undefined) o['model'] = c.model;
      if (c.input?.kind === 'text') o['text'] = c.input.text;
      else if (c.input?.kind === 'file') o['file'] = c.input.path;
      else if (c.input?.kind === 'random') Object.assign(o, { seed: c.input.seed, steps: c.input.steps });
      lines.push(`compare: ${JSON.stringify(o)}`);
    }
  }
  if (spec.tolerance !== undefined) lines.push(`tolerance: ${spec.tolerance}`);
  return lines.join('\n');
}
