// Line plots for a selection: one unit's r, z, n, h over time, and one step's profile across units.
// Drawn on a canvas in theme colours; when points outnumber pixels, each pixel column shows the
// min-max envelope of its points so that spikes are never lost. Lines also differ by dash pattern.
type GateName = string;
import type { ChromeColours } from './theme';

export interface Series {
  gate: GateName;
  /** Position of the gate in its layer's list: picks the line colour and dash. */
  index: number;
  /** Value of point i, i in [0, count). */
  at: (i: number) => number;
}

const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]];
/** The hidden state h is drawn thicker: it is what the layer passes on. */
const widthOf = (g: GateName) => (g === 'h' ? 2 : 1.25);

/** Plots `series` over points [0, count) on y in [-1, 1] (r and z live in [0, 1]); `masked`: points from here on are masked. */
export function drawLinePlot(canvas: HTMLCanvasElement, chrome: ChromeColours, series: Series[], count: number, masked: number, mark: number): void {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = canvas.clientWidth || Number(canvas.getAttribute('width'));
  const h = canvas.clientHeight || Number(canvas.getAttribute('height'));
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = chrome.background;
  ctx.fillRect(0, 0, w, h);
  const padL = 26;
  const padT = 4;
  const padB = 4;
  const pw = w - padL - 4;
  const ph = h - padT - padB;
  const y = (v: number) => padT + ((1 - v) / 2) * ph;
  ctx.font = '10px sans-serif';
  ctx.fillStyle = chrome.muted;
  ctx.strokeStyle = chrome.grid;
  ctx.lineWidth = 1;
  for (const v of [-1, 0, 1]) {
    ctx.globalAlpha = v === 0 ? 0.9 : 0.5;
    ctx.beginPath();
    ctx.moveTo(padL, Math.round(y(v)) + 0.5);
    ctx.lineTo(padL + pw, Math.round(y(v)) + 0.5);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillText(String(v), 2, y(v) + 3);
  }
  if (masked < count) {
    const x0 = padL + (masked / count) * pw;
    ctx.fillStyle = chrome.grid;
    ctx.globalAlpha = 0.25;
    ctx.fillRect(x0, padT, padL + pw - x0, ph);
    ctx.globalAlpha = 1;
  }
  if (mark >= 0 && mark < count) {
    ctx.strokeStyle = chrome.focus;
    const xm = Math.round(padL + ((mark + 0.5) / count) * pw) + 0.5;
    ctx.beginPath();
    ctx.moveTo(xm, padT);
    ctx.lineTo(xm, padT + ph);
    ctx.stroke();
  }
  const valid = Math.min(masked, count);
  for (const s of series) {
    ctx.strokeStyle = chrome.series[s.index % chrome.series.length]!;
    ctx.lineWidth = widthOf(s.gate);
    ctx.setLineDash(DASHES[s.index % DASHES.length]!);
    ctx.beginPath();
    if (valid <= pw) {
      let pen = false;
      for (let i = 0; i < valid; i++) {
        const v = s.at(i);
        if (v - v !== 0) {
          pen = false;
          continue;
        }
        const px = padL + ((i + 0.5) / count) * pw;
        const py = y(Math.max(-1.05, Math.min(1.05, v)));
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
    } else {
      // One vertical stroke per pixel column from the column's min to its max.
      for (let c = 0; c < pw; c++) {
        const i0 = Math.floor((c / pw) * count);
        const i1 = Math.min(valid, Math.max(i0 + 1, Math.floor(((c + 1) / pw) * count)));
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = i0; i < i1; i++) {
          const v = s.at(i);
          if (v - v !== 0) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (lo > hi) continue;
        ctx.moveTo(padL + c + 0.5, y(Math.min(1.05, hi)));
        ctx.lineTo(padL + c + 0.5, y(Math.max(-1.05, lo)) + 0.5);
      }
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
