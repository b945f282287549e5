// LSTM and RNN models through the whole ONNX trace (trace format v2): exported by torch.onnx,
// encoded, decoded, and the last recurrent node's h compared with torch's own output.
import * as assert from 'node:assert/strict';
import { gateNames } from '../../../src/core/cells/gate-sets';
import { decodeTrace } from '../../../src/core/trace/decode';
import { gateOf, inlineValues } from '../../../src/core/trace/decoded';
import { traceOnnxModel } from '../../../src/onnx/trace';
import { fixtureBytes, maxAbsDiff, npyTensor, WASM_DIR } from './fixtures';

describe('ONNX trace (format v2) of LSTM, RNN and mixed models', function () {
  this.timeout(60000);
  const cases: [string, string[]][] = [['export_lstm', ['lstm', 'lstm']], ['export_rnn', ['rnn', 'rnn']], ['export_mixed', ['gru', 'lstm', 'lstm', 'rnn']]];
  for (const [name, cells] of cases) {
    for (const engine of ['onnxruntime', 'native'] as const) {
      it(`${name}, engine ${engine}: layer entries ${cells.join(', ')} with their gate lists; the last node's h matches torch within 1e-4 after encoding`, async () => {
        const { document } = await traceOnnxModel({ modelBytes: fixtureBytes(`${name}.onnx`), inputs: { x: npyTensor(`${name}.input.npy`) }, engine, wasmDir: WASM_DIR, precision: 'float32' });
        const d = decodeTrace(JSON.parse(JSON.stringify(document)));
        assert.equal(d.version, 2);
        assert.deepEqual(d.layers.map((l) => l.cell), cells);
        for (const l of d.layers) assert.deepEqual(l.gates.map((g) => g.name), gateNames(l.cell));
        const lastNode = Math.max(...d.layers.map((l) => l.layer));
        const last = d.layers.filter((l) => l.layer === lastNode);
        const H = last[0]!.hiddenSize;
        const D = last.length;
        const torch = npyTensor(`${name}.output.npy`).data as Float32Array;
        const got = new Float32Array(torch.length);
        last.forEach((l, k) => {
          const h = inlineValues(gateOf(l, 'h')!)!;
          for (let m = 0; m < d.batch * d.steps; m++) for (let u = 0; u < H; u++) got[(m * D + k) * H + u] = h[m * H + u]!;
        });
        const err = maxAbsDiff(got, torch);
        assert.ok(err <= 1e-4, `h vs torch: ${err}`);
        assert.ok(d.check!.maxAbsError <= 1e-6, d.check!.reference);
      });
    }
  }
});
