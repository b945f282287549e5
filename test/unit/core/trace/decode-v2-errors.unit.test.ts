// decodeTrace on version-2 documents: every fault is a TraceFormatError whose message starts with
// the path of the faulty field and says what was expected.
import assert from 'node:assert/strict';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace, traceJsonBytes } from '../../../../src/core/trace/encode';
import { TraceFormatError } from '../../../../src/core/trace/errors';
import { makeInput } from './make-trace';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Valid documents: `inline`, 2 GRU entries (layer 0 forward/reverse), batch 2, 16 steps, 8 units,
 * float32 (entry 1 uint8), tokens and lengths; `split`, 1 entry of 200 steps whose level 0 is in a
 * sidecar (levels x1 in the sidecar, x4 inline uint8).
 */
function inline(): Doc {
  const input = makeInput({ batch: 2, steps: 16, hidden: [8], bidirectional: true });
  const f32 = JSON.parse(JSON.stringify(encodeTrace({ ...input, tokens: Array(16).fill('x'), sequenceLengths: [16, 9] }, { precision: 'float32', maxBytes: Infinity }).document));
  f32.layers[1] = JSON.parse(JSON.stringify(encodeTrace(input, { precision: 'uint8', maxBytes: Infinity }).document)).layers[1];
  return f32;
}
function split(): Doc {
  const input = makeInput({ batch: 1, steps: 200, hidden: [8], seed: 3 });
  const whole = traceJsonBytes(encodeTrace(input, { precision: 'uint8', maxBytes: Infinity }).document);
  const doc = encodeTrace(input, { maxBytes: whole - 1, sidecar: { stem: 'x', precision: 'uint8' } }).document;
  doc.sidecar = { file: 'x-0123456789ab.gatescope.safetensors', bytes: 12345, headerSha256: '0123456789abcdef'.repeat(4) };
  return JSON.parse(JSON.stringify(doc));
}

function expectError(base: () => Doc, mutate: (d: Doc) => unknown, message: string): void {
  const d = base();
  mutate(d);
  assert.throws(
    () => decodeTrace(d),
    (e: unknown) => {
      assert.ok(e instanceof TraceFormatError, `not a TraceFormatError: ${String(e)}`);
      assert.equal(e.message, message);
      assert.ok(e.path === '' || message.startsWith(`${e.path}: `));
      return true;
    },
  );
}

