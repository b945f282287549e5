"""Generates the Python producer's fixtures: seeded torch.nn.GRU / LSTM / RNN cases, their weights,
inputs and PyTorch's own outputs (cases.json), and the v2 traces the gatescope package writes of them
(one file per case and precision; the long case with its sidecar).

    /usr/bin/python3 test/python/run_python_trace.py [OUT_DIR]    (default test/fixtures/trace/python)

Needs NumPy and torch (Debian: python3-numpy, python3-torch). Imports the installed gatescope
package, or the repository's python/gatescope when none is installed. Read by
test/unit/core/trace/python-producer.unit.test.ts (TypeScript decoder and sidecar reader) and checked
for staleness by test/python/test_gatescope.py (FixturesTests).
"""
import base64
import json
import os
import sys

import numpy as np
import torch

try:
    import gatescope
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    import gatescope
from gatescope.preview import png_bytes  # noqa: E402
from gatescope.sidecar import read_sidecar  # noqa: E402

# Fixed, so that regenerated files differ only when their content does.
CREATED_AT = "2026-11-26T00:00:00Z"
PRECISIONS = ("float32", "float16", "uint8")

CASES = [
    # Two bidirectional GRU layers, batch_first, ragged lengths, tokens.
    {"name": "bidir-2layer-batchfirst-lengths", "mode": "GRU", "input_size": 5, "hidden_size": 6, "num_layers": 2, "bidirectional": True,
     "batch_first": True, "batch": 3, "steps": 7, "lengths": [7, 5, 2], "h0": False, "seed": 1, "precisions": PRECISIONS},
    # One forward GRU layer, time-major, an initial state, larger inputs so that gates saturate.
    {"name": "forward-1layer-timemajor-h0", "mode": "GRU", "input_size": 4, "hidden_size": 9, "num_layers": 1, "bidirectional": False,
     "batch_first": False, "batch": 2, "steps": 11, "lengths": None, "h0": True, "seed": 2, "x_scale": 3.0, "precisions": PRECISIONS},
    # A bidirectional two-layer LSTM with a projection (h has proj_size units), lengths and (h0, c0).
    {"name": "lstm-proj-bidir-lengths", "mode": "LSTM", "input_size": 3, "hidden_size": 5, "proj_size": 2, "num_layers": 2, "bidirectional": True,
     "batch_first": False, "batch": 2, "steps": 6, "lengths": [6, 3], "h0": True, "seed": 3, "precisions": ("float32", "uint8")},
    # Two relu RNN layers, batch_first.
    {"name": "rnn-relu-2layer", "mode": "RNN_RELU", "input_size": 4, "hidden_size": 5, "num_layers": 2, "bidirectional": False,
     "batch_first": True, "batch": 2, "steps": 8, "lengths": None, "h0": False, "seed": 4, "precisions": ("float32",)},
    # A GRU run over the output budget: overview inline, fine levels in a sidecar beside the trace.
    {"name": "gru-long-sidecar", "mode": "GRU", "input_size": 4, "hidden_size": 8, "num_layers": 1, "bidirectional": False,
     "batch_first": False, "batch": 2, "steps": 300, "lengths": [300, 170], "h0": False, "seed": 5, "precisions": ("auto",),
     "max_mb": 24 / 1024},
]


def tensor_json(t):
    """{dims, f32: base64 of the little-endian float32 values, row-major} (compact and exact)."""
    a = t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
    return {"dims": list(a.shape), "f32": base64.b64encode(a.astype("<f4").tobytes()).decode("ascii")}


