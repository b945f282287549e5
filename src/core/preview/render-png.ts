// A static PNG of a trace's heatmaps, stored next to the interactive output (image/png) so that a
// notebook still shows the gates where Gatescope is not installed (GitHub, JupyterLab, plain VS Code).
// Same colour scales as the renderer (gateColourScale in src/core/color/maps.ts, from each gate's
// range and scale, in the sequential map of gatescope.colorMap); NaN, ±Inf and masked steps in that
// map's special colours (specialColours).
//
// Layout (one column of panels): a title line, then for each layer entry a panel per gate (r, z, n, h
// for a GRU; i, f, g, o, c, h for an LSTM), each `units` rows by `steps` columns, for batch item 0.
// When there are more steps (units) than pixel columns (rows), each pixel shows the step (unit) at its
// left (top) edge: a sample, not a mean. A trace whose level 0 lives in a sidecar is drawn from its
// finest inline level (bucket means), and the title says so.

import { encode } from 'fast-png';
import { gateColourScale, SPECIAL_RGBA, lutIndex, specialColours, type GateColourScale, type SequentialMap } from '../color/maps';
import type { DecodedGate, DecodedLevel, DecodedTrace } from '../trace/decoded';
import { isMasked } from '../trace/mask';
import { gateExtremes } from '../view/extremes';
import { drawText, GLYPH_HEIGHT, textWidth } from './font3x5';

export interface PreviewOptions {
  /** Widest image in pixels (default 1200, at least 200). */
  maxWidth?: number;
  /** Sequential colour map (gatescope.colorMap; default viridis), with its special colours. */
  colorMap?: SequentialMap;
}

export interface PreviewPanel {
  entry: number;
  /** Index into the layer entry's gates. */
  gate: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Step shown by each pixel column (length = width). */
  stepOfColumn: Int32Array;
  /** Unit shown by each pixel row (length = height). */
  unitOfRow: Int32Array;
}

export interface PreviewLayout {
  width: number;
  height: number;
  title: string;
  labels: { text: string; x: number; y: number }[];
  panels: PreviewPanel[];
}

const MARGIN = 8;
const FONT_SCALE = 2;
const LABEL_GAP = 6;
const PANEL_GAP = 3;
const ENTRY_GAP = 10;
const MAX_CELL = 8;
/** Tallest panel in pixels: more units than this are sampled. */
const MAX_PANEL_HEIGHT = 128;
const BACKGROUND = [250, 250, 250] as const;
const INK = [40, 40, 40] as const;

export function previewLayout(trace: DecodedTrace, opts: PreviewOptions = {}): PreviewLayout {
  const maxWidth = Math.max(200, Math.floor(opts.maxWidth ?? 1200));
  const lineHeight = GLYPH_HEIGHT * FONT_SCALE;
  const labelText = (e: number, g: number) => {
    const l = trace.layers[e]!;
    return `L${l.layer} ${l.direction === 'forward' ? 'FWD' : 'REV'} ${l.gates[g]!.name}`;
  };
  let labelWidth = 0;
  trace.layers.forEach((l, e) => l.gates.forEach((_, g) => (labelWidth = Math.max(labelWidth, textWidth(labelText(e, g), FONT_SCALE)))));

  const T = trace.steps;
  const available = maxWidth - 2 * MARGIN - labelWidth - LABEL_GAP;
  const panelWidth = T <= available ? T * Math.max(1, Math.min(MAX_CELL, Math.floor(available / T))) : available;
  const stepOfColumn = new Int32Array(panelWidth);
  for (let x = 0; x < panelWidth; x++) stepOfColumn[x] = Math.floor((x * T) / panelWidth);

  const coarsest = Math.max(...trace.layers.flatMap((l) => l.gates.map((g) => shownLevel(g).bucket)));
  const ds = trace.downsample
    ? `  EVERY ${trace.downsample.stride}TH OF ${trace.downsample.originalSteps} STEPS`
    : coarsest > 1
      ? `  MEANS OF ${coarsest} STEPS (FULL DETAIL IN GATESCOPE)`
      : '';
  const title = `${trace.model.name}  BATCH 0 OF ${trace.batch}  ${T} STEPS${ds}`;
  const width = Math.max(MARGIN * 2 + labelWidth + LABEL_GAP + panelWidth, Math.min(maxWidth, MARGIN * 2 + textWidth(title, FONT_SCALE)));

  const labels: PreviewLayout['labels'] = [];
  const panels: PreviewPanel[] = [];
  let y = MARGIN + lineHeight + ENTRY_GAP;
  trace.layers.forEach((l, e) => {
    l.gates.forEach((gate, g) => {
      const H = gate.units;
      const height = H <= MAX_PANEL_HEIGHT ? H * Math.max(1, Math.min(MAX_CELL, Math.floor(MAX_PANEL_HEIGHT / H))) : MAX_PANEL_HEIGHT;
      const unitOfRow = new Int32Array(height);
      for (let r = 0; r < height; r++) unitOfRow[r] = Math.floor((r * H) / height);
      const x = MARGIN + labelWidth + LABEL_GAP;
      labels.push({ text: labelText(e, g), x: MARGIN, y: y + Math.max(0, Math.floor((height - lineHeight) / 2)) });
      panels.push({ entry: e, gate: g, x, y, width: panelWidth, height, stepOfColumn, unitOfRow });
      y += height + PANEL_GAP;
    });
    y += ENTRY_GAP - PANEL_GAP;
  });
  return { width, height: y - ENTRY_GAP + MARGIN, title, labels, panels };
}

