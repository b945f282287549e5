#!/usr/bin/python3
"""Trains Gatescope's demo model and exports it to ONNX.

A character-level GRU reads strings such as `a(b"c)d"(e)f)` and predicts, at every character,
the bracket nesting depth after that character (0..MAX_DEPTH) and whether it is inside a
double-quoted string. Brackets inside quotes do not count, so the network needs one unit that
counts and one unit that remembers "in a string", which makes its gates worth looking at.

Run with Debian's torch (under a minute on one core):
    /usr/bin/python3 scripts/demo/train_demo.py
Writes media/demo/model.onnx (opset 14, vocabulary in metadata_props "gatescope.vocab") and
media/demo/training.json (losses and held-out accuracy).

The LSTM twin ("GRU vs LSTM on the same task"): the same task, data stream, seed, sizes and
schedule, with nn.LSTM in place of nn.GRU:
    /usr/bin/python3 scripts/demo/train_demo.py lstm
writes media/demo/model-lstm.onnx and media/demo/training-lstm.json.
"""
import json
import os
import random
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from demo_task import VOCAB, MAX_DEPTH, generate, encode  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'media', 'demo')

SEED = 7
HIDDEN = 24
EMBED = 8
STEPS = 800
BATCH = 64
LENGTH = (24, 64)


class DepthGru(nn.Module):
    """Embedding -> one-layer GRU (batch_first) -> two per-step heads (depth classes, in-quote)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), EMBED)
        self.gru = nn.GRU(EMBED, HIDDEN, batch_first=True)
        self.depth = nn.Linear(HIDDEN, MAX_DEPTH + 1)
        self.quote = nn.Linear(HIDDEN, 1)

    def forward(self, tokens):
        h, _ = self.gru(self.embed(tokens))
        return self.depth(h), self.quote(h).squeeze(-1)


class DepthLstm(nn.Module):
    """The LSTM twin: the same layers with nn.LSTM in place of nn.GRU."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), EMBED)
        self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.depth = nn.Linear(HIDDEN, MAX_DEPTH + 1)
        self.quote = nn.Linear(HIDDEN, 1)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return self.depth(h), self.quote(h).squeeze(-1)


# Per cell: module class, model file, training record file.
CELLS = {
    'gru': (DepthGru, 'model.onnx', 'training.json'),
    'lstm': (DepthLstm, 'model-lstm.onnx', 'training-lstm.json'),
}


def batch(rng, n):
    """n strings of one random length; returns tokens [n, T] int64, depth [n, T] int64, quote [n, T] float."""
    length = rng.randint(*LENGTH)
    items = [generate(rng, length) for _ in range(n)]
    tokens = torch.tensor([encode(s) for s, _, _ in items], dtype=torch.long)
    depth = torch.tensor([d for _, d, _ in items], dtype=torch.long)
    quote = torch.tensor([q for _, _, q in items], dtype=torch.float32)
    return tokens, depth, quote


def main():
    cell = sys.argv[1] if len(sys.argv) > 1 else 'gru'
    if cell not in CELLS:
        sys.exit(f'train_demo.py: cell is {cell!r}; expected one of {", ".join(CELLS)}')
    module, model_file, record_file = CELLS[cell]
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = module()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, STEPS)
    ce = nn.CrossEntropyLoss()
    bce = nn.BCEWithLogitsLoss()
    losses = []
    for step in range(STEPS):
        tokens, depth, quote = batch(rng, BATCH)
        depth_logits, quote_logits = model(tokens)
        loss = ce(depth_logits.reshape(-1, MAX_DEPTH + 1), depth.reshape(-1)) + bce(quote_logits, quote)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == STEPS - 1:
            losses.append({'step': step, 'loss': round(loss.item(), 5)})
            print(f'step {step:5d}  loss {loss.item():.4f}', flush=True)

    model.eval()
    held = random.Random(SEED + 1)
    with torch.no_grad():
        tokens, depth, quote = batch(held, 512)
        depth_logits, quote_logits = model(tokens)
        depth_acc = (depth_logits.argmax(-1) == depth).float().mean().item()
        quote_acc = ((quote_logits > 0).float() == quote).float().mean().item()
    print(f'held-out accuracy: depth {depth_acc:.4f}, in-quote {quote_acc:.4f}')

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, model_file)
    example = torch.tensor([encode('a(b"c)"a)')], dtype=torch.long)
    torch.onnx.export(
        model, (example,), path, opset_version=14,
        input_names=['tokens'], output_names=['depth_logits', 'quote_logits'],
        dynamic_axes={'tokens': {0: 'batch', 1: 'steps'}, 'depth_logits': {0: 'batch', 1: 'steps'},
                      'quote_logits': {0: 'batch', 1: 'steps'}},
    )
    import onnx
    proto = onnx.load(path)
    entry = proto.metadata_props.add()
    entry.key = 'gatescope.vocab'
    entry.value = json.dumps(VOCAB)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    with open(os.path.join(OUT, record_file), 'w') as f:
        json.dump({'cell': cell, 'seed': SEED, 'hidden': HIDDEN, 'embed': EMBED, 'steps': STEPS, 'batch': BATCH,
                   'torch': torch.__version__, 'losses': losses,
                   'heldOut': {'depthAccuracy': round(depth_acc, 4), 'quoteAccuracy': round(quote_acc, 4)}},
                  f, indent=2)
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