def make_module(c):
    kw = dict(num_layers=c["num_layers"], bidirectional=c["bidirectional"], batch_first=c["batch_first"])
    if c["mode"] == "GRU":
        return torch.nn.GRU(c["input_size"], c["hidden_size"], **kw)
    if c["mode"] == "LSTM":
        return torch.nn.LSTM(c["input_size"], c["hidden_size"], proj_size=c.get("proj_size", 0), **kw)
    return torch.nn.RNN(c["input_size"], c["hidden_size"], nonlinearity="relu" if c["mode"] == "RNN_RELU" else "tanh", **kw)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):  # stale sidecars from an earlier run would pile up
        if f.endswith(".gatescope.safetensors"):
            os.remove(os.path.join(out_dir, f))
    cases_out = []
    for c in CASES:
        torch.manual_seed(c["seed"])
        module = make_module(c)
        shape = (c["batch"], c["steps"], c["input_size"]) if c["batch_first"] else (c["steps"], c["batch"], c["input_size"])
        x = torch.randn(*shape) * c.get("x_scale", 1.0)
        D = 2 if c["bidirectional"] else 1
        P = c.get("proj_size") or c["hidden_size"]
        h0 = None
        if c["h0"]:
            h0 = torch.randn(c["num_layers"] * D, c["batch"], P) * 0.5
            if c["mode"] == "LSTM":
                h0 = (h0, torch.randn(c["num_layers"] * D, c["batch"], c["hidden_size"]) * 0.5)
        tokens = [f"w{t}" for t in range(c["steps"])]
        files = {}
        for p in c["precisions"]:
            doc = gatescope.trace(module, x, tokens=tokens, precision=p, lengths=c["lengths"], h0=h0, name=c["name"],
                                  max_mb=c.get("max_mb", 8), sidecar=out_dir, sidecar_stem=c["name"])
            doc["createdAt"] = CREATED_AT
            f = f"{c['name']}.{p}.json"
            with open(os.path.join(out_dir, f), "w") as fh:
                json.dump(doc, fh, indent=1, ensure_ascii=False, allow_nan=False)
                fh.write("\n")
            files[p] = f
            # The PNG preview show() puts beside it (compared pixel for pixel with the TypeScript one).
            with open(os.path.join(out_dir, f"{c['name']}.{p}.png"), "wb") as fh:
                fh.write(png_bytes(doc))
        # PyTorch's own outputs (time-major [T, B, D*P]; masked steps are 0): the reference the
        # TypeScript test compares the last layer's h with, independent of gatescope's recompute.
        with torch.no_grad():
            xin = x
            if c["lengths"] is not None:
                xin = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(c["lengths"]), batch_first=c["batch_first"], enforce_sorted=False)
            out, _ = module(xin, h0)
            if c["lengths"] is not None:
                out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=c["batch_first"], total_length=c["steps"])
            if c["batch_first"]:
                out = out.transpose(0, 1)
        entry = {
            "name": c["name"],
            "config": {k: c.get(k, 0) for k in ("mode", "input_size", "hidden_size", "proj_size", "num_layers", "bidirectional", "batch_first", "batch", "steps")},
            "lengths": c["lengths"],
            "state_dict": {k: tensor_json(v) for k, v in module.state_dict().items()},
            "x": tensor_json(x),
            "h0": None if h0 is None else tensor_json(h0[0] if isinstance(h0, tuple) else h0),
            "c0": tensor_json(h0[1]) if isinstance(h0, tuple) else None,
            "torch_output": tensor_json(out),
            "traces": files,
        }
        doc_path = os.path.join(out_dir, files[c["precisions"][0]])
        with open(doc_path) as fh:
            doc = json.load(fh)
        if "sidecar" in doc:
            # One tile as the Python side recorded it, for the TypeScript sidecar reader to match.
            _, tensors = read_sidecar(os.path.join(out_dir, doc["sidecar"]["file"]))
            name = "L0.forward.h.x1.mean"
            tile_steps = doc["pyramid"]["tileSteps"]
            b, i = 1, 0
            entry["sidecar_tile"] = {"tensor": name, "batch": b, "tile": i,
                                     "values": tensor_json(tensors[name][b, i * tile_steps:(i + 1) * tile_steps])}
        cases_out.append(entry)
    with open(os.path.join(out_dir, "cases.json"), "w") as fh:
        json.dump({"generator": "test/python/run_python_trace.py", "torch": torch.__version__, "numpy": np.__version__,
                   "cases": cases_out}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(CASES)} cases to {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "trace", "python"))
