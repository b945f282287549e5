import * as assert from 'node:assert/strict';
import { ExportChannel, visibleCsv } from '../../../src/renderer/export';
import type { RendererToHost } from '../../../src/core/protocol';

describe('CSV of the visible selection', () => {
  const values: Record<string, number[]> = { r: [0.1, 0.2, 0.3, 0.4], z: [1, 0, 1, 0], n: [-1, NaN, 0.5, Infinity], h: [0, 0, 0, -Infinity] };
  // 2 steps x 2 units, [step][unit]
  const value = (g: string, s: number, u: number) => values[g]![s * 2 + u]!;
  const names = ['r', 'z', 'n', 'h'];

  it('writes one row per visible cell, in display order, with tokens quoted when needed', () => {
    const csv = visibleCsv({ steps: [0, 2], rows: [0, 2], order: Int32Array.from([1, 0]), valid: 2, tokens: ['a,b', 'say "hi"'], originalStep: (s) => s, names, value });
    assert.equal(
      csv,
      [
        'step,token,unit,r,z,n,h,masked',
        '0,"a,b",1,0.2,0,NaN,0,0',
        '0,"a,b",0,0.1,1,-1,0,0',
        '1,"say ""hi""",1,0.4,0,+Inf,-Inf,0',
        '1,"say ""hi""",0,0.3,1,0.5,0,0',
        '',
      ].join('\n'),
    );
  });

  it('neutralises tokens a spreadsheet would run as formulas (=, +, -, @, tab, CR first)', () => {
    const tokens = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', 'plain'];
    const csv = visibleCsv({ steps: [0, tokens.length], rows: [0, 1], order: Int32Array.from([0]), valid: tokens.length, tokens, names: ['r', 'z', 'n', 'h'], originalStep: (s) => s, value: () => 0 });
    const cells = csv.split('\n').slice(1, -1).map((line) => line.slice(line.indexOf(',') + 1, line.lastIndexOf(',0,0,0,0,0') - 2));
    assert.deepEqual(cells, ['"\'=HYPERLINK(""http://x"")"', "'+1", "'-2+3", "'@SUM(A1)", "'\tx", '"\'\rx"', 'plain']);
  });

  it('leaves masked cells empty and marks them, using original step numbers', () => {
    const csv = visibleCsv({ steps: [1, 2], rows: [0, 1], order: Int32Array.from([0, 1]), valid: 1, originalStep: (s) => s * 4, names, value });
    assert.equal(csv, 'step,token,unit,r,z,n,h,masked\n4,,0,,,,,1\n');
  });
});

describe('export channel', () => {
  it('posts export requests and resolves each with its own reply', async () => {
    const sent: RendererToHost[] = [];
    const ch = new ExportChannel((m) => sent.push(m));
    const a = ch.send('png', 'a.png', 'QUJD');
    const b = ch.send('csv', 'b.csv', 'x,y\n');
    assert.deepEqual(
      sent.map((m) => (m.type === 'export' ? [m.format, m.encoding, m.suggestedName] : [])),
      [
        ['png', 'base64', 'a.png'],
        ['csv', 'utf8', 'b.csv'],
      ],
    );
    const idB = (sent[1] as Extract<RendererToHost, { type: 'export' }>).requestId;
    const idA = (sent[0] as Extract<RendererToHost, { type: 'export' }>).requestId;
    assert.equal(ch.receive({ type: 'exportResult', requestId: idB, ok: false, cancelled: true }), true);
    assert.equal(ch.receive({ type: 'exportResult', requestId: idA, ok: true, path: '/tmp/a.png' }), true);
    assert.deepEqual(await b, { type: 'exportResult', requestId: idB, ok: false, cancelled: true });
    assert.deepEqual(await a, { type: 'exportResult', requestId: idA, ok: true, path: '/tmp/a.png' });
  });

  it('ignores messages that are not replies to its requests', () => {
    const ch = new ExportChannel(() => undefined);
    assert.equal(ch.receive({ type: 'exportResult', requestId: 99, ok: true, path: 'x' }), false);
    assert.equal(ch.receive('hello'), false);
    assert.equal(ch.receive(null), false);
  });
});
