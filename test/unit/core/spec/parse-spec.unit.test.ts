import * as assert from 'node:assert/strict';
import { parseSpec } from '../../../../src/core/spec/parse-spec';
import { formatSpec } from '../../../../src/core/spec/format-spec';
import { formatProblem, type Spec, type SpecProblem } from '../../../../src/core/spec/spec';

function problems(text: string): SpecProblem[] {
  const r = parseSpec(text);
  assert.equal(r.ok, false, `expected problems for ${JSON.stringify(text)}`);
  return r.ok ? [] : r.problems;
}

function spec(text: string): Spec {
  const r = parseSpec(text);
  if (!r.ok) assert.fail(r.problems.map(formatProblem).join('; '));
  return r.spec;
}

describe('parseSpec (key: value form)', () => {
  it('reads a text spec with comments and blank lines', () => {
    const s = spec('# demo\nmodel: model.onnx\n\ninput: text\ntext: a(b"c)"(a)\nengine: native\nprecision: float16\nlayers: 1, 0\n');
    assert.deepEqual(s, {
      model: 'model.onnx',
      input: { kind: 'text', text: 'a(b"c)"(a)' },
      engine: 'native',
      precision: 'float16',
      layers: [0, 1],
    });
  });

  it('reads JSON-looking values as JSON: quoted text keeps spaces, vocab and tokens are arrays', () => {
    const s = spec('model: m.onnx\ninput: text\ntext: "  (a) "\nvocab: ["(", ")", "a", " "]\ntokens: ["x","y"]');
    assert.deepEqual(s.input, { kind: 'text', text: '  (a) ' });
    assert.deepEqual(s.vocab, ['(', ')', 'a', ' ']);
    assert.deepEqual(s.tokens, ['x', 'y']);
  });

  it('defaults random input to seed 0 and 32 steps', () => {
    assert.deepEqual(spec('model: m.onnx\ninput: random').input, { kind: 'random', seed: 0, steps: 32 });
    assert.deepEqual(spec('model: m.onnx\ninput: random\nseed: 9\nsteps: 5').input, { kind: 'random', seed: 9, steps: 5 });
  });

  it('reads a file input', () => {
    assert.deepEqual(spec('model: ../m.onnx\ninput: file\nfile: data/x.npy').input, { kind: 'file', path: 'data/x.npy' });
  });

  it('names the line and field of a bad enum value', () => {
    assert.deepEqual(problems('model: m.onnx\ninput: random\nengine: tensorflow'), [
      { line: 3, field: 'engine', message: '"tensorflow" is not one of onnxruntime, native' },
    ]);
  });

  it('reports an unknown field with its line and the list of fields', () => {
    const [p] = problems('model: m.onnx\ninput: random\nmodle: x');
    assert.equal(p!.line, 3);
    assert.equal(p!.field, 'modle');
    assert.match(p!.message, /unknown field; the fields are model, input/);
  });

  it('reports missing model and input as line 0 with what to write', () => {
    const ps = problems('# nothing here\n');
    assert.deepEqual(ps.map((p) => [p.line, p.field]), [[0, 'model'], [0, 'input']]);
    assert.match(formatProblem(ps[0]!), /^field `model`: missing; give the ONNX model path/);
  });

  it('reports duplicates, lines without a colon and invalid JSON values', () => {
    assert.deepEqual(problems('model: a.onnx\nmodel: b.onnx\ninput: random').map((p) => [p.line, p.field]), [[2, 'model']]);
    assert.deepEqual(problems('model: a.onnx\njust words\ninput: random').map((p) => [p.line, p.field]), [[2, 'just']]);
    const [bad] = problems('model: a.onnx\ninput: text\ntext: "unterminated');
    assert.equal(bad!.line, 3);
    assert.match(bad!.message, /must be valid JSON/);
  });

  it('checks the fields an input kind needs and refuses fields of another kind', () => {
    assert.deepEqual(problems('model: m.onnx\ninput: text').map((p) => [p.line, p.field]), [[0, 'text']]);
    assert.deepEqual(problems('model: m.onnx\ninput: file\nfile: x.csv').map((p) => [p.line, p.field]), [[3, 'file']]);
    assert.deepEqual(problems('model: m.onnx\ninput: text\ntext: a\nseed: 3').map((p) => [p.line, p.field]), [[4, 'seed']]);
    assert.deepEqual(problems('model: m.onnx\ninput: random\nsteps: 0').map((p) => [p.line, p.field]), [[3, 'steps']]);
    assert.deepEqual(problems('model: m.onnx\ninput: random\nseed: 1.5').map((p) => [p.line, p.field]), [[3, 'seed']]);
  });

  it('refuses bad layers and vocab values', () => {
    assert.deepEqual(problems('model: m.onnx\ninput: random\nlayers: 0, x').map((p) => [p.line, p.field]), [[3, 'layers']]);
    assert.deepEqual(problems('model: m.onnx\ninput: random\nvocab: [1, 2]').map((p) => [p.line, p.field]), [[3, 'vocab']]);
    assert.deepEqual(problems('model: m.onnx\ninput: random\nvocab: abc').map((p) => [p.line, p.field]), [[3, 'vocab']]);
  });

  it('reports every problem at once', () => {
    assert.equal(problems('model: m.onnx\ninput: random\nengine: x\nprecision: y').length, 2);
  });
});

