#!/usr/bin/python3
"""Finds the demo model's interpretable units and writes media/demo/units.json.

Recomputes the GRU's gates from the exported ONNX weights (PyTorch equations, gate blocks r, z, n
after undoing the exporter's z, r, n row order) over held-out strings, then:
  - depth unit:  the hidden unit whose h correlates most (|Pearson r|) with bracket depth;
  - quote unit:  the hidden unit whose h correlates most with "inside a string";
  - bracket gate: the unit whose update gate z falls most at brackets outside strings (z is
    "keep old" in PyTorch/ONNX, so a low z means the unit takes its new candidate there).
Run after train_demo.py:  /usr/bin/python3 scripts/demo/find_units.py
"""
import json
import os
import random
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_task import generate, encode  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODEL = os.path.join(ROOT, 'media', 'demo', 'model.onnx')
OUT = os.path.join(ROOT, 'media', 'demo', 'units.json')
SEED = 11


def load():
    """Returns (embedding [V, E], W [3H, E], R [3H, H], bW [3H], bR [3H]) with gate blocks r, z, n."""
    proto = onnx.load(MODEL)
    inits = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    gru = [n for n in proto.graph.node if n.op_type == 'GRU']
    assert len(gru) == 1, 'the demo model has one GRU node'
    node = gru[0]
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    assert attrs.get('linear_before_reset') == 1, 'PyTorch export uses linear_before_reset = 1'
    W, R, B = (inits[name][0] for name in node.input[1:4])
    H = R.shape[1]

    def rzn(m):
        # ONNX blocks z, r, n -> r, z, n
        return np.concatenate([m[H:2 * H], m[:H], m[2 * H:]])

    gathers = [n for n in proto.graph.node if n.op_type == 'Gather']
    embedding = inits[gathers[0].input[0]]
    return embedding, rzn(W), rzn(R), rzn(B[:3 * H]), rzn(B[3 * H:])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def run(weights, tokens):
    """Gates for one sequence: dict of r, z, n, h each [T, H]."""
    embedding, W, R, bW, bR = weights
    H = R.shape[1]
    h = np.zeros(H, dtype=np.float64)
    out = {g: [] for g in 'rznh'}
    for tok in tokens:
        gi = W @ embedding[tok] + bW
        gh = R @ h + bR
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h = z * h + (1 - z) * n
        for g, v in zip('rznh', (r, z, n, h)):
            out[g].append(v)
    return {g: np.array(v) for g, v in out.items()}


def main():
    weights = load()
    rng = random.Random(SEED)
    texts, depth, quote, gates = [], [], [], {g: [] for g in 'rznh'}
    for _ in range(200):
        text, ds, qs = generate(rng, 64)
        g = run(weights, encode(text))
        texts.append(text)
        depth += ds
        quote += qs
        for k in 'rznh':
            gates[k].append(g[k])
    depth = np.array(depth, dtype=np.float64)
    quote = np.array(quote, dtype=np.float64)
    chars = np.array(list(''.join(texts)))
    G = {k: np.concatenate(v) for k, v in gates.items()}
    H = G['h'].shape[1]

    def corr(values, target):
        return np.array([np.corrcoef(values[:, u], target)[0, 1] for u in range(H)])

    depth_corr = corr(G['h'], depth)
    outside = quote == 0
    quote_corr = corr(G['h'], quote)
    depth_unit = int(np.nanargmax(np.abs(depth_corr)))
    quote_unit = int(np.nanargmax(np.abs(quote_corr)))

    bracket = outside & ((chars == '(') | (chars == ')'))
    other = outside & ~((chars == '(') | (chars == ')'))
    z_drop = G['z'][other].mean(0) - G['z'][bracket].mean(0)
    gate_unit = int(np.argmax(z_drop))

    result = {
        'depthUnit': depth_unit,
        'depthCorrelation': round(float(depth_corr[depth_unit]), 4),
        'quoteUnit': quote_unit,
        'quoteCorrelation': round(float(quote_corr[quote_unit]), 4),
        'bracketGateUnit': gate_unit,
        'bracketGate': 'z',
        'zAtBrackets': round(float(G['z'][bracket, gate_unit].mean()), 4),
        'zElsewhere': round(float(G['z'][other, gate_unit].mean()), 4),
        'zAtQuotes': round(float(G['z'][chars == '"', gate_unit].mean()), 4),
        'zAtBracketsInStrings': round(float(G['z'][~outside & ((chars == '(') | (chars == ')')), gate_unit].mean()), 4),
        'hAtDepth': {str(d): round(float(G['h'][depth == d, depth_unit].mean()), 4) for d in range(5)},
        'top3DepthUnits': [int(u) for u in np.argsort(-np.abs(depth_corr))[:3]],
        'top3QuoteUnits': [int(u) for u in np.argsort(-np.abs(quote_corr))[:3]],
        'steps': int(depth.size),
        'seed': SEED,
        'method': 'Pearson correlation of h with depth / in-quote over 200 held-out strings of 64 characters; '
                  'bracket gate = largest drop of mean z at brackets outside strings versus other characters outside strings',
    }
    with open(OUT, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(json.dumps(result, indent=2))


if __name__ == '__main__':
    main()
