// The fuzz suite's short run inside `npm test` (issue 15): a fixed seed and a few seconds over the
// npy, JSON-tensor, ONNX and trace parsers. `npm run fuzz` (test/fuzz/run-fuzz.ts) runs the same
// targets longer and adds numpy, onnxruntime-node and spawned-CLI checks.
import * as assert from 'node:assert/strict';
import { fuzz, TARGETS, type TargetName } from '../../fuzz/targets';

const SEED = 15;
/** Cases per target, and a wall-clock cap per target so a slow machine stays within seconds. */
const PLAN: Record<TargetName, { count: number; budgetMs: number }> = {
  npy: { count: 400, budgetMs: 1000 },
  json: { count: 400, budgetMs: 1000 },
  trace: { count: 200, budgetMs: 1000 },
  onnx: { count: 25, budgetMs: 3000 },
};

describe('fuzz: hostile inputs to every parser (seeded, bounded in time)', function () {
  this.timeout(30000);
  for (const name of Object.keys(PLAN) as TargetName[]) {
    it(`${name}: every rejection is one line of a known error, every acceptance reads the right values`, async () => {
      const { count, budgetMs } = PLAN[name];
      const r = await fuzz(TARGETS[name] as Parameters<typeof fuzz>[0], SEED, count, budgetMs);
      assert.ok(r.runs >= Math.min(count, 10), `only ${r.runs} cases ran`);
      assert.ok(r.refused > 0, 'the mutators produce rejections');
      assert.deepEqual(r.findings.slice(0, 5), [], `${r.findings.length} findings (seed ${SEED}); reproduce with npm run fuzz -- --seed ${SEED} --only ${name}`);
    });
  }
});
