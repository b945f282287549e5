// exportGates: every gate of a decoded trace at full resolution, NaN where masked, one gate at a time.
import assert from 'node:assert/strict';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace } from '../../../../src/core/trace/encode';
import { ExportError, exportFileName, exportGates, needsSidecar } from '../../../../src/core/trace/export-gates';
import { makeInput } from './make-trace';

async function all<T>(g: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

describe('exportGates', () => {
  it('names files by run, layer, direction and gate', () => {
    assert.equal(exportFileName({ layer: 0, direction: 'forward' }, 'r'), 'L0-forward-r.npy');
    assert.equal(exportFileName({ layer: 2, direction: 'reverse', run: 'a' }, 'c'), 'L2-reverse-c.npy');
    assert.equal(exportFileName({ layer: 1, direction: 'reverse', run: 'b' }, 'h'), 'b-L1-reverse-h.npy');
  });

  it('yields each inline gate as a copy with NaN in masked steps, the decoded trace untouched', async () => {
    const input = makeInput({ batch: 2, steps: 3, hidden: [2], seed: 61 });
    input.sequenceLengths = [3, 1];
    const t = decodeTrace(JSON.parse(JSON.stringify(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document)));
    assert.equal(needsSidecar(t), false);
    const gates = await all(exportGates(t));
    assert.deepEqual(
      gates.map((g) => [g.file, g.shape]),
      ['r', 'z', 'n', 'h'].map((g) => [`L0-forward-${g}.npy`, [2, 3, 2]]),
    );
    for (const g of gates) {
      const src = input.layers[0]!.gates[g.gate]!;
      // [b][t][u]: item 1 is valid at step 0 only.
      g.values.forEach((v, i) => {
        const b = Math.floor(i / 6);
        const s = Math.floor(i / 2) % 3;
        if (b === 1 && s >= 1) assert.ok(Number.isNaN(v), `${g.gate}[${i}] masked`);
        else assert.equal(v, src[i]);
      });
    }
    assert.equal(t.layers[0]!.gates[0]!.levels[0]!.mean![(1 * 3 + 2) * 2], 0, 'the decoded level keeps its stored 0');
  });

  it('reads level 0 of a sidecar trace through readTensor, and refuses without it or with a tensor of another size', async () => {
    const input = makeInput({ batch: 1, steps: 400, hidden: [3], seed: 62 });
    const enc = encodeTrace(input, { maxBytes: 6000, sidecar: { stem: 's' } });
    assert.ok(enc.sidecar);
    enc.document.sidecar = { file: 's-000000000000.gatescope.safetensors', bytes: enc.sidecar.layout.totalBytes, headerSha256: '0'.repeat(64) };
    const t = decodeTrace(JSON.parse(JSON.stringify(enc.document)));
    assert.equal(needsSidecar(t), true);
    const byName = new Map(enc.sidecar.layout.tensors.map((x, i) => [x.name, enc.sidecar!.values[i]!]));
    const asked: string[] = [];
    const gates = await all(
      exportGates(t, async (name) => {
        asked.push(name);
        return byName.get(name)!.slice();
      }),
    );
    assert.deepEqual(asked, ['L0.forward.r.x1.mean', 'L0.forward.z.x1.mean', 'L0.forward.n.x1.mean', 'L0.forward.h.x1.mean']);
    gates.forEach((g) => assert.deepEqual(g.values, input.layers[0]!.gates[g.gate]));
    await assert.rejects(all(exportGates(t)), (e: unknown) => e instanceof ExportError && e.message === 'layer 0 forward gate r: its values are in the sidecar (tensor L0.forward.r.x1.mean), which was not read');
    await assert.rejects(
      all(exportGates(t, async () => new Float32Array(5))),
      (e: unknown) => e instanceof ExportError && e.message === 'sidecar tensor L0.forward.r.x1.mean holds 5 values; the trace expects [1, 400, 3] = 1200',
    );
  });
});
