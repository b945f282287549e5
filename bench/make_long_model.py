"""A long-run model and input for peak-memory checks of `gatescope trace` (issue 15, bounded memory).

Exports a seeded torch.nn.LSTM, GRU or RNN (one layer, layout 0, T left dynamic) with
torch.onnx.export (opset 14) and writes X of T steps as .npy ([T, 1, I] float32, seeded).
Nothing is committed from it: the files are hundreds of MB at T = 200,000.

  /usr/bin/python3 bench/make_long_model.py --cell lstm --steps 200000 --input 64 --hidden 256 --out DIR
  -> DIR/long-lstm.onnx, DIR/long-lstm-x.npy
"""
import argparse
import os

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cell', choices=['lstm', 'gru', 'rnn'], default='lstm')
    ap.add_argument('--steps', type=int, default=200000)
    ap.add_argument('--input', type=int, default=64)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.manual_seed(15)
    cls = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}[a.cell]
    m = cls(a.input, a.hidden).eval()
    os.makedirs(a.out, exist_ok=True)
    model = os.path.join(a.out, f'long-{a.cell}.onnx')
    # Exported on 8 steps with T dynamic: the graph runs any length.
    torch.onnx.export(m, (torch.zeros(8, 1, a.input),), model, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'T'}, 'y': {0: 'T'}}, opset_version=14)
    x = np.random.default_rng(15).uniform(-1, 1, size=(a.steps, 1, a.input)).astype(np.float32)
    np.save(os.path.join(a.out, f'long-{a.cell}-x.npy'), x)
    print(model, x.shape)


if __name__ == '__main__':
    main()
