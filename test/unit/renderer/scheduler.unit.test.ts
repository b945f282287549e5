// The view's scheduling without a browser: animation frames and matchMedia are stubbed on globalThis
// (MessageChannel and performance are Node's own).
import * as assert from 'node:assert/strict';
import { AxisCache } from '../../../src/renderer/axes';
import { watchDevicePixelRatio } from '../../../src/renderer/dpr-watch';
import { BackgroundWork, FrameScheduler } from '../../../src/renderer/scheduler';

type Globals = { requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown; matchMedia?: unknown; devicePixelRatio?: number };
const g = globalThis as Globals;

describe('frame scheduler: one draw per frame, only dirty parts', () => {
  let pending: Map<number, () => void>;
  let next: number;
  const runFrame = () => {
    const fns = [...pending.values()];
    pending.clear();
    for (const f of fns) f();
  };
  beforeEach(() => {
    pending = new Map();
    next = 1;
    g.requestAnimationFrame = (fn: () => void) => {
      pending.set(next, fn);
      return next++;
    };
    g.cancelAnimationFrame = (id: number) => pending.delete(id);
  });
  afterEach(() => {
    delete g.requestAnimationFrame;
    delete g.cancelAnimationFrame;
  });
  const recorder = () => {
    const drawn: string[] = [];
    const s = new FrameScheduler({ heatmaps: () => drawn.push('heatmaps'), axes: () => drawn.push('axes'), overlay: () => drawn.push('overlay'), plots: () => drawn.push('plots') });
    return { drawn, s };
  };

  it('draws every part in the first frame, in order', () => {
    const { drawn, s } = recorder();
    s.invalidate({});
    runFrame();
    assert.deepEqual(drawn, ['heatmaps', 'axes', 'overlay', 'plots']);
  });
  it('coalesces every request between two frames into one frame that draws their union', () => {
    const { drawn, s } = recorder();
    s.invalidate({});
    runFrame();
    drawn.length = 0;
    for (let i = 0; i < 50; i++) s.invalidate({ overlay: true });
    s.invalidate({ axes: true });
    assert.equal(pending.size, 1, 'one frame asked for');
    runFrame();
    assert.deepEqual(drawn, ['axes', 'overlay']);
    runFrame();
    assert.deepEqual(drawn, ['axes', 'overlay'], 'nothing more without a new request');
  });
  it('draws nothing once disposed, and cancels the frame asked for', () => {
    const { drawn, s } = recorder();
    s.invalidate({ plots: true });
    s.dispose();
    assert.equal(pending.size, 0);
    s.invalidate({ plots: true });
    runFrame();
    assert.deepEqual(drawn, []);
  });
});

describe('background work in separate tasks', () => {
  it('runs slices until none is left, then calls done once; pump while running starts nothing more', async () => {
    let left = 5;
    let slices = 0;
    let done = 0;
    const finished = new Promise<void>((resolve) => {
      const w = new BackgroundWork(
        () => {
          slices++;
          w.pump();
          return --left > 0;
        },
        () => {
          done++;
          w.dispose();
          resolve();
        },
      );
      w.pump();
      w.pump();
    });
    await finished;
    assert.equal(slices, 5);
    assert.equal(done, 1);
  });
});

describe('axis cache', () => {
  it('redraws an axis only when its inputs change', () => {
    const cache = new AxisCache();
    const axis = {};
    const order = Int32Array.from([1, 0]);
    let draws = 0;
    const draw = () => draws++;
    assert.equal(cache.update(axis, [0, 10, 200, order], draw), true);
    assert.equal(cache.update(axis, [0, 10, 200, order], draw), false);
    assert.equal(cache.update(axis, [0, 10, 200, Int32Array.from([1, 0])], draw), true, 'a new order array');
    assert.equal(cache.update(axis, [0, 12, 200, order], draw), true);
    assert.equal(cache.update({}, [0, 12, 200, order], draw), true, 'another axis');
    assert.equal(draws, 4);
  });
});

describe('device pixel ratio watch', () => {
  interface FakeQuery {
    media: string;
    listeners: Set<() => void>;
    addEventListener(t: string, fn: () => void): void;
    removeEventListener(t: string, fn: () => void): void;
  }
  let queries: FakeQuery[];
  beforeEach(() => {
    queries = [];
    g.devicePixelRatio = 1;
    g.matchMedia = (media: string) => {
      const q: FakeQuery = {
        media,
        listeners: new Set(),
        addEventListener: (_t, fn) => q.listeners.add(fn),
        removeEventListener: (_t, fn) => q.listeners.delete(fn),
      };
      queries.push(q);
      return q;
    };
  });
  afterEach(() => {
    delete g.matchMedia;
    delete g.devicePixelRatio;
  });

  it('calls back on each change and watches the new ratio after it', () => {
    let changes = 0;
    const stop = watchDevicePixelRatio(() => changes++);
    assert.deepEqual(queries.map((q) => q.media), ['(resolution: 1dppx)']);
    g.devicePixelRatio = 2;
    for (const fn of [...queries[0]!.listeners]) fn();
    assert.equal(changes, 1);
    assert.deepEqual(queries.map((q) => q.media), ['(resolution: 1dppx)', '(resolution: 2dppx)']);
    stop();
    assert.equal(queries[1]!.listeners.size, 0, 'stopped watching');
  });
  it('does nothing where matchMedia is missing', () => {
    delete g.matchMedia;
    const stop = watchDevicePixelRatio(() => assert.fail('no change can be seen'));
    stop();
  });
});
