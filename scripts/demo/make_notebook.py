#!/usr/bin/python3
"""Writes media/demo/demo.ipynb from a real trace of the demo model.

Runs the extension's own pipeline (dist/host/worker.js through scripts/demo/trace-demo.js: onnxruntime-web
plus Gatescope's gate recompute) on DEMO_TEXT, checks the trace's hidden states against this
script's NumPy recompute from the ONNX weights (find_units.run), and writes the notebook: markdown
that names the units found by find_units.py (media/demo/units.json), a spec cell the Gatescope
controller can re-run, and the trace as that cell's output.
It also writes the comparison case: the same model with int8 weights (QuantizeLinear/DequantizeLinear
around W and R, test/fixtures/compare/make_compare_fixtures.py, copied to media/demo/model-int8.onnx)
against float on the fixtures' text, as a spec cell with `compare:` and its comparison trace, checked
against the fixtures' float64 reference (manifest.json: where drift passes the tolerance, max |Δ|).
Run after `node esbuild.js`, train_demo.py, find_units.py and make_compare_fixtures.py:
    /usr/bin/python3 scripts/demo/make_notebook.py
"""
import base64
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_task import targets, encode  # noqa: E402
from find_units import load, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DEMO = os.path.join(ROOT, 'media', 'demo')
MIME = 'application/vnd.gatescope.trace+json'
DEMO_TEXT = '(a(b "(" c)(a(b(c)a)b)) "))" a(b)'


FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'compare')