describe('decodeTrace validation (version-2 documents)', () => {
  it('accepts both base documents', () => {
    const a = decodeTrace(inline());
    assert.equal(a.version, 2);
    assert.equal(a.layers[1]!.gates[0]!.levels[0]!.dtype, 'uint8');
    const b = decodeTrace(split());
    assert.deepEqual(
      b.layers[0]!.gates[0]!.levels.map((l) => [l.bucket, l.remote ? 'sidecar' : 'inline']),
      [
        [1, 'sidecar'],
        [4, 'inline'],
      ],
    );
    assert.deepEqual(b.layers[0]!.gates[0]!.levels[0]!.remote!.mean, { tensor: 'L0.forward.r.x1.mean', scale: b.layers[0]!.gates[0]!.levels[0]!.remote!.mean.scale, offset: b.layers[0]!.gates[0]!.levels[0]!.remote!.mean.offset });
  });

  it('ignores unknown fields (version 2 may gain optional fields)', () => {
    const d = inline();
    d.someFutureField = 1;
    d.layers[0].gates[0].levels[0].extra = 'x';
    d.layers[0].gates[0].futureField = [];
    assert.equal(decodeTrace(d).steps, 16);
  });

  const I = inline;
  const S = split;
  const cases: [string, () => Doc, (d: Doc) => unknown, string][] = [
    ['a newer version', I, (d) => (d.version = 3), 'version: made by a newer Gatescope (trace version 3); this Gatescope reads versions 1 to 2. Update the Gatescope extension to view it'],
    ['no pyramid', I, (d) => delete d.pyramid, 'pyramid: expected an object {fanout, tileSteps}, found nothing (missing)'],
    ['fanout 1', I, (d) => (d.pyramid.fanout = 1), 'pyramid.fanout: expected an integer >= 2, found number 1'],
    ['tileSteps not a power of two', I, (d) => (d.pyramid.tileSteps = 100), 'pyramid.tileSteps: expected a power of two, found 100'],
    ['an unknown cell', I, (d) => (d.layers[0].cell = 'transformer'), 'layers[0].cell: expected one of "gru", "lstm", "rnn", found a string of 11 characters'],
    ['no gates', I, (d) => (d.layers[1].gates = []), 'layers[1].gates: expected a non-empty array of gates, found an array of length 0'],
    ['a duplicate gate', I, (d) => (d.layers[0].gates[1] = d.layers[0].gates[0]), 'layers[0].gates[1].name: the same gate name as layers[0].gates[0] (each gate appears once)'],
    ['a gate name with a dot', I, (d) => (d.layers[0].gates[2].name = 'n.x'), 'layers[0].gates[2].name: expected a short gate name of letters, digits and _ (such as "r" or "f")'],
    ['an unknown role', I, (d) => (d.layers[0].gates[0].role = 'attention'), 'layers[0].gates[0].role: expected one of reset, update, candidate, input, forget, output, cell, hidden, found a string of 9 characters'],
    ['a reversed range', I, (d) => (d.layers[0].gates[3].range = [1, -1]), 'layers[0].gates[3].range: expected [lo, hi] with lo < hi, "symmetric" or "data", found an array of length 2'],
    ['an unknown scale', I, (d) => (d.layers[0].gates[3].scale = 'rainbow'), 'layers[0].gates[3].scale: expected "sequential" or "diverging", found a string of 7 characters'],
    ['units 0', I, (d) => (d.layers[0].gates[1].units = 0), 'layers[0].gates[1].units: expected an integer >= 1, found number 0'],
    ['no levels', I, (d) => (d.layers[0].gates[1].levels = []), 'layers[0].gates[1].levels: expected a non-empty array of levels, found an array of length 0'],
    ['level 0 with bucket 4', I, (d) => (d.layers[0].gates[1].levels[0].bucket = 4), 'layers[0].gates[1].levels[0].bucket: level 0 has bucket 1, found 4'],
    ['level 1 not a power of the fanout', S, (d) => (d.layers[0].gates[0].levels[1].bucket = 8), 'layers[0].gates[0].levels[1].bucket: expected a power of the fanout 4 larger than 1, found 8'],
    ['level 0 with a min', I, (d) => (d.layers[0].gates[0].levels[0].min = d.layers[0].gates[0].levels[0].mean), 'layers[0].gates[0].levels[0].min: level 0 stores only mean (the values themselves)'],
    ['a coarse level without max', S, (d) => delete d.layers[0].gates[2].levels[1].max, 'layers[0].gates[2].levels[1].max: missing (levels with bucket > 1 store mean, min and max)'],
    ['an unknown dtype', I, (d) => (d.layers[0].gates[0].levels[0].dtype = 'bfloat16'), 'layers[0].gates[0].levels[0].dtype: expected "float32", "float16" or "uint8", found a string of 8 characters'],
    ['data one value short', I, (d) => (d.layers[0].gates[0].levels[0].mean.data = d.layers[0].gates[0].levels[0].mean.data.slice(0, -8) + 'AAAA'), 'layers[0].gates[0].levels[0].mean.data: expected 1024 bytes for dims [2,16,8] float32, found 1023'],
    ['uint8 data without scale', I, (d) => delete d.layers[1].gates[0].levels[0].mean.scale, 'layers[1].gates[0].levels[0].mean.scale: uint8 tensors need a finite number scale (value = offset + scale * q), found nothing (missing)'],
    ['a summary that is neither data nor sidecar', I, (d) => (d.layers[0].gates[0].levels[0].mean = 'AAAA'), 'layers[0].gates[0].levels[0].mean: expected {data} or {sidecar}, found a string of 4 characters'],
    ['a sidecar summary without a sidecar', S, (d) => delete d.sidecar, 'layers[0].gates[0].levels[0].mean.sidecar: refers to a sidecar, but the document names none (field "sidecar")'],
    ['an empty sidecar tensor name', S, (d) => (d.layers[0].gates[1].levels[0].mean.sidecar = ''), 'layers[0].gates[1].levels[0].mean.sidecar: expected a tensor name, found an empty string'],
    ['a uint8 sidecar summary without offset', S, (d) => delete d.layers[0].gates[1].levels[0].mean.offset, 'layers[0].gates[1].levels[0].mean: uint8 summaries need a finite scale >= 0 and a finite offset (value = offset + scale * q)'],
    ['a sidecar file in another folder', S, (d) => (d.sidecar.file = '../x.gatescope.safetensors'), 'sidecar.file: expected a plain file name in the same folder (no path separators)'],
    ['a sidecar file with a backslash', S, (d) => (d.sidecar.file = 'a\\b.safetensors'), 'sidecar.file: expected a plain file name in the same folder (no path separators)'],
    ['a sidecar hash in upper case', S, (d) => (d.sidecar.headerSha256 = d.sidecar.headerSha256.toUpperCase()), 'sidecar.headerSha256: expected 64 lowercase hex digits (SHA-256)'],
    ['a sidecar of 8 bytes', S, (d) => (d.sidecar.bytes = 8), 'sidecar.bytes: expected an integer >= 9, found number 8'],
    ['a duplicate layer entry', I, (d) => (d.layers[1].direction = 'forward'), 'layers[1]: duplicate entry for layer 0 forward'],
    ['an unknown run', I, (d) => (d.layers[1].run = 'c'), 'layers[1].run: expected "a" or "b", found a string of 1 character'],
    ['a comparison with a negative tolerance', I, (d) => (d.compare = { a: { label: 'x' }, b: { label: 'y' }, tolerance: -1 }), 'compare.tolerance: expected a finite number >= 0, found number -1'],
    ['a comparison without labels', I, (d) => (d.compare = { a: {}, b: { label: 'y' }, tolerance: 0 }), 'compare.a.label: expected a string, found nothing (missing)'],
    ['tokens of the wrong length', I, (d) => d.tokens.pop(), 'tokens: expected 16 labels (one per step), found 15'],
    ['sequenceLength beyond steps', I, (d) => (d.sequenceLengths[1] = 17), 'sequenceLengths[1]: expected an integer in [0, 16], found number 17'],
    ['a model without engine', I, (d) => delete d.model.engine, 'model.engine: expected a string, found nothing (missing)'],
  ];
  for (const [what, base, mutate, message] of cases) it(`rejects ${what}`, () => expectError(base, mutate, message));

  it('keeps runs a and b of a comparison apart', () => {
    const d = inline();
    d.layers[1].direction = 'forward';
    d.layers[1].run = 'b';
    d.compare = { a: { label: 'float32' }, b: { label: 'uint8' }, tolerance: 0.01 };
    const t = decodeTrace(d);
    assert.deepEqual(
      t.layers.map((l) => [l.layer, l.direction, l.run]),
      [
        [0, 'forward', undefined],
        [0, 'forward', 'b'],
      ],
    );
    assert.deepEqual(t.compare, { a: { label: 'float32' }, b: { label: 'uint8' }, tolerance: 0.01 });
  });
});

