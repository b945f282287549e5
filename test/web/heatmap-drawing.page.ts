// Page side of heatmap-drawing.web.test.ts (bundled by esbuild into the test page): draws one job
// with both drawers (WebGL2 and Canvas 2D) and compares the pixels read back from each.
import { DIVERGING_LUT, gateColourScale, SEQUENTIAL_LUT } from '../../src/core/color/maps';
import { decodeFloat16, encodeFloat16 } from '../../src/core/encoding/float16';
import { dequantizeUint8, finiteRange, quantizeUint8 } from '../../src/core/encoding/uint8';
import { identityOrder, orderByKey } from '../../src/core/view/order';
import { buildLevel, startPyramid, type TimePyramid } from '../../src/core/view/pyramid';
import { presentLevelFor, type RasterJob } from '../../src/core/view/raster';
import { rasterColours } from '../../src/renderer/colours';
import { GatePanel } from '../../src/renderer/gate-panel';
import { CanvasHeatmapDrawer } from '../../src/renderer/heatmap-canvas';
import { WebGlHeatmapDrawer, type LevelSource } from '../../src/renderer/heatmap-gl';
import { GlHeatmapContext } from '../../src/renderer/heatmap-gl-context';
import { rendererSettings, setRendererSettings } from '../../src/renderer/settings';

export interface Case {
  scale: 'sequential' | 'diverging';
  /** z shown as 1 − z: the table read backwards. */
  reversed?: boolean;
  dtype: 'float32' | 'float16' | 'uint8';
  steps: number;
  /** Valid steps of the batch item (later ones are masked). */
  valid: number;
  units: number;
  cols: number;
  rows: number;
  /** Visible range as fractions of the steps and units. */
  view?: [number, number, number, number];
  shuffled?: boolean;
}

export interface Comparison {
  /** Where the WebGL2 drawer computed its pixels: 'gpu' (its program) or 'cpu' (rasterizeGate copied in). */
  path: string | undefined;
  pixels: number;
  /** Pixels whose colours differ by more than one colour-table entry, or are another special colour. */
  mismatches: number;
  /** Pixels one table entry apart (float32 sums on the GPU against float64 on the CPU). */
  offByOne: number;
  counts: { nan: number; posInf: number; negInf: number; masked: number };
  first?: string;
}

/** Deterministic values: smooth waves, with NaN, +Inf and -Inf cells sprinkled in. */
function makeValues(c: Case): Float32Array {
  const v = new Float32Array(c.steps * c.units);
  const lo = c.scale === 'sequential' ? 0 : -1;
  for (let t = 0; t < c.steps; t++) {
    for (let u = 0; u < c.units; u++) {
      const i = t * c.units + u;
      v[i] = lo + (1 - lo) * (0.5 + 0.5 * Math.sin(t * 0.13 + u * 0.71) * Math.cos(t * 0.021 * (1 + (u % 5))));
      if (t < c.valid && (t * 7 + u * 3) % 97 === 0) v[i] = NaN;
      else if (t < c.valid && (t * 5 + u * 11) % 131 === 0) v[i] = Infinity;
      else if (t < c.valid && (t * 13 + u) % 149 === 0) v[i] = -Infinity;
      if (t >= c.valid) v[i] = 0;
    }
  }
  return v;
}

function readBack(canvas: HTMLCanvasElement): Uint8ClampedArray {
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d')!;
  ctx.drawImage(canvas, 0, 0);
  return ctx.getImageData(0, 0, copy.width, copy.height).data;
}

