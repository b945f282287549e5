// What one cell holds, for the tooltip, the live region and Enter: its step and token, its unit, and
// the value of every gate there (a sidecar tile's exact value when one is loaded, else the stored one).
import { traceStatus } from '../core/view/status-contract';
import { Z_MEANING_TEXT } from '../core/view/z-flip';
import type { CellReport } from './tooltip';
import type { ViewContext } from './view-context';

type GateName = string;

/** A cell of a panel with units of its own (a projected LSTM's h): the gate and its unit. */
export interface OwnUnit {
  gate: string;
  unit: number;
}

/** The cell at `step` and display row `row` (or `own`'s unit on a panel with units of its own). */
export function cellReport(v: ViewContext, step: number, row: number, own?: OwnUnit): CellReport {
  const d = v.data;
  const fine = v.fine;
  // On a panel with units of its own (a projected LSTM's h): that unit, and the gates that have it.
  const unit = own ? own.unit : v.order[row]!;
  const names = own ? d.names.filter((g) => d.gates[g]!.units === d.gates[own.gate]!.units) : d.names.filter((g) => !d.ownUnits(g));
  const values: Record<GateName, number> = {};
  const maxError: Record<GateName, number> = {};
  let approx: string | undefined;
  for (const g of names) {
    const spec = d.gates[g]!.spec;
    // A sidecar tile's value, or (level 0 still being decoded) the stored value read on its own.
    const exact = fine?.exact(spec, step, unit) ?? d.exactPending(g, step, unit);
    if (exact !== undefined) {
      values[g] = exact;
      maxError[g] = spec.levels[0]!.maxError;
    } else {
      values[g] = d.value(g, step, unit);
      maxError[g] = d.gates[g]!.maxError;
      if (d.bucket > 1) {
        const a = Math.floor(step / d.bucket) * d.bucket;
        approx = `means of steps ${a}–${Math.min(d.steps, a + d.bucket) - 1}${fine ? (fine.error ? '' : ' (fetching the exact values…)') : ' (exact values are in the sidecar)'}`;
      }
    }
  }
  const lod = traceStatus(v.root.dataset).lod;
  return {
    step,
    originalStep: v.originalStep(step),
    token: v.trace.tokens?.[step],
    unit,
    row,
    masked: d.isMasked(step),
    names,
    values,
    maxError,
    zFlip: v.zFlip,
    zShownMeaning: Z_MEANING_TEXT[v.zFlip.shown],
    ...(approx ? { approx } : {}),
    aggregation: lod && lod.startsWith('Level') ? lod.replace(/^Level of detail: each pixel shows /, '').replace(/ \(NaN.*$/, '') : undefined,
  };
}