/** The finest level whose means are inline (level 0 unless it lives in a sidecar). */
function shownLevel(gate: DecodedGate): DecodedLevel {
  return gate.levels.find((l) => l.mean) ?? gate.levels[gate.levels.length - 1]!;
}

/** RGBA colour of one value of a gate on its colour scale; NaN, ±Inf and masked steps in `specials` (those of the sequential map in use, specialColours). */
export function gateRgba(scale: GateColourScale, value: number, masked: boolean, out: Uint8Array, o: number, specials: typeof SPECIAL_RGBA = SPECIAL_RGBA): void {
  let lut: Uint8ClampedArray | undefined;
  let i = 0;
  let special: readonly number[] | undefined;
  if (masked) special = specials.masked;
  else if (value !== value) special = specials.nan;
  else if (value === Infinity) special = specials.posInf;
  else if (value === -Infinity) special = specials.negInf;
  else {
    lut = scale.lut;
    i = lutIndex(value, scale.min, scale.max) * 4;
  }
  if (lut) {
    out[o] = lut[i]!;
    out[o + 1] = lut[i + 1]!;
    out[o + 2] = lut[i + 2]!;
    out[o + 3] = lut[i + 3]!;
  } else {
    out[o] = special![0]!;
    out[o + 1] = special![1]!;
    out[o + 2] = special![2]!;
    out[o + 3] = special![3]!;
  }
}

/** Draws the preview and encodes it as PNG bytes (RGBA, 8 bits). */
export function renderPreviewPng(trace: DecodedTrace, opts: PreviewOptions = {}): Uint8Array {
  const layout = previewLayout(trace, opts);
  const { width, height } = layout;
  const rgba = new Uint8Array(width * height * 4);
  for (let o = 0; o < rgba.length; o += 4) {
    rgba[o] = BACKGROUND[0];
    rgba[o + 1] = BACKGROUND[1];
    rgba[o + 2] = BACKGROUND[2];
    rgba[o + 3] = 255;
  }
  drawText(rgba, width, height, MARGIN, MARGIN, layout.title, FONT_SCALE, INK);
  for (const label of layout.labels) drawText(rgba, width, height, label.x, label.y, label.text, FONT_SCALE, INK);
  const T = trace.steps;
  const map = opts.colorMap ?? 'viridis';
  const specials = specialColours(map);
  const maskedStep = new Uint8Array(T);
  for (let t = 0; t < T; t++) maskedStep[t] = isMasked(trace, 0, t) ? 1 : 0;
  for (const p of layout.panels) {
    const gate = trace.layers[p.entry]!.gates[p.gate]!;
    const H = gate.units;
    const level = shownLevel(gate);
    const values = level.mean;
    const scale = gateColourScale(gate, gateExtremes(gate, trace.batch, trace.sequenceLengths), map);
    for (let r = 0; r < p.height; r++) {
      const u = p.unitOfRow[r]!;
      let o = ((p.y + r) * width + p.x) * 4;
      for (let c = 0; c < p.width; c++, o += 4) {
        const t = p.stepOfColumn[c]!;
        // Batch item 0: bucket (0, j, u) of [B, buckets, H]; a bucket is masked when its first step is.
        const j = Math.floor(t / level.bucket);
        gateRgba(scale, values ? values[j * H + u]! : NaN, maskedStep[j * level.bucket] === 1, rgba, o, specials);
      }
    }
  }
  const cells = [...new Set(trace.layers.map((l) => l.cell.toUpperCase()))].join('/');
  return encode({ width, height, data: rgba, channels: 4, depth: 8, text: { Software: 'Gatescope', Title: `${cells} gates of ${trace.model.name}` } });
}