/** Draws case c with both drawers and compares them pixel by pixel. */
export function compareDrawers(c: Case): Comparison {
  const stored = makeValues(c);
  // What the canvas path draws: the values as decoded from the stored dtype.
  let values = stored;
  let source: LevelSource = { dtype: 'float32', values };
  if (c.dtype === 'float16') {
    const bytes = encodeFloat16(stored);
    values = decodeFloat16(bytes);
    source = { dtype: 'float16', bits: new Uint16Array(bytes.buffer, bytes.byteOffset, stored.length) };
  } else if (c.dtype === 'uint8') {
    const [min, max] = finiteRange(stored, [1, c.steps, c.units], [c.valid]);
    const q = quantizeUint8(stored, min, max);
    values = dequantizeUint8(q.bytes, q.scale, q.offset);
    source = { dtype: 'uint8', codes: q.bytes, scale: q.scale, offset: q.offset };
  }
  const pyramid: TimePyramid = startPyramid(values, c.valid, c.units);
  for (let k = 1; k <= 4; k++) buildLevel(pyramid, k);
  const order = c.shuffled ? orderByKey(Float64Array.from({ length: c.units }, (_, u) => Math.sin(u * 2.3))) : identityOrder(c.units);
  const [s0, s1, u0, u1] = c.view ?? [0, 1, 0, 1];
  const job: RasterJob = {
    pyramid,
    totalSteps: c.steps,
    order,
    steps: { start: s0 * c.steps, end: s1 * c.steps },
    units: { start: u0 * c.units, end: u1 * c.units },
    cols: c.cols,
    rows: c.rows,
  };
  const spec = c.scale === 'sequential' ? { range: [0, 1] as [number, number], scale: c.scale } : { range: 'symmetric' as const, scale: c.scale };
  const colours = rasterColours(gateColourScale(spec, { lo: -1, hi: 1 }), c.reversed ?? false);

  const glCanvas = document.createElement('canvas');
  const cpuCanvas = document.createElement('canvas');
  document.body.append(glCanvas, cpuCanvas);
  const gl = WebGlHeatmapDrawer.create(glCanvas, () => {});
  if (!gl) throw new Error('no WebGL2 in this Chromium');
  const cpu = new CanvasHeatmapDrawer(cpuCanvas);
  gl.resize(c.cols, c.rows);
  cpu.resize(c.cols, c.rows);
  cpu.draw(job, colours);
  const k = presentLevelFor((job.steps.end - job.steps.start) / job.cols, pyramid.levels);
  // Level 0 from the stored form itself (codes, half floats); coarser levels are float32 means.
  const info = k === 0 ? gl.drawLevel(job, colours, 0, source) : gl.draw(job, colours);
  if (!info) throw new Error('the WebGL2 drawer did not draw');
  const path = gl.lastDraw;
  const a = readBack(glCanvas);
  const b = readBack(cpuCanvas);
  gl.dispose();
  cpu.dispose();
  glCanvas.remove();
  cpuCanvas.remove();

  const lut = c.scale === 'sequential' ? SEQUENTIAL_LUT : DIVERGING_LUT;
  const entries = new Map<number, number[]>();
  for (let i = 0; i < 256; i++) {
    const key = (lut[i * 4]! << 16) | (lut[i * 4 + 1]! << 8) | lut[i * 4 + 2]!;
    (entries.get(key) ?? entries.set(key, []).get(key)!).push(c.reversed ? 255 - i : i);
  }
  const special = new Map<number, keyof Comparison['counts']>();
  for (const name of ['nan', 'posInf', 'negInf', 'masked'] as const) {
    const px = new Uint8Array(new Uint32Array([colours[name]]).buffer);
    special.set((px[0]! << 16) | (px[1]! << 8) | px[2]!, name);
  }
  const out: Comparison = { path, pixels: c.cols * c.rows, mismatches: 0, offByOne: 0, counts: { nan: 0, posInf: 0, negInf: 0, masked: 0 } };
  for (let p = 0; p < a.length; p += 4) {
    const ka = (a[p]! << 16) | (a[p + 1]! << 8) | a[p + 2]!;
    const kb = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    const s = special.get(kb);
    if (s) out.counts[s]++;
    if (ka === kb) continue;
    const ia = entries.get(ka);
    const ib = entries.get(kb);
    if (ia && ib && ia.some((x) => ib.some((y) => Math.abs(x - y) <= 1))) out.offByOne++;
    else {
      out.mismatches++;
      out.first ??= `pixel ${p / 4} (col ${(p / 4) % c.cols}, row ${Math.floor(p / 4 / c.cols)}): WebGL2 rgb(${a[p]},${a[p + 1]},${a[p + 2]}), Canvas 2D rgb(${b[p]},${b[p + 1]},${b[p + 2]})`;
    }
  }
  return out;
}

/** A panel drawn with WebGL2 whose (shared) context is then lost: it must come back drawn with Canvas 2D. */
export async function loseContext(): Promise<{ before: string; after: string; redraws: number; drawn: boolean }> {
  let redraws = 0;
  setRendererSettings({ ...rendererSettings(), drawing: 'webgl2' });
  const panel = new GatePanel('r', document.createElement('div'), () => redraws++);
  document.body.append(panel.row);
  panel.resize(64, 32);
  const c: Case = { scale: 'sequential', dtype: 'float32', steps: 50, valid: 50, units: 16, cols: 64, rows: 32 };
  const pyramid = startPyramid(makeValues(c), 50, 16);
  const colours = rasterColours(gateColourScale({ range: [0, 1], scale: 'sequential' }), false);
  const draw = () => panel.draw(pyramid, 50, identityOrder(16), { start: 0, end: 50 }, { start: 0, end: 16 }, colours);
  draw();
  const before = panel.canvas.dataset['drawer'] ?? '';
  // The webview's shared context is lost (as when the GPU resets): every panel drawing with it switches.
  const shared = GlHeatmapContext.shared()!;
  const lost = new Promise((r) => shared.canvas.addEventListener('webglcontextlost', r, { once: true }));
  (shared.canvas.getContext('webgl2') as WebGL2RenderingContext).getExtension('WEBGL_lose_context')!.loseContext();
  await lost;
  await new Promise((r) => setTimeout(r, 0));
  draw();
  const px = readBack(panel.canvas);
  const drawn = px.some((x, i) => i % 4 !== 3 && x !== 0);
  panel.dispose();
  panel.row.remove();
  return { before, after: panel.canvas.dataset['drawer'] ?? '', redraws, drawn };
}

/** The drawer a panel picks under each drawing setting, and whether this page's WebGL2 is software. */
export function drawerChoices(): { software: boolean; auto: string; webgl2: string; canvas2d: string } {
  const pick = (drawing: 'auto' | 'webgl2' | 'canvas2d') => {
    setRendererSettings({ ...rendererSettings(), drawing });
    const panel = new GatePanel('r', document.createElement('div'));
    const kind = panel.drawerKind;
    panel.dispose();
    return kind;
  };
  return { software: WebGlHeatmapDrawer.softwareOnly(), auto: pick('auto'), webgl2: pick('webgl2'), canvas2d: pick('canvas2d') };
}
