import * as assert from 'node:assert/strict';
import { covers, rescaleBlit, type Shown } from '../../../../src/core/view/rescale';

const view = (s0: number, s1: number, u0: number, u1: number): Shown => ({ steps: { start: s0, end: s1 }, units: { start: u0, end: u1 } });

/** Where step s lands on a w-pixel axis showing [start, end). */
const px = (s: number, start: number, end: number, w: number) => ((s - start) / (end - start)) * w;

describe('rescaled previews of a moved view (src/core/view/rescale.ts)', () => {
  it('zooming in 2x about the middle takes the middle half of the old picture onto the whole canvas', () => {
    assert.deepEqual(rescaleBlit(view(0, 100, 0, 40), view(25, 75, 10, 30), 1000, 200), { sx: 250, sw: 500, dx: 0, dw: 1000, sy: 50, sh: 100, dy: 0, dh: 200 });
  });

  it('zooming out 2x puts the whole old picture into the middle half of the canvas', () => {
    assert.deepEqual(rescaleBlit(view(25, 75, 0, 40), view(0, 100, 0, 40), 1000, 200), { sx: 0, sw: 1000, dx: 250, dw: 500, sy: 0, sh: 200, dy: 0, dh: 200 });
  });

  it('a pan keeps the overlap: every step of it lands where the new view shows it', () => {
    const from = view(1000, 2000, 0, 512);
    const to = view(1300.5, 2300.5, 0, 512);
    const b = rescaleBlit(from, to, 970, 180)!;
    // The overlap is steps [1300.5, 2000): its first step at source x px(1300.5, from), destination x 0.
    assert.ok(Math.abs(b.sx - px(1300.5, 1000, 2000, 970)) < 1e-9);
    assert.equal(b.dx, 0);
    assert.ok(Math.abs(b.sx + b.sw - 970) < 1e-9, 'to the old picture\'s right edge');
    assert.ok(Math.abs(b.dx + b.dw - px(2000, 1300.5, 2300.5, 970)) < 1e-9, 'to where step 2000 now is');
    assert.ok(Math.abs(b.sw - b.dw) < 1e-9, 'a pan does not scale');
    assert.deepEqual([b.sy, b.sh, b.dy, b.dh], [0, 180, 0, 180]);
  });

  it('views sharing no step, or no unit, give nothing to draw', () => {
    assert.equal(rescaleBlit(view(0, 10, 0, 8), view(10, 20, 0, 8), 100, 50), undefined);
    assert.equal(rescaleBlit(view(0, 10, 0, 8), view(0, 10, 8, 16), 100, 50), undefined);
    assert.equal(rescaleBlit(view(0, 0, 0, 8), view(0, 10, 0, 8), 100, 50), undefined, 'an empty old view');
  });

  it('covers: a picture of a wider view holds every pixel of a narrower one, not the reverse', () => {
    assert.equal(covers(view(0, 100, 0, 40), view(10, 90, 5, 35)), true);
    assert.equal(covers(view(0, 100, 0, 40), view(0, 100, 0, 40)), true);
    assert.equal(covers(view(10, 90, 5, 35), view(0, 100, 0, 40)), false);
    assert.equal(covers(view(0, 100, 0, 40), view(50, 101, 0, 40)), false);
  });
});