def trace(text, compare=None, tolerance=None):
    extra = ['--compare', compare, '--tolerance', repr(tolerance)] if compare else []
    out = subprocess.run(['node', os.path.join(ROOT, 'scripts', 'demo', 'trace-demo.js'),
                          os.path.join(DEMO, 'model.onnx'), text, 'float32'] + extra,
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def int8_comparison():
    """The float model against its int8-weight twin on the fixtures' text, checked against the reference."""
    with open(os.path.join(FIXTURES, 'manifest.json')) as f:
        manifest = json.load(f)
    ref = manifest['demoInt8']
    text = manifest['demoTwoTexts']['textA']
    assert len(text) == ref['steps']
    shutil.copyfile(os.path.join(FIXTURES, ref['model']), os.path.join(DEMO, 'model-int8.onnx'))
    tol = ref['driftTolerance']
    doc = trace(text, os.path.join(DEMO, 'model-int8.onnx'), tol)
    stats = doc['compare']['stats']
    first = min(s['firstDivergentStep'] for s in stats if s['firstDivergentStep'] is not None)
    assert first == ref['firstDivergentStepAtDriftTolerance'], (first, ref)
    for s in stats:
        err = abs(s['maxAbsDiff'] - ref['maxAbsDiff'][s['gate']])
        assert err < 1e-4, f"gate {s['gate']}: max |float - int8| {s['maxAbsDiff']} vs reference {ref['maxAbsDiff'][s['gate']]}"
    return text, tol, first, doc


def gate(doc, name):
    """Gate `name` of layer 0 as [T, H] float32 (batch item 0), from a version-2 trace (level 0, inline)."""
    g = next(g for g in doc['layers'][0]['gates'] if g['name'] == name)
    level = g['levels'][0]
    assert level['dtype'] == 'float32'
    return np.frombuffer(base64.b64decode(level['mean']['data']), dtype='<f4').reshape(doc['batch'], doc['steps'], g['units'])[0]


def md(text):
    return {'cell_type': 'markdown', 'metadata': {}, 'source': text.strip('\n').splitlines(keepends=True)}


def main():
    with open(os.path.join(DEMO, 'units.json')) as f:
        units = json.load(f)
    with open(os.path.join(DEMO, 'training.json')) as f:
        training = json.load(f)
    doc = trace(DEMO_TEXT)
    cmp_text, cmp_tol, cmp_first, cmp_doc = int8_comparison()
    cmp_max = ', '.join(f"{s['gate']} {s['maxAbsDiff']:.3f}" for s in cmp_doc['compare']['stats'])

    # The trace must agree with an independent recompute from the ONNX weights.
    ref = run(load(), encode(DEMO_TEXT))
    for g in 'rznh':
        err = float(np.abs(gate(doc, g) - ref[g]).max())
        assert err < 1e-4, f'trace gate {g} differs from the NumPy recompute by {err}'

    du, qu, gu = units['depthUnit'], units['quoteUnit'], units['bracketGateUnit']
    depth, quote = targets(DEMO_TEXT)
    h, z = gate(doc, 'h'), gate(doc, 'z')
    rows = ['| step | char | depth | in string | h[%d] | h[%d] | z[%d] |' % (du, qu, gu), '|---:|:---:|---:|:---:|---:|---:|---:|']
    for t, ch in enumerate(DEMO_TEXT):
        shown = '␣' if ch == ' ' else ('\\|' if ch == '|' else ch)
        rows.append(f'| {t} | `{shown}` | {depth[t]} | {"yes" if quote[t] else ""} | {h[t, du]:+.2f} | {h[t, qu]:+.2f} | {z[t, gu]:.2f} |')
    sign = 'falls' if units['depthCorrelation'] < 0 else 'rises'
    levels = ', '.join(f'{d}: {v:+.2f}' for d, v in units['hAtDepth'].items())

    cells = [
        md(f'''
# Gatescope demo: a GRU that counts brackets

A character-level GRU (hidden size {training['hidden']}, one layer) read random strings over
`( ) " a b c ␣` and learned, at every character, the **bracket nesting depth** (0 to 4) and whether it is
**inside a string** (brackets inside `"…"` do not count). Held-out accuracy: depth
{training['heldOut']['depthAccuracy']:.1%}, in-string {training['heldOut']['quoteAccuracy']:.1%}.
The model is `model.onnx` beside this notebook (trained by `scripts/demo/train_demo.py`, exported with
`torch.onnx.export`, opset 14, vocabulary in the ONNX metadata `gatescope.vocab`).

The output below is a real trace of `{DEMO_TEXT}`: onnxruntime-web ran the model, Gatescope
recomputed every gate from the GRU's weights and checked its hidden states against onnxruntime's
(max abs error {doc['check']['maxAbsError']:.1e}).
'''),
        md(f'''
## What to look for

`scripts/demo/find_units.py` correlated every hidden unit with the task over {units['steps']} held-out steps:

- **Unit {du} tracks depth.** Its hidden state `h[{du}]` {sign} with nesting depth (Pearson r =
  {units['depthCorrelation']:+.2f}). Mean `h[{du}]` by depth: {levels}: it is positive at depth 0 and 1 and
  negative from depth 2 on, saturating beyond 2 (units {units['top3DepthUnits'][1]} and {units['top3DepthUnits'][2]} are the next
  most correlated with depth). In the **h** heatmap, row {du} flips at the brackets that
  cross between depth 1 and 2 and ignores brackets inside strings.
- **Unit {qu} knows "inside a string".** `h[{qu}]` correlates with being inside quotes (r =
  {units['quoteCorrelation']:+.2f}): it jumps to about +1 at an opening `"`, stays there through the string
  and the closing `"`, and drops at the next character.
- **The update gate opens at brackets.** In this model (PyTorch/ONNX convention) `z` means *keep the old
  state*; a low `z` lets the unit take its new candidate `n`. Unit {gu}'s `z` averages
  {units['zAtBrackets']:.2f} at brackets outside strings, {units['zAtBracketsInStrings']:.2f} at brackets inside strings,
  {units['zAtQuotes']:.2f} at quotes and {units['zElsewhere']:.2f} at other characters outside strings: row {gu}
  of the **z** heatmap turns dark at brackets (and at quotes), and much less so inside strings.

The trace carries one label per step: the characters of the input, from the model's vocabulary.
'''),
        {
            'cell_type': 'code',
            'execution_count': 1,
            'metadata': {'vscode': {'languageId': 'yaml'}},
            'source': ['model: model.onnx\n', 'input: text\n', f'text: {DEMO_TEXT}\n', 'precision: float32'],
            'outputs': [{'output_type': 'display_data', 'metadata': {}, 'data': {MIME: doc}}],
        },
        md('''
## Try it

The cell above is a Gatescope **spec cell** (`docs/spec-cells.md`). Pick the **Gatescope** kernel
(top right), edit `text:` (characters from `( ) " a b c ␣`) and run the cell: the trace is computed
again in a worker thread. Try a deep nesting such as `((((a))))`, or brackets inside a string.
'''),
        md('## The three units, step by step (from the trace above)\n\n' + '\n'.join(rows)),
        md(f'''
## Float against int8 weights: where the drift starts

`model-int8.onnx` is this model with its GRU weights `W` and `R` quantised to int8 (per-tensor
symmetric scale, `QuantizeLinear` → `DequantizeLinear`, made with the onnx Python package by
`test/fixtures/compare/make_compare_fixtures.py`). The cell below runs the same text through both
(`compare:`) and shows **A** (float), **B** (int8) and **A − B** with one shared zoom and hover.
Per step, |A − B| stays below {cmp_tol} until step **{cmp_first}**, then passes it: the dashed line in
every pane (a float64 NumPy reference gives the same step). Ctrl+wheel over a pane zooms all three;
hover reads A, B and A − B. The largest differences per gate: {cmp_max}.
'''),
        {
            'cell_type': 'code',
            'execution_count': 2,
            'metadata': {'vscode': {'languageId': 'yaml'}},
            'source': ['model: model.onnx\n', 'input: text\n', f'text: {json.dumps(cmp_text)}\n', 'precision: float32\n',
                       'compare: model-int8.onnx\n', f'tolerance: {cmp_tol}'],
            'outputs': [{'output_type': 'display_data', 'metadata': {}, 'data': {MIME: cmp_doc}}],
        },
    ]
    nb = {
        'cells': cells,
        'metadata': {'language_info': {'name': 'yaml'}, 'gatescope': {'demo': True, 'units': {'depth': du, 'quote': qu, 'bracketGate': gu}}},
        'nbformat': 4,
        'nbformat_minor': 5,
    }
    for i, c in enumerate(nb['cells']):
        c['id'] = f'gatescope-demo-{i}'
    path = os.path.join(DEMO, 'demo.ipynb')
    with open(path, 'w') as f:
        json.dump(nb, f, indent=1)
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes); trace check max abs error {doc["check"]["maxAbsError"]:.2e}')


if __name__ == '__main__':
    main()
