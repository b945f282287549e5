// `gatescope render` end to end: the real renderer bundle in headless Chromium, writing a PNG
// whose pixels hold the data colours. Needs dist/renderer/index.js (node esbuild.js) and Chromium.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decode } from 'fast-png';
import { runRender } from '../../../src/cli/render';
import { DIVERGING_LUT, SEQUENTIAL_LUT } from '../../../src/core/color/maps';
import { encodeTrace } from '../../../src/core/trace';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-render-'));

function writeTrace(): string {
  const T = 24;
  const H = 6;
  const fill = (v: number) => new Float32Array(T * H).fill(v);
  const { document: doc } = encodeTrace(
    {
      model: { name: 'render test', source: 'native', engine: 'unit test' },
      layers: [
        {
          layer: 0,
          direction: 'forward',
          cell: 'gru',
          hiddenSize: H,
          convention: { gateOrder: ['r', 'z', 'n'], linearBeforeReset: true, zMeaning: 'keep-old', activations: { f: { name: 'Sigmoid' }, g: { name: 'Tanh' } } },
          gates: { r: fill(1), z: fill(0), n: fill(1), h: fill(-1) },
        },
      ],
      batch: 1,
      steps: T,
      tokens: Array.from({ length: T }, (_, t) => `t${t}`),
    },
    { precision: 'float32' },
  );
  const file = path.join(tmp, 'trace.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** Runs runRender with stderr captured. */
async function render(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  let stderr = '';
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await runRender(argv), stderr };
  } finally {
    process.stderr.write = write;
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

function countColour(png: { data: ArrayLike<number>; channels: number }, lut: Uint8ClampedArray, i: number): number {
  const [r, g, b] = [lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!];
  let n = 0;
  for (let p = 0; p < png.data.length; p += png.channels) {
    if (Math.abs(png.data[p]! - r) <= 2 && Math.abs(png.data[p + 1]! - g) <= 2 && Math.abs(png.data[p + 2]! - b) <= 2) n++;
  }
  return n;
}

describe('gatescope render (headless Chromium)', function () {
  this.timeout(120000);

  it('writes a PNG of the given width showing each gate in its colour', async () => {
    const out = path.join(tmp, 'out.png');
    const r = await render([writeTrace(), '--out', out, '--theme', 'dark', '--width', '900']);
    assert.equal(r.code, 0, r.stderr);
    const png = decode(fs.readFileSync(out));
    assert.equal(png.width, 900);
    assert.ok(png.height > 300, `height ${png.height}`);
    // Each heatmap is about 800 x 56 px of one colour: r = 1, z = 0, n = 1, h = -1.
    for (const [name, lut, i] of [['r', SEQUENTIAL_LUT, 255], ['z', SEQUENTIAL_LUT, 0], ['n', DIVERGING_LUT, 255], ['h', DIVERGING_LUT, 0]] as const) {
      assert.ok(countColour(png, lut, i) > 20000, `gate ${name}: its colour covers too few pixels`);
    }
  });

  it('reports a document it cannot show as one line, exit 1', async () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'gatescope.trace', version: 1, model: {} }));
    const r = await render([bad, '--out', path.join(tmp, 'bad.png')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^gatescope: .*bad\.json: model\.name: expected a string/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(fs.existsSync(path.join(tmp, 'bad.png')), false);
  });

  it('says clearly when Chromium is missing', async () => {
    const r = await render([writeTrace(), '--out', path.join(tmp, 'x.png')], { CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^gatescope: CHROMIUM_PATH is '\/nonexistent\/chromium', but no file is there/);
  });

  it('rejects bad arguments with usage errors (exit 2)', async () => {
    for (const [argv, msg] of [
      [[], /missing TRACE\.json/],
      [['t.json'], /missing --out FILE\.png/],
      [['t.json', '--out', 'x.jpg'], /must name a \.png file/],
      [['t.json', '--out', 'x.png', '--theme', 'sepia'], /unknown theme 'sepia'/],
      [['t.json', '--out', 'x.png', '--width', 'wide'], /--width must be an integer/],
      [['t.json', '--out', 'x.png', '--frobnicate'], /unknown option '--frobnicate'/],
    ] as const) {
      const r = await render([...argv]);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, msg);
    }
  });
});
