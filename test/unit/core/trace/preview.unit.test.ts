import assert from 'node:assert/strict';
import { decode } from 'fast-png';
import { DIVERGING_LUT, SEQUENTIAL_MAPS, lutIndex, sequentialLut, specialColours, type SequentialMap } from '../../../../src/core/color/maps';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace } from '../../../../src/core/trace/encode';
import { previewLayout, renderPreviewPng } from '../../../../src/core/preview/render-png';
import { makeInput } from './make-trace';

function trace(opts: { steps: number; hidden: number[]; lengths?: number[]; batch?: number }) {
  const input = makeInput({ batch: opts.batch ?? 2, steps: opts.steps, hidden: opts.hidden, bidirectional: true, seed: 21 });
  if (opts.lengths) input.sequenceLengths = opts.lengths;
  const { h, n } = input.layers[0]!.gates;
  h![3] = NaN; // batch 0, step 0, unit 3
  n![opts.hidden[0]! + 1] = Infinity; // batch 0, step 1, unit 1
  n![2 * opts.hidden[0]! + 2] = -Infinity; // batch 0, step 2, unit 2
  return decodeTrace(JSON.parse(JSON.stringify(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document)));
}

function expected(gate: string, v: number, masked: boolean, map: SequentialMap): number[] {
  const special = specialColours(map);
  if (masked) return [...special.masked];
  if (Number.isNaN(v)) return [...special.nan];
  if (v === Infinity) return [...special.posInf];
  if (v === -Infinity) return [...special.negInf];
  const [lut, i] = gate === 'r' || gate === 'z' ? [sequentialLut(map), lutIndex(v, 0, 1)] : [DIVERGING_LUT, lutIndex(v, -1, 1)];
  return [...lut.subarray(i * 4, i * 4 + 4)];
}

describe('PNG preview', () => {
  for (const map of SEQUENTIAL_MAPS) it(`is a PNG whose every heatmap pixel has the shared colour map colour of its cell (batch 0; gatescope.colorMap ${map})`, () => {
    const t = trace({ steps: 30, hidden: [12, 5], lengths: [24, 30] });
    const png = renderPreviewPng(t, { colorMap: map });
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const img = decode(png);
    const layout = previewLayout(t);
    assert.equal(img.width, layout.width);
    assert.equal(img.height, layout.height);
    assert.equal(img.channels, 4);
    assert.equal(layout.panels.length, 4 * 4);
    let checked = 0;
    const seen = new Set<string>();
    for (const p of layout.panels) {
      const layer = t.layers[p.entry]!;
      const gate = layer.gates[p.gate]!;
      const values = gate.levels[0]!.mean!;
      for (let r = 0; r < p.height; r++) {
        for (let c = 0; c < p.width; c++) {
          const step = p.stepOfColumn[c]!;
          const unit = p.unitOfRow[r]!;
          const v = values[step * gate.units + unit]!;
          const want = expected(gate.name, v, step >= 24, map);
          const o = ((p.y + r) * img.width + p.x + c) * 4;
          const d = img.data;
          if (d[o] !== want[0] || d[o + 1] !== want[1] || d[o + 2] !== want[2] || d[o + 3] !== want[3]) {
            assert.fail(`entry ${p.entry} ${gate.name} step ${step} unit ${unit}: pixel ${[...d.subarray(o, o + 4)]}, expected ${want}`);
          }
          seen.add(want.join(','));
          checked++;
        }
      }
    }
    assert.ok(checked > 10_000);
    const special = specialColours(map);
    for (const s of [special.nan, special.posInf, special.negInf, special.masked]) assert.ok(seen.has(s.join(',')), `special colour ${s} not drawn`);
  });

  it('shows each step as a column of whole cells when steps fit, one pixel per step otherwise', () => {
    const small = previewLayout(trace({ steps: 30, hidden: [12] }));
    assert.equal(small.panels[0]!.width % 30, 0);
    const long = trace({ steps: 3000, hidden: [4], batch: 1 });
    const layout = previewLayout(long, { maxWidth: 800 });
    assert.ok(layout.width <= 800, `width ${layout.width}`);
    const cols = layout.panels[0]!.stepOfColumn;
    assert.equal(cols[0], 0);
    assert.ok(cols[cols.length - 1]! >= 2990 && cols[cols.length - 1]! < 3000);
    const img = decode(renderPreviewPng(long, { maxWidth: 800 }));
    assert.ok(img.width <= 800);
  });

  it('keeps tall layers to at most 128 pixel rows per panel', () => {
    const layout = previewLayout(trace({ steps: 10, hidden: [300], batch: 1 }));
    assert.equal(layout.panels[0]!.height, 128);
    assert.equal(layout.panels[0]!.unitOfRow[127], Math.floor((127 * 300) / 128));
  });

  it('labels panels by layer, direction and gate', () => {
    const layout = previewLayout(trace({ steps: 10, hidden: [3, 3] }));
    assert.deepEqual(
      layout.labels.slice(0, 5).map((l) => l.text),
      ['L0 FWD r', 'L0 FWD z', 'L0 FWD n', 'L0 FWD h', 'L0 REV r'],
    );
  });
});