describe('parseSpec (JSON form)', () => {
  it('reads the same fields from one JSON object', () => {
    const s = spec('{\n  "model": "m.onnx",\n  "input": "random",\n  "seed": 4,\n  "layers": [0]\n}');
    assert.deepEqual(s, { model: 'm.onnx', input: { kind: 'random', seed: 4, steps: 32 }, layers: [0] });
  });

  it('names the line of a bad JSON field', () => {
    assert.deepEqual(problems('{\n  "model": "m.onnx",\n  "input": "random",\n  "precision": "float64"\n}').map((p) => [p.line, p.field]), [[4, 'precision']]);
  });

  it('reports invalid JSON as one (json) problem', () => {
    const ps = problems('{\n  "model": "m.onnx",\n  "input": \n}');
    assert.equal(ps.length, 1);
    assert.equal(ps[0]!.field, '(json)');
    assert.match(ps[0]!.message, /^not valid JSON: /);
  });
});

describe('parseSpec: compare and tolerance (a second run, issue 14)', () => {
  it('reads another model, another input, or both, and a tolerance', () => {
    assert.deepEqual(spec('model: m.onnx\ninput: text\ntext: (a)\ncompare: int8.onnx').compare, { model: 'int8.onnx' });
    assert.deepEqual(spec('model: m.onnx\ninput: text\ntext: (a)\ncompare: {"text": "(b)"}\ntolerance: 1e-3'), {
      model: 'm.onnx',
      input: { kind: 'text', text: '(a)' },
      compare: { input: { kind: 'text', text: '(b)' } },
      tolerance: 1e-3,
    });
    assert.deepEqual(spec('model: m.onnx\ninput: file\nfile: x.npy\ncompare: {"model": "q.onnx", "file": "x2.npy"}').compare, { model: 'q.onnx', input: { kind: 'file', path: 'x2.npy' } });
    assert.deepEqual(spec('{"model": "m.onnx", "input": "random", "seed": 3, "steps": 9, "compare": {"seed": 4}}').compare, { input: { kind: 'random', seed: 4, steps: 9 } });
  });

  it('says what to write when compare names nothing different, or something that is not a model or input', () => {
    const help = /give another model \(`compare: other\.onnx`\) or a JSON object/;
    const one = (text: string) => {
      const ps = problems(`model: m.onnx\ninput: random\n${text}`);
      assert.equal(ps.length, 1, JSON.stringify(ps));
      assert.equal(ps[0]!.field, text.split(':')[0]);
      assert.equal(ps[0]!.line, 3);
      return ps[0]!.message;
    };
    assert.match(one('compare: {}'), /^nothing differs from the first run; /);
    assert.match(one('compare: other.txt'), /^"other\.txt" is not an \.onnx model; /);
    assert.match(one('compare: {"text": "a", "file": "x.npy"}'), /^give one input for the second run, found text and file$/);
    assert.match(one('compare: {"modle": "x.onnx"}'), /^unknown key "modle"; /);
    assert.match(one('compare: [1]'), help);
    assert.match(one('tolerance: 1e-3'), /only used with `compare:`/);
    assert.equal(problems('model: m.onnx\ninput: random\ncompare: q.onnx\ntolerance: -1')[0]!.message, 'expected a number >= 0 such as 1e-5, found "-1"');
  });
});

describe('formatSpec', () => {
  it('writes specs that parse back to the same value', () => {
    const specs: Spec[] = [
      { model: 'model.onnx', input: { kind: 'text', text: 'a(b"c)"(a)' } },
      { model: '/abs/m.onnx', input: { kind: 'text', text: '"quoted" start ' }, vocab: ['"', 'q'], engine: 'native', precision: 'uint8', layers: [0, 2] },
      { model: 'm.onnx', input: { kind: 'random', seed: 7, steps: 100 }, tokens: ['a', 'b'] },
      { model: 'dir with space/m.onnx', input: { kind: 'file', path: 'x.npy' } },
      { model: 'm.onnx', input: { kind: 'text', text: '(a)' }, compare: { model: 'q.onnx' }, tolerance: 0.001 },
      { model: 'm.onnx', input: { kind: 'random', seed: 1, steps: 5 }, compare: { model: 'dir with space/q.onnx', input: { kind: 'random', seed: 2, steps: 5 } } },
      { model: 'm.onnx', input: { kind: 'text', text: '(a)' }, compare: { input: { kind: 'text', text: ' {b' } } },
    ];
    for (const s of specs) assert.deepEqual(spec(formatSpec(s)), s);
  });
});
