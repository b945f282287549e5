// What an exact drawing of a view's heatmaps leaves on the root (src/core/view/status-contract.ts)
// and says under them: the ranges drawn, where the columns came from (every step, sidecar tiles, the
// overview's bucket means), the sidecar's tile counters, and the level-of-detail sentence.
import type { Shown } from '../core/view/rescale';
import type { StatusData, TraceStatus } from '../core/view/status-contract';
import type { LayerData } from './data';
import type { SidecarTiles } from './sidecar-tiles';

/** What the drawing itself knows: its count, the layer entry and batch item, and what it drew from sidecar tiles. */
export interface Drawn {
  draws: number;
  layer: number;
  batch: number;
  /** Fewest columns any gate drew from sidecar tiles, and the finest tile bucket drawn. */
  fineColumns: number;
  fineBucket: number;
}

/** Writes the status of an exact drawing of `shown` on a canvas of `size`; returns the level-of-detail line. */
export function writeDrawStatus(r: StatusData<TraceStatus>, data: LayerData, fine: SidecarTiles | undefined, d: Drawn, shown: Shown, size: { width: number; height: number }): string {
  const { steps, units } = shown;
  const sp = (steps.end - steps.start) / size.width;
  const up = (units.end - units.start) / size.height;
  r.state = 'ready';
  r.draws = String(d.draws);
  writeRanges(r, shown);
  r.layer = String(d.layer);
  r.batch = String(d.batch);
  // Where the columns came from: every step (full), the sidecar's finer tiles for some or all columns, or the overview.
  const shownBucket = data.bucket > 1 && d.fineColumns >= size.width ? d.fineBucket : data.bucket;
  r.detail = shownBucket === 1 ? 'full' : d.fineColumns > 0 ? 'partial' : 'overview';
  r.decode = data.refining ? 'pending' : 'done';
  r.bucket = String(shownBucket);
  if (fine) {
    r.tilesLoaded = String(fine.loaded);
    r.tilesPending = String(fine.pending);
    r.tilesMb = (fine.cachedBytes / 2 ** 20).toFixed(1);
    r.tileRttMs = fine.roundTripMs.toFixed(1);
    r.tileHostMs = fine.hostMs.toFixed(1);
    if (fine.error) r.tilesError = fine.error;
    else delete r.tilesError;
  }
  const coarse = Math.max(1, sp) < shownBucket;
  const agg = coarse && data.refining
    ? `Overview: each column shows the mean of ${shownBucket} steps (decoding full detail…).`
    : coarse
    ? `Overview: each column shows the mean of ${shownBucket} steps${fine?.error ? ` (full detail unavailable: ${fine.error})` : fine ? (fine.pending > 0 ? ' (fetching full detail…)' : '') : ' (full detail is in the sidecar; it needs the Gatescope extension)'}.`
    : sp > 1.001 || up > 1.001
      ? `Level of detail: each pixel shows the mean of ≈${fmtCount(Math.max(1, sp))} step${sp > 1.5 ? 's' : ''} × ${fmtCount(Math.max(1, up))} unit${up > 1.5 ? 's' : ''} (NaN/Inf inside a pixel show as NaN/Inf).`
      : 'Full detail: one cell per pixel or more.';
  r.lod = agg;
  return `Steps ${Math.floor(steps.start)}–${Math.ceil(steps.end) - 1} of ${data.steps}, units rows ${Math.floor(units.start)}–${Math.ceil(units.end) - 1} of ${data.units}. ${agg}`;
}

/** The shown ranges as whole cells: [floor(start), ceil(end)). */
export function writeRanges(r: StatusData<TraceStatus>, { steps, units }: Shown): void {
  r.stepsStart = String(Math.floor(steps.start));
  r.stepsEnd = String(Math.ceil(steps.end));
  r.unitsStart = String(Math.floor(units.start));
  r.unitsEnd = String(Math.ceil(units.end));
}

function fmtCount(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}
