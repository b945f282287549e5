"""Generates the Python producer's test fixtures: seeded torch.nn.GRU cases, their weights and inputs
(cases.json) and the traces python/gatescope.py makes of them (one file per case and precision).

    /usr/bin/python3 test/python/run_python_trace.py test/fixtures/trace/python

Needs NumPy and torch (Debian: python3-numpy, python3-torch). The mocha test
test/unit/core/trace/python-producer.unit.test.ts runs this into a temporary folder when
/usr/bin/python3 can import torch, and otherwise reads the committed files.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import gatescope  # noqa: E402


def tensor_json(t):
    a = t.detach().cpu().numpy().astype(np.float32) if hasattr(t, "detach") else np.asarray(t, dtype=np.float32)
    return {"dims": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


CASES = [
    # Two bidirectional layers, batch_first, ragged lengths, tokens.
    {"name": "bidir-2layer-batchfirst-lengths", "input_size": 5, "hidden_size": 6, "num_layers": 2, "bidirectional": True,
     "batch_first": True, "batch": 3, "steps": 7, "lengths": [7, 5, 2], "h0": False, "seed": 1},
    # One forward layer, time-major, an initial state, larger inputs so that gates saturate.
    {"name": "forward-1layer-timemajor-h0", "input_size": 4, "hidden_size": 9, "num_layers": 1, "bidirectional": False,
     "batch_first": False, "batch": 2, "steps": 11, "lengths": None, "h0": True, "seed": 2, "x_scale": 3.0},
]
PRECISIONS = ("float32", "float16", "uint8")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    cases_out = []
    for c in CASES:
        torch.manual_seed(c["seed"])
        gru = torch.nn.GRU(c["input_size"], c["hidden_size"], num_layers=c["num_layers"],
                           bidirectional=c["bidirectional"], batch_first=c["batch_first"])
        shape = (c["batch"], c["steps"], c["input_size"]) if c["batch_first"] else (c["steps"], c["batch"], c["input_size"])
        x = torch.randn(*shape) * c.get("x_scale", 1.0)
        D = 2 if c["bidirectional"] else 1
        h0 = torch.randn(c["num_layers"] * D, c["batch"], c["hidden_size"]) * 0.5 if c["h0"] else None
        tokens = [f"w{t}" for t in range(c["steps"])]
        files = {}
        for p in PRECISIONS:
            doc = gatescope.trace(gru, x, tokens=tokens, precision=p, lengths=c["lengths"], h0=h0, name=c["name"])
            doc["createdAt"] = "2026-11-26T00:00:00Z"  # fixed, so regenerated files differ only when content does
            f = f"{c['name']}.{p}.json"
            with open(os.path.join(out_dir, f), "w") as fh:
                json.dump(doc, fh, indent=1, ensure_ascii=False, allow_nan=False)
                fh.write("\n")
            files[p] = f
        cases_out.append({
            "name": c["name"],
            "config": {k: c[k] for k in ("input_size", "hidden_size", "num_layers", "bidirectional", "batch_first", "batch", "steps")},
            "lengths": c["lengths"],
            "state_dict": {k: tensor_json(v) for k, v in gru.state_dict().items()},
            "x": tensor_json(x),
            "h0": tensor_json(h0) if h0 is not None else None,
            "traces": files,
        })
    with open(os.path.join(out_dir, "cases.json"), "w") as fh:
        json.dump({"generator": "test/python/run_python_trace.py", "torch": torch.__version__, "numpy": np.__version__,
                   "cases": cases_out}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(CASES)} cases x {len(PRECISIONS)} precisions to {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "trace", "python"))
