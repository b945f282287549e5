#!/usr/bin/python3
"""Measured findings for "GRU vs LSTM on the same task": media/demo/twins.json.

Recomputes both demo models' gates from their exported ONNX weights (PyTorch equations; the
exporter's row orders z, r, n and i, o, f, c undone) over the same 200 held-out strings of 64
characters (seed 11, as find_units.py), then reports for each model:
  - depth units: the three units whose h (LSTM: also c) correlates most (|Pearson r|) with the
    bracket depth, with the mean of the best one per depth;
  - the forget role at brackets: GRU z (keeps the old state) and LSTM f, mean at brackets outside
    strings versus other characters outside strings, for the depth unit and averaged over units;
    LSTM i likewise (the write gate);
  - memory timescale tau = -1 / ln(mean forget) per unit (Tallec & Ollivier 2018), with the depth
    unit's tau and the median over units.
Run after train_demo.py (both cells): /usr/bin/python3 scripts/demo/compare_twins.py
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
DEMO = os.path.join(ROOT, 'media', 'demo')
SEED = 11


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def load(file, op):
    proto = onnx.load(os.path.join(DEMO, file))
    inits = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    nodes = [n for n in proto.graph.node if n.op_type == op]
    assert len(nodes) == 1, f'{file} has one {op} node'
    W, R, B = (inits[name][0].astype(np.float64) for name in nodes[0].input[1:4])
    gathers = [n for n in proto.graph.node if n.op_type == 'Gather']
    return inits[gathers[0].input[0]].astype(np.float64), W, R, B


def blocks(m, H, order, want):
    return np.concatenate([m[order.index(g) * H:(order.index(g) + 1) * H] for g in want])


def run_gru(weights, tokens):
    emb, W, R, B = weights
    H = R.shape[1]
    order = ['z', 'r', 'n']
    W, R = blocks(W, H, order, 'rzn'), blocks(R, H, order, 'rzn')
    bW, bR = blocks(B[:3 * H], H, order, 'rzn'), blocks(B[3 * H:], H, order, 'rzn')
    h = np.zeros(H)
    out = {g: [] for g in 'rznh'}
    for tok in tokens:
        gi = W @ emb[tok] + bW
        gh = R @ h + bR
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h = z * h + (1 - z) * n
        for g, v in zip('rznh', (r, z, n, h)):
            out[g].append(v)
    return {g: np.array(v) for g, v in out.items()}


def run_lstm(weights, tokens):
    emb, W, R, B = weights
    H = R.shape[1]
    order = ['i', 'o', 'f', 'g']
    W, R = blocks(W, H, order, 'ifgo'), blocks(R, H, order, 'ifgo')
    b = blocks(B[:4 * H], H, order, 'ifgo') + blocks(B[4 * H:], H, order, 'ifgo')
    h = np.zeros(H)
    c = np.zeros(H)
    out = {g: [] for g in 'ifgoch'}
    for tok in tokens:
        a = W @ emb[tok] + R @ h + b
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        for k, v in zip('ifgoch', (i, f, g, o, c, h)):
            out[k].append(v)
    return {k: np.array(v) for k, v in out.items()}


def corr(values, target):
    return np.array([np.corrcoef(values[:, u], target)[0, 1] for u in range(values.shape[1])])


def tau(mean_forget):
    with np.errstate(divide='ignore'):
        return np.where(mean_forget >= 1, np.inf, -1 / np.log(mean_forget))


def r4(x):
    return round(float(x), 4)


def measure(run, weights, texts):
    G = {}
    for text in texts:
        for k, v in run(weights, encode(text)).items():
            G.setdefault(k, []).append(v)
    G = {k: np.concatenate(v) for k, v in G.items()}
    return G


def main():
    rng = random.Random(SEED)
    items = [generate(rng, 64) for _ in range(200)]
    texts = [t for t, _, _ in items]
    depth = np.array([d for _, ds, _ in items for d in ds], dtype=np.float64)
    quote = np.array([q for _, _, qs in items for q in qs], dtype=np.float64)
    chars = np.array(list(''.join(texts)))
    outside = quote == 0
    is_bracket = (chars == '(') | (chars == ')')
    bracket = outside & is_bracket
    other = outside & ~is_bracket
    result = {'seed': SEED, 'strings': len(texts), 'steps': int(depth.size)}
    for name, file, op, run, forget, states in (
        ('gru', 'model.onnx', 'GRU', run_gru, 'z', ['h']),
        ('lstm', 'model-lstm.onnx', 'LSTM', run_lstm, 'f', ['h', 'c']),
    ):
        G = measure(run, load(file, op), texts)
        entry = {'file': file, 'forgetGate': forget}
        best = None
        for s in states:
            dc = corr(G[s], depth)
            top = [int(u) for u in np.argsort(-np.abs(dc))[:3]]
            entry[f'depthUnitsBy{s.upper()}'] = [{'unit': u, 'r': r4(dc[u])} for u in top]
            if best is None or abs(dc[top[0]]) > abs(best[2]):
                best = (s, top[0], dc[top[0]])
        s, unit, r = best
        entry['depthUnit'] = {'state': s, 'unit': unit, 'r': r4(r),
                              'meanPerDepth': {str(d): r4(G[s][depth == d, unit].mean()) for d in range(5)}}
        F = G[forget]
        entry['forgetAtBrackets'] = {
            'depthUnit': {'brackets': r4(F[bracket, unit].mean()), 'elsewhere': r4(F[other, unit].mean()),
                          'bracketsInStrings': r4(F[~outside & is_bracket, unit].mean())},
            'allUnits': {'brackets': r4(F[bracket].mean()), 'elsewhere': r4(F[other].mean())},
            'unitWithLargestDrop': int(np.argmax(F[other].mean(0) - F[bracket].mean(0))),
            'largestDrop': r4(np.max(F[other].mean(0) - F[bracket].mean(0))),
        }
        if 'i' in G:
            entry['inputGateAtBrackets'] = {'depthUnit': {'brackets': r4(G['i'][bracket, unit].mean()), 'elsewhere': r4(G['i'][other, unit].mean())}}
        t = tau(F.mean(0))
        entry['timescale'] = {'depthUnit': r4(t[unit]), 'median': r4(np.median(t)), 'max': r4(np.max(t)),
                              'unitsAbove10Steps': int((t > 10).sum()), 'units': int(t.size)}
        result[name] = entry
    result['method'] = ('Pearson correlation with bracket depth over the held-out steps; forget role = GRU z (keeps the old state), LSTM f; '
                        'brackets = ( or ) outside strings; tau = -1/ln(mean forget) per unit')
    with open(os.path.join(DEMO, 'twins.json'), 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(json.dumps(result, indent=2))


if __name__ == '__main__':
    main()
