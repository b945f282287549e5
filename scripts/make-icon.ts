// Draws media/icon.png (128x128): a small gate heatmap in Gatescope's own colour maps, the top
// half sequential (r, z), the bottom half diverging (n, h). Run: npx tsx scripts/make-icon.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encode } from 'fast-png';
import { DIVERGING_LUT, SEQUENTIAL_LUT, lutIndex } from '../src/core/color/maps';

const SIZE = 128;
const CELLS = 8;
const GAP = 2;
const data = new Uint8Array(SIZE * SIZE * 4);
const cell = SIZE / CELLS;
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    const o = (y * SIZE + x) * 4;
    const inGap = x % cell < GAP / 2 || x % cell >= cell - GAP / 2 || y % cell < GAP / 2 || y % cell >= cell - GAP / 2;
    if (inGap) continue; // transparent grid lines
    const t = cx / (CELLS - 1);
    const sequential = cy < CELLS / 2;
    const v = sequential ? 1 / (1 + Math.exp(-8 * (t - 0.25 - 0.12 * cy))) : Math.tanh(3 * Math.sin(2.2 * t * Math.PI + cy));
    const lut = sequential ? SEQUENTIAL_LUT : DIVERGING_LUT;
    const i = sequential ? lutIndex(v, 0, 1) : lutIndex(v, -1, 1);
    data.set(lut.subarray(i * 4, i * 4 + 4), o);
  }
}
const out = path.join(__dirname, '..', 'media', 'icon.png');
fs.writeFileSync(out, encode({ width: SIZE, height: SIZE, data, channels: 4, depth: 8 }));
console.log(`wrote ${out}`);
