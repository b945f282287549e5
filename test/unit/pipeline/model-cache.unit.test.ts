import * as assert from 'node:assert/strict';
import { ModelCache } from '../../../src/pipeline';
import { fixtureBytes } from '../onnx/fixtures';

describe('model cache (decoded models kept between runs, by file identity)', () => {
  const bytes = fixtureBytes('gru1.onnx');
  const a = { file: 'file:///w/a.onnx', version: '10-1' };
  const b = { file: 'file:///w/b.onnx', version: '10-1' };

  it('returns the same plan for the same file version, decoding once', () => {
    const cache = new ModelCache(4, async () => undefined);
    const first = cache.plan(bytes, a);
    const second = cache.plan(bytes, a);
    assert.deepEqual([first.hit, second.hit], [false, true]);
    assert.equal(second.plan, first.plan);
    assert.equal(first.plan.prepared(), first.plan.prepared(), 'prepared once per plan');
  });

  it('keys bytes without an identity by their content', () => {
    const cache = new ModelCache(4, async () => undefined);
    assert.equal(cache.plan(bytes).hit, false);
    assert.equal(cache.plan(bytes.slice()).hit, true);
  });

  it('drops a file\'s plan and releases its sessions when the file changes, is forgotten, is evicted or the cache is cleared', async () => {
    const released: string[] = [];
    const cache = new ModelCache(2, async (key) => void released.push(key));
    cache.plan(bytes, a);
    cache.plan(bytes, { ...a, version: '10-2' });
    assert.deepEqual(released, ['file file:///w/a.onnx @10-1']);
    cache.plan(bytes, b);
    await cache.forget(b.file);
    assert.deepEqual(released.slice(1), ['file file:///w/b.onnx @10-1']);
    cache.plan(bytes, b);
    cache.plan(bytes);
    assert.equal(cache.size, 2, 'the least recently used beyond 2 is evicted');
    assert.equal(released.length, 3);
    await cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(released.length, 5);
  });
});
