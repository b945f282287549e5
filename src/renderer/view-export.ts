// Export of what a view shows: a PNG or SVG picture of the shown gates' heatmaps as drawn, or a CSV
// of the visible cells (values as shown: a flipped z as 1 − z), sent to the host's save dialog.
import type { ExportFormat } from '../core/protocol';
import { flips, shownValue, Z_MEANING_TEXT } from '../core/view/z-flip';
import { mapNameOf, scaleOf } from './colours';
import { CSV_MAX_ROWS, pictureToPng, pictureToSvg, visibleCsv, type ExportChannel, type Picture } from './export';
import type { ViewContext } from './view-context';

/**
 * Exports view `v` as `format` through `ch`; `lod`: the level-of-detail line (in the picture's
 * subtitle), `say`: writes the status line; `alive`: false once the view is disposed.
 */
export async function exportView(v: ViewContext, ch: ExportChannel, format: ExportFormat, lod: string, say: (text: string) => void, alive: () => boolean): Promise<void> {
  const l = v.trace.layers[v.state.layer]!;
  const base = `gru-layer${l.layer}-${l.direction}${v.trace.batch > 1 ? `-item${v.state.batch}` : ''}`;
  let data: string;
  if (format === 'csv') {
    const s = v.steps;
    const u = v.units;
    const steps: [number, number] = [Math.floor(s.start), Math.ceil(s.end)];
    const rows: [number, number] = [Math.floor(u.start), Math.ceil(u.end)];
    const n = (steps[1] - steps[0]) * (rows[1] - rows[0]);
    if (n > CSV_MAX_ROWS) {
      say(`The visible selection has ${n.toLocaleString()} cells; CSV export takes at most ${CSV_MAX_ROWS.toLocaleString()}. Zoom in first.`);
      return;
    }
    data = visibleCsv({
      steps,
      rows,
      order: v.order,
      valid: v.data.valid,
      tokens: v.trace.tokens,
      names: v.data.unitNames,
      originalStep: (x) => v.originalStep(x),
      value: (g, st, un) => shownValue(v.zFlip, g, v.data.value(g, st, un)),
    });
  } else {
    const pic = picture(v, lod);
    data = format === 'png' ? pictureToPng(pic) : pictureToSvg(pic);
  }
  say(`Saving ${format.toUpperCase()}…`);
  const r = await ch.send(format, `${base}.${format}`, data);
  if (!alive()) return;
  say(r.ok ? `Saved ${r.path}` : r.cancelled ? 'Export cancelled.' : `Export failed: ${r.error ?? 'unknown error'}`);
}

function picture(v: ViewContext, lod: string): Picture {
  const l = v.trace.layers[v.state.layer]!;
  const d = v.data;
  const s = v.steps;
  const label = (g: string) => (g === 'z' && l.cell === 'gru' ? `z ${Z_MEANING_TEXT[v.zFlip.shown]}${flips(v.zFlip, g) ? ' (1 − z)' : ''}` : `${g} ${d.gates[g]!.spec.role}`);
  const scales = d.names.map((g) => {
    const sc = scaleOf(d.gates[g]!.spec, d.gates[g]!.extremes);
    return `${g}: ${mapNameOf(d.gates[g]!.spec.scale)} ${sc.min.toPrecision(2)}…${sc.max.toPrecision(2)}`;
  });
  return {
    title: `${v.trace.model.name} · layer ${l.layer} ${l.direction}`,
    subtitle: `${scales.join(' · ')} · ${lod}`,
    gates: d.names.map((g) => ({ label: label(g), canvas: v.panels[g]!.canvas })),
    footer: `steps ${v.originalStep(Math.floor(s.start))}–${v.originalStep(Math.ceil(s.end) - 1)} →`,
    chrome: v.chrome,
  };
}
