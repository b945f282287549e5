"""Timing of the Python producer (python/gatescope): one JSON line per run.

    /usr/bin/python3 bench/python_trace.py [--steps 256,10000] [--hidden 512] [--input 128]

Per run: the float64 recompute, the check against torch, the encoding (with the sidecar when the
run exceeds the 8 MB output budget) and the PNG preview, in ms; the output's JSON bytes and the
sidecar's bytes. Seeded torch.nn.GRU weights; the sidecar goes to a temporary folder.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import gatescope  # noqa: E402
from gatescope import encode as enc, recurrences, torch_check, tracing  # noqa: E402
from gatescope.preview import png_bytes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="256,10000")
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--input", type=int, default=128)
    a = ap.parse_args()
    torch.manual_seed(0)
    gru = torch.nn.GRU(a.input, a.hidden)
    for T in [int(s) for s in a.steps.split(",")]:
        x = torch.randn(T, 1, a.input)
        timings = {}
        orig_run, orig_check, orig_encode = recurrences.run, torch_check.check_with_torch, enc.encode

        def timed(name, fn):
            def wrapper(*args, **kw):
                t0 = time.perf_counter()
                try:
                    return fn(*args, **kw)
                finally:
                    timings[name] = round((time.perf_counter() - t0) * 1000, 1)
            return wrapper

        tracing.run, tracing.check_with_torch, tracing.encode = timed("recompute_ms", orig_run), timed("check_ms", orig_check), timed("encode_ms", orig_encode)
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            doc = gatescope.trace(gru, x, sidecar=d)
            total = (time.perf_counter() - t0) * 1000
            t1 = time.perf_counter()
            png = png_bytes(doc)
            timings["png_ms"] = round((time.perf_counter() - t1) * 1000, 1)
            side = doc.get("sidecar")
            print(json.dumps({"cell": "gru", "input": a.input, "hidden": a.hidden, "steps": T, "total_ms": round(total, 1), **timings,
                              "json_bytes": enc.json_bytes(doc), "png_bytes": len(png), "sidecar_bytes": side["bytes"] if side else 0,
                              "level0": doc["layers"][0]["gates"][0]["levels"][0]["dtype"]}))
        tracing.run, tracing.check_with_torch, tracing.encode = orig_run, orig_check, orig_encode


if __name__ == "__main__":
    main()
