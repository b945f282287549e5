import assert from 'node:assert/strict';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { TraceFormatError } from '../../../../src/core/trace/errors';
import { gateOf } from '../../../../src/core/trace/decoded';
import { makeInput } from './make-trace';
import { v1Document } from './make-v1-document';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A valid version-1 document: 2 layer entries (layer 0 forward/reverse), batch 2, 16 steps, 32 units; entry 1 is uint8. */
function valid(): Doc {
  const input = makeInput({ batch: 2, steps: 16, hidden: [32], bidirectional: true });
  const f32 = JSON.parse(JSON.stringify(v1Document({ ...input, tokens: Array(16).fill('x'), sequenceLengths: [16, 9] }, 'float32')));
  const u8 = JSON.parse(JSON.stringify(v1Document(input, 'uint8')));
  f32.layers[1] = u8.layers[1];
  return f32;
}

function expectError(mutate: (d: Doc) => unknown, message: string | RegExp): void {
  const d = valid();
  const replaced = mutate(d);
  const input = replaced === undefined ? d : replaced;
  assert.throws(
    () => decodeTrace(input),
    (e: unknown) => {
      assert.ok(e instanceof TraceFormatError, `not a TraceFormatError: ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

describe('decodeTrace validation (version-1 documents)', () => {
  it('accepts the valid base document', () => {
    const t = decodeTrace(valid());
    assert.equal(gateOf(t.layers[1]!, 'r')!.levels[0]!.dtype, 'uint8');
  });

  it('ignores unknown fields (version 1 may gain optional fields)', () => {
    const d = valid();
    d.someFutureField = { x: 1 };
    d.layers[0].extra = true;
    assert.equal(decodeTrace(d).steps, 16);
  });

  it('refuses a newer version with an update message', () => {
    expectError((d) => void (d.version = 3), 'version: made by a newer Gatescope (trace version 3); this Gatescope reads versions 1 to 2. Update the Gatescope extension to view it');
  });

  const cases: [string, (d: Doc) => unknown, string | RegExp][] = [
    ['a JSON string', () => '{"format":"gatescope.trace"}', 'expected a parsed JSON object, found a string (call JSON.parse first)'],
    ['an array', () => [], 'expected a Gatescope trace object, found an array of length 0'],
    ['null', () => null, 'expected a Gatescope trace object, found null'],
    ['another format', (d) => void (d.format = 'other'), 'format: expected "gatescope.trace", found a string of 5 characters: this is not a Gatescope trace'],
    ['version 0', (d) => void (d.version = 0), 'version: expected a positive integer, found number 0'],
    ['version "1"', (d) => void (d.version = '1'), 'version: expected a positive integer, found a string of 1 character'],
    ['missing model', (d) => void delete d.model, /^model: expected an object \{name, source, engine, convention\}, found nothing \(missing\)$/],
    ['bad source', (d) => void (d.model.source = 'tf'), 'model.source: expected "onnx", "pytorch", "keras" or "native", found a string of 2 characters'],
    ['bad zMeaning', (d) => void (d.model.convention.zMeaning = 'old'), 'model.convention.zMeaning: expected "keep-old" or "take-new", found a string of 3 characters'],
    ['bad linearBeforeReset', (d) => void (d.model.convention.linearBeforeReset = 1), 'model.convention.linearBeforeReset: expected true or false, found number 1'],
    ['bad gateOrder', (d) => void (d.model.convention.gateOrder = ['r', 'z']), /^model\.convention\.gateOrder: expected 3 gate names/],
    ['activation without name', (d) => void (d.model.convention.activations.g = {}), 'model.convention.activations.g.name: expected a string, found nothing (missing)'],
    ['non-finite activation alpha', (d) => void (d.model.convention.activations.f.alpha = null), 'model.convention.activations.f.alpha: expected a finite number, found null'],
    ['clip <= 0', (d) => void (d.model.convention.clip = 0), 'model.convention.clip: expected a finite number > 0, found number 0'],
    ['empty layers', (d) => void (d.layers = []), 'layers: expected a non-empty array of layer entries, found an array of length 0'],
    ['layer not an object', (d) => void (d.layers[1] = 7), 'layers[1]: expected a layer object, found number 7'],
    ['negative layer', (d) => void (d.layers[0].layer = -1), 'layers[0].layer: expected an integer >= 0, found number -1'],
    ['bad direction', (d) => void (d.layers[1].direction = 'backward'), 'layers[1].direction: expected "forward" or "reverse", found a string of 8 characters'],
    ['duplicate entry', (d) => void (d.layers[1].direction = 'forward'), 'layers[1]: duplicate entry for layer 0 forward'],
    ['hiddenSize 0', (d) => void (d.layers[0].hiddenSize = 0), 'layers[0].hiddenSize: expected an integer >= 1, found number 0'],
    ['hiddenSize not matching dims', (d) => void (d.layers[0].hiddenSize = 31), 'layers[0].gates.r.dims: last dim 32 differs from layers[0].hiddenSize 31'],
    ['missing name', (d) => void delete d.layers[0].name, 'layers[0].name: expected a string, found nothing (missing)'],
    ['missing gate', (d) => void delete d.layers[1].gates.n, 'layers[1].gates.n: missing (every layer entry has tensors r, z, n and h)'],
    ['gates not an object', (d) => void (d.layers[0].gates = []), 'layers[0].gates: expected an object with tensors r, z, n, h, found an array of length 0'],
    ['tensor not an object', (d) => void (d.layers[0].gates.h = 'AAAA'), 'layers[0].gates.h: expected a tensor object {dims, dtype, data}, found a string of 4 characters'],
    ['dims of length 2', (d) => void (d.layers[0].gates.r.dims = [2, 16]), 'layers[0].gates.r.dims: expected [batch, steps, hiddenSize] (3 integers), found an array of length 2'],
    ['dims with a fraction', (d) => void (d.layers[0].gates.r.dims = [2, 1.5, 32]), 'layers[0].gates.r.dims[1]: expected a positive integer, found number 1.5'],
    ['dims disagreeing across tensors', (d) => void (d.layers[1].gates.z.dims = [2, 15, 32]), 'layers[1].gates.z.dims: expected [2,16,32] (batch and steps shared by every tensor, last dim = hiddenSize), found [2,15,32]'],
    ['bad dtype', (d) => void (d.layers[0].gates.r.dtype = 'float64'), 'layers[0].gates.r.dtype: expected "float32", "float16" or "uint8", found a string of 7 characters'],
    ['data 4 bytes short', (d) => void (d.layers[0].gates.z.data = d.layers[0].gates.z.data.slice(0, -8) + 'AAAA'), 'layers[0].gates.z.data: expected 4096 bytes for dims [2,16,32] float32, found 4095'],
    ['data not a multiple of 4 characters', (d) => void (d.layers[0].gates.z.data = d.layers[0].gates.z.data.slice(1)), /^layers\[0\]\.gates\.z\.data: expected 4096 bytes for dims \[2,16,32\] float32, found 5463 base64 characters \(not a multiple of 4\)$/],
    ['data with a bad character', (d) => void (d.layers[0].gates.z.data = '*' + d.layers[0].gates.z.data.slice(1)), 'layers[0].gates.z.data: invalid base64: a character outside the alphabet A-Z a-z 0-9 + / at index 0'],
    ['data not a string', (d) => void (d.layers[0].gates.z.data = [1, 2]), 'layers[0].gates.z.data: expected a base64 string, found an array of length 2'],
    ['uint8 without scale', (d) => void delete d.layers[1].gates.r.scale, 'layers[1].gates.r.scale: uint8 tensors need a finite number scale (value = offset + scale * q), found nothing (missing)'],
    ['uint8 with null offset (NaN written by JSON)', (d) => void (d.layers[1].gates.r.offset = null), 'layers[1].gates.r.offset: uint8 tensors need a finite number offset (value = offset + scale * q), found null'],
    ['uint8 with negative scale', (d) => void (d.layers[1].gates.r.scale = -1), 'layers[1].gates.r.scale: expected a finite number >= 0, found -1'],
    ['float32 with a scale', (d) => void (d.layers[0].gates.r.scale = 1), 'layers[0].gates.r.scale: only uint8 tensors have scale; this tensor is float32'],
    ['tokens of the wrong length', (d) => void d.tokens.pop(), 'tokens: expected 16 labels (one per step), found 15'],
    ['a token that is not a string', (d) => void (d.tokens[3] = 3), 'tokens[3]: expected a string, found number 3'],
    ['sequenceLengths of the wrong length', (d) => void d.sequenceLengths.push(1), 'sequenceLengths: expected 2 entries (one per batch item), found 3'],
    ['sequenceLength beyond steps', (d) => void (d.sequenceLengths[1] = 17), 'sequenceLengths[1]: expected an integer in [0, 16], found number 17'],
    ['check without reference', (d) => void (d.check = { maxAbsError: 1 }), 'check.reference: expected a string, found nothing (missing)'],
    ['check with negative error', (d) => void (d.check = { reference: 'x', maxAbsError: -1 }), 'check.maxAbsError: expected a finite number >= 0, found number -1'],
    ['warnings not strings', (d) => void (d.warnings = ['ok', 2]), 'warnings[1]: expected a string, found number 2'],
    ['downsample inconsistent', (d) => void (d.downsample = { originalSteps: 100, stride: 4, method: 'x' }), 'downsample: keeping every 4th of 100 steps gives 25 steps, but the tensors hold 16'],
    ['downsample stride 0', (d) => void (d.downsample = { originalSteps: 100, stride: 0, method: 'x' }), 'downsample.stride: expected an integer >= 1, found number 0'],
    ['producer not a string', (d) => void (d.producer = 1), 'producer: expected a string, found number 1'],
  ];
  for (const [what, mutate, message] of cases) it(`rejects ${what}`, () => expectError(mutate, message));
});
