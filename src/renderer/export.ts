// Export of the current view: PNG and SVG pictures and a CSV of the visible cells, handed to the
// extension host's save dialog through renderer messaging (browser downloads do not work in VS Code
// webviews). Pictures use the same data pixels as the screen; text is drawn in theme colours.
import type { ExportFormat, HostToRenderer, RendererToHost } from '../core/protocol';
import { formatFloat32 } from '../core/view/format';
import type { ChromeColours } from './theme';

/** Largest CSV written (rows = steps x units); beyond it the user is asked to zoom in. */
export const CSV_MAX_ROWS = 1_000_000;

export interface Picture {
  title: string;
  subtitle: string;
  gates: { label: string; canvas: HTMLCanvasElement }[];
  footer: string;
  chrome: ChromeColours;
}

const LABEL_W = 120;
const PAD = 10;
const LINE = 16;

function layout(p: Picture) {
  const w = Math.max(...p.gates.map((g) => g.canvas.width));
  const top = PAD + 2 * LINE + 6;
  let y = top;
  const boxes = p.gates.map((g) => {
    const b = { x: PAD + LABEL_W, y, w: g.canvas.width, h: g.canvas.height };
    y += g.canvas.height + 8;
    return b;
  });
  return { width: PAD * 2 + LABEL_W + w, height: y + LINE + PAD, boxes };
}

export function pictureToPng(p: Picture): string {
  const L = layout(p);
  const c = document.createElement('canvas');
  c.width = L.width;
  c.height = L.height;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = p.chrome.background;
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.fillStyle = p.chrome.foreground;
  ctx.font = 'bold 13px sans-serif';
  ctx.fillText(p.title, PAD, PAD + 12);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = p.chrome.muted;
  ctx.fillText(p.subtitle, PAD, PAD + LINE + 12);
  p.gates.forEach((g, i) => {
    const b = L.boxes[i]!;
    ctx.drawImage(g.canvas, b.x, b.y);
    ctx.fillStyle = p.chrome.foreground;
    ctx.font = '12px sans-serif';
    ctx.fillText(g.label, PAD, b.y + 14);
  });
  ctx.fillStyle = p.chrome.muted;
  ctx.font = '11px sans-serif';
  ctx.fillText(p.footer, PAD + LABEL_W, L.height - PAD);
  return c.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** SVG with vector text and each heatmap embedded as a PNG image (the data is a raster at heart). */
export function pictureToSvg(p: Picture): string {
  const L = layout(p);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="${xml(p.chrome.background)}"/>`,
    `<text x="${PAD}" y="${PAD + 12}" font-size="13" font-weight="bold" fill="${xml(p.chrome.foreground)}">${xml(p.title)}</text>`,
    `<text x="${PAD}" y="${PAD + LINE + 12}" font-size="11" fill="${xml(p.chrome.muted)}">${xml(p.subtitle)}</text>`,
  ];
  p.gates.forEach((g, i) => {
    const b = L.boxes[i]!;
    parts.push(`<text x="${PAD}" y="${b.y + 14}" font-size="12" fill="${xml(p.chrome.foreground)}">${xml(g.label)}</text>`);
    parts.push(`<image x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" style="image-rendering:pixelated" href="${g.canvas.toDataURL('image/png')}"/>`);
  });
  parts.push(`<text x="${PAD + LABEL_W}" y="${L.height - PAD}" font-size="11" fill="${xml(p.chrome.muted)}">${xml(p.footer)}</text>`, '</svg>');
  return parts.join('\n');
}

/**
 * One CSV text field. A token that starts with =, +, -, @, tab or CR would be run as a formula by
 * spreadsheets (CSV injection, OWASP): a leading apostrophe makes it text. Then quoted when needed.
 */
function csvField(text: string): string {
  const s = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvSource {
  steps: [number, number];
  /** Display rows [start, end) and their units. */
  rows: [number, number];
  order: Int32Array;
  valid: number;
  tokens?: readonly string[];
  originalStep: (s: number) => number;
  /** Gate names in display order (the CSV's value columns). */
  names: readonly string[];
  value: (g: string, step: number, unit: number) => number;
}

/** Long-format CSV (one row per cell) of the visible steps x units; masked cells say so. */
export function visibleCsv(src: CsvSource): string {
  const out: string[] = [`step,token,unit,${src.names.join(',')},masked`];
  for (let s = src.steps[0]; s < src.steps[1]; s++) {
    const tok = src.tokens ? csvField(src.tokens[s] ?? '') : '';
    const masked = s >= src.valid;
    for (let d = src.rows[0]; d < src.rows[1]; d++) {
      const u = src.order[d]!;
      const vals = masked ? ','.repeat(src.names.length - 1) : src.names.map((g) => formatFloat32(src.value(g, s, u))).join(',');
      out.push(`${src.originalStep(s)},${tok},${u},${vals},${masked ? 1 : 0}`);
    }
  }
  return out.join('\n') + '\n';
}

type ExportReply = Extract<HostToRenderer, { type: 'exportResult' }>;

/** Sends exports to the host and resolves each with the host's reply. */
export class ExportChannel {
  private next = 1;
  private readonly pending = new Map<number, (r: ExportReply) => void>();

  constructor(private readonly post: (m: RendererToHost) => void) {}

  send(format: ExportFormat, suggestedName: string, data: string): Promise<ExportReply> {
    const requestId = this.next++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.post({ type: 'export', requestId, format, suggestedName, data, encoding: format === 'png' ? 'base64' : 'utf8' });
    });
  }

  /** Routes a host message; returns true when it answered one of this channel's requests. */
  receive(m: unknown): boolean {
    if (!m || typeof m !== 'object' || (m as HostToRenderer).type !== 'exportResult') return false;
    const r = m as ExportReply;
    const done = this.pending.get(r.requestId);
    if (!done) return false;
    this.pending.delete(r.requestId);
    done(r);
    return true;
  }
}