describe('decodeTrace messages never quote the document', () => {
  // A document comes from anywhere; its messages reach logs and saved outputs. Each hostile value
  // below must be described by position, type and length only.
  const secret = 'SECRET\u001b[31m<img src=x>';
  const cases: [string, (d: Doc) => unknown][] = [
    ['a bad format', (d) => (d.format = secret)],
    ['a bad direction', (d) => (d.layers[0].direction = secret)],
    ['a bad cell', (d) => (d.layers[0].cell = secret)],
    ['a bad dtype', (d) => (d.layers[0].gates[0].levels[0].dtype = secret)],
    ['a summary that is a string', (d) => (d.layers[0].gates[0].levels[0].mean = secret)],
    ['base64 data with a foreign character', (d) => (d.layers[0].gates[0].levels[0].mean.data = `${d.layers[0].gates[0].levels[0].mean.data.slice(0, -4)}<ab>`)],
    ['a duplicate gate', (d) => {
      d.layers[0].gates[0].name = secret;
      d.layers[0].gates[1].name = secret;
    }],
  ];
  for (const [what, mutate] of cases) {
    it(`describes ${what} without its content`, () => {
      const d = inline();
      mutate(d);
      assert.throws(
        () => decodeTrace(d),
        (e: unknown) => {
          assert.ok(e instanceof TraceFormatError, `not a TraceFormatError: ${String(e)}`);
          assert.ok(!/SECRET|<|\u001b/.test(e.message), `the message quotes the document: ${e.message}`);
          return true;
        },
      );
    });
  }

  it('gives the length of a bad string', () => {
    const d = inline();
    d.layers[0].direction = 'x'.repeat(1000);
    assert.throws(() => decodeTrace(d), /layers\[0\]\.direction: expected "forward" or "reverse", found a string of 1000 characters$/);
  });
});
