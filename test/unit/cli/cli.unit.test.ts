// The built `gatescope` CLI, spawned as a user runs it. before() bundles src/cli/main.ts exactly as
// esbuild.js does (same options and shared plugins) into a temporary dist/, with the onnxruntime-web
// files listed in scripts/ort-files.js: so this also proves those two files are all the CLI loads.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeTrace } from '../../../src/core/trace/decode';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { FIXTURES } from '../onnx/fixtures';
import { gateOf } from '../../../src/core/trace/decoded';
import { schemaErrors } from '../core/trace/schema.unit.test';
import { encodeNpyFloat32 } from '../../../src/core/io/npy-write';
import { SidecarReader } from '../../../src/core/trace/sidecar-reader';
import { fileByteSource, sha256Hex } from '../../../src/node/sidecar-file';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plugins, define } = require('../../../scripts/esbuild-plugins.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ORT_RUNTIME_FILES } = require('../../../scripts/ort-files.js') as { ORT_RUNTIME_FILES: string[] };

const ROOT = path.resolve(__dirname, '../../..');
const fx = (f: string) => path.join(FIXTURES, f);

describe('gatescope CLI (built bundle, spawned)', function () {
  this.timeout(120000);
  let dir = '';
  let main = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-cli-'));
    main = path.join(dir, 'dist', 'cli', 'main.js');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: main, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', plugins, define, logLevel: 'silent' });
    mkdirSync(path.join(dir, 'dist', 'ort'));
    for (const f of ORT_RUNTIME_FILES) copyFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist', f), path.join(dir, 'dist', 'ort', f));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'empty.onnx'), '');
    writeFileSync(path.join(dir, 'truncated.onnx'), readFileSync(fx('gru1.onnx')).subarray(0, 1000));
    let seed = 3;
    writeFileSync(path.join(dir, 'random.onnx'), Uint8Array.from({ length: 2000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255));
    writeFileSync(path.join(dir, 'bad.npy'), 'not numpy at all');
    writeFileSync(path.join(dir, 'truncated.npy'), readFileSync(fx('gru1.input.npy')).subarray(0, 150));
    writeFileSync(path.join(dir, 'tokens.txt'), 'l1\nl2\nl 3\nl4\nl5\nl6\nl7\n');
    writeFileSync(path.join(dir, 'tokens.json'), '[[1, 2, 3, 4, 1, 5, 10]]');
    writeFileSync(path.join(dir, 'rank2.json'), JSON.stringify([[1, 2, 3, 4, 5]]));
    writeFileSync(path.join(dir, 'width4.json'), JSON.stringify(Array.from({ length: 7 }, () => [[0.1, 0.2, 0.3, 0.4]])));
    const x = JSON.parse(JSON.stringify(Array.from({ length: 7 }, (_, t) => [[0.1 * t, -0.2, 0.3, 0.05, 0.5]])));
    x[3][0][1] = 'NaN';
    writeFileSync(path.join(dir, 'nan.json'), JSON.stringify(x));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Exactly one stderr line, equal to `line`, and the exit status. */
  const fails = (code: number, line: string, ...args: string[]) => {
    const r = run(...args);
    assert.equal(r.stderr, `${line}\n`);
    assert.equal(r.code, code);
    assert.equal(r.stdout, '');
  };

  it('prints --help and --version', () => {
    const h = run('--help');
    assert.equal(h.code, 0);
    assert.match(h.stdout, /gatescope trace MODEL\.onnx --input FILE \[--input NAME=FILE \.\.\.\]/);
    const v = run('--version');
    assert.equal(v.code, 0);
    assert.equal(v.stdout, `gatescope ${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('writes a trace to stdout and exits 0', () => {
    const r = run('trace', fx('gru1.onnx'), '--input', fx('gru1.input.npy'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).version, 2);
    assert.equal(schemaErrors(JSON.parse(r.stdout)), '', 'the CLI writes what the JSON Schema accepts');
    const doc = decodeTrace(JSON.parse(r.stdout));
    assert.deepEqual(
      doc.layers[0]!.gates.map((g) => [g.name, g.units, g.levels.length, g.levels[0]!.dtype]),
      ['r', 'z', 'n', 'h'].map((g) => [g, doc.layers[0]!.hiddenSize, 1, 'float32']),
    );
    assert.equal(doc.layers.length, 1);
    assert.equal(doc.steps, 7);
    assert.ok(doc.check!.maxAbsError <= 1e-6);
    assert.equal(doc.producer?.endsWith('(cli)'), true);
  });

  it('takes NAME=FILE per input, --engine native, --precision and --out', () => {
    const out = path.join(dir, 'h0.json');
    const r = run('trace', fx('h0input.onnx'), '--input', `x=${fx('h0input.input.npy')}`, '--input', `h0=${fx('h0input.h0.npy')}`, '--engine', 'native', '--precision', 'uint8', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^gatescope: 1 layer entry, batch 2, 6 steps, engine gatescope-native/);
    const doc = decodeTrace(JSON.parse(readFileSync(out, 'utf8')));
    assert.equal(gateOf(doc.layers[0]!, 'r')!.levels[0]!.dtype, 'uint8');
    assert.match(doc.model.engine, /^gatescope-native/);
  });

  it('--threads 2 gives the same trace as --threads 1 with either engine (recurrence split by rows, recovery by steps)', () => {
    const args = ['trace', fx('h0input.onnx'), '--input', `x=${fx('h0input.input.npy')}`, '--input', `h0=${fx('h0input.h0.npy')}`];
    for (const engine of ['native', 'onnxruntime']) {
      const one = run(...args, '--engine', engine, '--threads', '1');
      const two = run(...args, '--engine', engine, '--threads', '2');
      assert.equal(one.code, 0, one.stderr);
      assert.equal(two.code, 0, two.stderr);
      const a = JSON.parse(one.stdout);
      const b = JSON.parse(two.stdout);
      assert.deepEqual(b.layers, a.layers, engine);
      assert.deepEqual(b.check, a.check, engine);
      if (engine === 'native') assert.match(b.model.engine, /^gatescope-native \(wasm, 2 threads\)/);
    }
    fails(2, "gatescope: --threads is '0'; use a whole number from 1 to 256 (default: available cores - 1)", ...args, '--threads', '0');
  });

  it('streams a long run into a sidecar with --out: no partial file left, every tile checked, level 0 equal to the whole run on stdout', async () => {
    // gru1 (H = 6) with symbolic steps, 100,000 steps: 12.8 MB of float32 JSON, beyond --out's 8 MiB budget.
    const m = decodeModel(readFileSync(fx('gru1.onnx')));
    for (const v of [...(m.graph!.input ?? []), ...(m.graph!.output ?? [])]) {
      const d = v.type?.tensorType?.shape?.dim;
      if (d && d.length === 3) d[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'T' });
    }
    m.graph!.valueInfo = [];
    const sub = mkdtempSync(path.join(dir, 'long-'));
    writeFileSync(path.join(sub, 'long.onnx'), onnx.ModelProto.encode(m).finish());
    const T = 100_000;
    let s = 7;
    const x = Float32Array.from({ length: T * 5 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
    writeFileSync(path.join(sub, 'x.npy'), encodeNpyFloat32(x, [T, 1, 5]));
    const r = run('trace', path.join(sub, 'long.onnx'), '--input', path.join(sub, 'x.npy'), '--out', path.join(sub, 'long.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^gatescope: full detail \(\d+ bytes\) in .*long-[0-9a-f]{12}\.gatescope\.safetensors; keep it beside long\.json\n/);
    const doc = JSON.parse(readFileSync(path.join(sub, 'long.json'), 'utf8'));
    assert.deepEqual(readdirSync(sub).sort(), ['long.json', 'long.onnx', doc.sidecar.file, 'x.npy'].sort(), 'no temporary file is left');
    // The whole run on stdout (13 MB: beyond spawnSync's default 1 MB buffer).
    const stdout = spawnSync(process.execPath, [main, 'trace', path.join(sub, 'long.onnx'), '--input', path.join(sub, 'x.npy')], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).stdout;
    const whole = decodeTrace(JSON.parse(stdout));
    const src = await fileByteSource(path.join(sub, doc.sidecar.file));
    try {
      const reader = await SidecarReader.open(src, doc.sidecar, sha256Hex);
      for (const g of ['r', 'z', 'n', 'h']) {
        const level0 = gateOf(decodeTrace(doc).layers[0]!, g)!.levels[0]!;
        assert.deepEqual(await reader.tensorValues(level0.remote!.mean.tensor), gateOf(whole.layers[0]!, g)!.levels[0]!.mean, `gate ${g}`);
      }
    } finally {
      await src.close();
    }
  });

  it('labels steps with --tokens, --tokens-file and the stored vocabulary (token ids from .npy or .json)', () => {
    const withVocab = JSON.parse(run('trace', fx('tagger.onnx'), '--input', fx('tagger.input.npy')).stdout);
    assert.deepEqual(withVocab.tokens, ['the', 'cat', 'sat', 'on', 'the', 'mat', '.']);
    const given = JSON.parse(run('trace', fx('gru1.onnx'), '--input', fx('gru1.input.npy'), '--tokens', 'a b c d e f g').stdout);
    assert.deepEqual(given.tokens, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const fromFile = JSON.parse(run('trace', fx('gru1.onnx'), '--input', fx('gru1.input.npy'), '--tokens-file', 'tokens.txt').stdout);
    assert.deepEqual(fromFile.tokens, ['l1', 'l2', 'l 3', 'l4', 'l5', 'l6', 'l7']);
    const jsonIds = JSON.parse(run('trace', fx('tagger.onnx'), '--input', 'tokens.json').stdout);
    assert.deepEqual(jsonIds.tokens, withVocab.tokens);
    fails(1, `gatescope: ${fx('gru1.onnx')}: 2 token labels were given but the run has 7 steps; give exactly one label per step`, 'trace', fx('gru1.onnx'), '--input', fx('gru1.input.npy'), '--tokens', 'a b');
  });

  it('exports a trace as .npy files, and says in one line what is wrong with a bad one', () => {
    const v1 = path.join(ROOT, 'test/fixtures/trace/v1/v1-float32-tokens.json');
    const out = path.join(dir, 'npy');
    const r = run('export', v1, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^gatescope: wrote 4 \.npy files \(\d+ bytes; float32 \[batch 1, 6 steps, units\], NaN where masked\) to .*npy\n$/);
    assert.deepEqual(readdirSync(out).sort(), ['L0-forward-h.npy', 'L0-forward-n.npy', 'L0-forward-r.npy', 'L0-forward-z.npy']);
    assert.match(run('--help').stdout, /gatescope export TRACE\.json --out DIR/);
    fails(2, 'gatescope: no output folder given for t.json: add --out DIR (one .npy file per gate goes there)', 'export', 't.json');
    fails(1, "gatescope: cannot read trace file 'missing.json': no such file; check the path", 'export', 'missing.json', '--out', out);
    fails(1, 'gatescope: tokens.json: expected a Gatescope trace object, found an array of length 1', 'export', 'tokens.json', '--out', out);
  });

  it('produces a trace for NaN input, with NaN kept', () => {
    const r = run('trace', fx('gru1.onnx'), '--input', 'nan.json');
    assert.equal(r.code, 0);
    const doc = decodeTrace(JSON.parse(r.stdout));
    assert.ok(Number.isNaN(gateOf(doc.layers[0]!, 'h')!.levels[0]!.mean![3 * 6]!));
    assert.match(r.stderr, /^gatescope: warning: GRU node '\/gru\/GRU': NaN reached the gates/);
  });

  it('rejects bad model files with one line each', () => {
    const input = fx('gru1.input.npy');
    fails(1, "gatescope: cannot read model file 'missing.onnx': no such file; check the path", 'trace', 'missing.onnx', '--input', input);
    fails(1, 'gatescope: empty.onnx: the model file is empty (0 bytes); export it again with torch.onnx.export', 'trace', 'empty.onnx', '--input', input);
    fails(1, 'gatescope: truncated.onnx: the model file is not a valid ONNX protobuf (index out of range: 1000 + 10 > 1000; 1000 bytes); it may be truncated or not an .onnx file: export it again', 'trace', 'truncated.onnx', '--input', input);
    const r = run('trace', 'random.onnx', '--input', input);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^gatescope: random\.onnx: the model file (is not a valid ONNX protobuf|holds no ONNX graph|is not a complete ONNX model)[^\n]*export it again\n$/);
    // An LSTM + RNN model is traced now; given the GRU fixture's input it fails at the input check.
    fails(1, `gatescope: ${fx('bad_lstm.onnx')}: input 'X' has dims [7, 1, 5]; the model expects [4, 1, 3] (dim 0 must be 4, found 7)`, 'trace', fx('bad_lstm.onnx'), '--input', input);
  });

  it('rejects bad inputs with one line each', () => {
    const model = fx('gru1.onnx');
    fails(1, "gatescope: cannot read input file 'missing.npy': no such file; check the path", 'trace', model, '--input', 'missing.npy');
    fails(1, "gatescope: input file 'bad.npy': not a .npy file (missing the \\x93NUMPY magic); save it with numpy.save(path, array) as float32 ('<f4'), float64 ('<f8'), int64 ('<i8') or int32 ('<i4')", 'trace', model, '--input', 'bad.npy');
    fails(1, "gatescope: input file 'truncated.npy': .npy file is truncated: shape (7, 1, 5) needs 140 data bytes, found 22; save it with numpy.save(path, array) as float32 ('<f4'), float64 ('<f8'), int64 ('<i8') or int32 ('<i4')", 'trace', model, '--input', 'truncated.npy');
    fails(1, `gatescope: ${model}: input 'x' has rank 2 (dims [1, 5]); the model expects rank 3: [7, 1, 5]`, 'trace', model, '--input', 'rank2.json');
    fails(1, `gatescope: ${model}: input 'x' has dims [7, 1, 4]; the model expects [7, 1, 5] (dim 2 must be 5, found 4)`, 'trace', model, '--input', 'width4.json');
    fails(2, `gatescope: --input ${fx('h0input.input.npy')} has no name, but the model has 2 inputs ('x', 'h0'): give each as --input NAME=FILE`, 'trace', fx('h0input.onnx'), '--input', fx('h0input.input.npy'));
    fails(2, "gatescope: model input 'h0' (float32 [1, 2, 5]) has no value: add --input h0=FILE", 'trace', fx('h0input.onnx'), '--input', `x=${fx('h0input.input.npy')}`);
  });

  it('fails a short write to standard output (file size limit, as on a full disk) instead of exiting 0', () => {
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
    // SIGXFSZ ignored: write(2) then returns a short count and EFBIG, as a filling disk does.
    const model = fx('bigru.onnx');
    const input = fx('bigru.input.npy');
    const r = sh(`trap '' XFSZ; ulimit -f 2; exec "${process.execPath}" "${main}" trace "${model}" --input "${input}" > short.json`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^gatescope: cannot write standard output: the file size limit was reached after 1024 bytes; free space or write elsewhere\n$/);
    const o = sh(`trap '' XFSZ; ulimit -f 2; exec "${process.execPath}" "${main}" trace "${model}" --input "${input}" --out short-out.json`);
    assert.equal(o.status, 1);
    assert.match(o.stderr, /^gatescope: cannot write 'short-out\.json': the file size limit was reached/);
    assert.ok(!existsSync(path.join(dir, 'short-out.json')), 'no partial --out file');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('refuses an --out that is one of the inputs, before reading anything', () => {
    const copy = path.join(dir, 'in-copy.npy');
    copyFileSync(fx('gru1.input.npy'), copy);
    fails(2, `gatescope: --out '${copy}' is the input file '${copy}'; write the trace elsewhere so the input file is not overwritten`, 'trace', fx('gru1.onnx'), '--input', copy, '--out', copy);
    assert.deepEqual(readFileSync(copy), readFileSync(fx('gru1.input.npy')));
  });

  it('prints no DEP0005 warning for a model with an empty bytes field (protobufjs, bundled)', () => {
    const m = decodeModel(readFileSync(fx('onnx_lbr0.onnx')));
    m.graph!.initializer!.push(onnx.TensorProto.create({ name: 'unused_empty', dataType: 1, dims: [0], rawData: new Uint8Array(0) }));
    writeFileSync(path.join(dir, 'empty-bytes.onnx'), onnx.ModelProto.encode(m).finish());
    const r = run('trace', 'empty-bytes.onnx', '--input', fx('onnx_lbr0.input.npy'));
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('rejects usage errors with status 2, and shows a stack only with --verbose', () => {
    fails(2, "gatescope: --engine is 'torch'; use onnxruntime or native", 'trace', fx('gru1.onnx'), '--input', fx('gru1.input.npy'), '--engine', 'torch');
    fails(2, 'gatescope: no input given for m.onnx: add --input FILE (.npy or .json)', 'trace', 'm.onnx');
    fails(2, "gatescope: unknown command 'trase'; use 'gatescope trace MODEL.onnx --input FILE' (see gatescope --help)", 'trase');
    const v = run('trace', 'empty.onnx', '--input', fx('gru1.input.npy'), '--verbose');
    assert.equal(v.code, 1);
    assert.match(v.stderr, /^gatescope: empty\.onnx: the model file is empty[^\n]*\nCliError: [^\n]*\n\s+at /);
  });
});
