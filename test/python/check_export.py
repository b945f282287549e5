#!/usr/bin/python3
"""Checks `gatescope export` output against the trace it came from, decoded here with numpy alone.

    /usr/bin/python3 test/python/check_export.py TRACE.json EXPORT_DIR

Decodes every gate's level 0 from the trace document (version 1: layers[].gates.{r,z,n,h};
version 2: layers[].gates[].levels[0].mean, inline base64 or a tensor of the safetensors sidecar
beside the trace), sets masked steps to NaN, and compares with EXPORT_DIR/L{layer}-{direction}-{gate}.npy
(b- for run b) bit for bit. Written from docs/trace-format.md and the safetensors layout, not from
Gatescope's TypeScript. Prints one line per file; exits 1 on the first difference.
"""
import base64
import json
import os
import struct
import sys

import numpy as np

U8_MAX_CODE = 252  # codes 253, 254, 255: NaN, +Inf, -Inf
ST_DTYPES = {"F32": "<f4", "F16": "<f2", "U8": "u1"}


def decode(raw, dtype, scale=None, offset=None):
    """Little-endian bytes of a trace dtype -> float32 values."""
    if dtype == "float32":
        return np.frombuffer(raw, "<f4").astype(np.float32)
    if dtype == "float16":
        return np.frombuffer(raw, "<f2").astype(np.float32)
    q = np.frombuffer(raw, "u1")
    # offset + scale * q in double precision, rounded once to float32.
    lut = np.empty(256, np.float32)
    lut[: U8_MAX_CODE + 1] = (offset + scale * np.arange(U8_MAX_CODE + 1, dtype=np.float64)).astype(np.float32)
    lut[253], lut[254], lut[255] = np.nan, np.inf, -np.inf
    return lut[q]


class Sidecar:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.bytes = f.read()
        (n,) = struct.unpack("<Q", self.bytes[:8])
        self.header = json.loads(self.bytes[8 : 8 + n].decode("utf-8"))
        self.start = 8 + n
        self.quant = json.loads(self.header["__metadata__"]["quant"])

    def tensor(self, name):
        t = self.header[name]
        begin, end = t["data_offsets"]
        raw = self.bytes[self.start + begin : self.start + end]
        dtype = {"F32": "float32", "F16": "float16", "U8": "uint8"}[t["dtype"]]
        scale, offset = self.quant.get(name, (None, None))
        return decode(raw, dtype, scale, offset).reshape(t["shape"])


def gates_of(doc, trace_path):
    """Yields (file name, [B, T, H] float32) for every gate, NaN where masked."""
    sidecar = None
    if doc["version"] == 1:
        first = doc["layers"][0]["gates"]["r"]["dims"]
        batch, steps = first[0], first[1]
    else:
        batch, steps = doc["batch"], doc["steps"]
    lengths = doc.get("sequenceLengths") or [steps] * batch
    for layer in doc["layers"]:
        prefix = "b-" if layer.get("run") == "b" else ""
        if doc["version"] == 1:
            entries = [(g, layer["gates"][g], layer["gates"][g]["dtype"], layer["hiddenSize"]) for g in ("r", "z", "n", "h")]
        else:
            entries = [(g["name"], g["levels"][0]["mean"], g["levels"][0]["dtype"], g["units"]) for g in layer["gates"]]
        for name, mean, dtype, units in entries:
            if "sidecar" in mean:
                if sidecar is None:
                    sidecar = Sidecar(os.path.join(os.path.dirname(trace_path), doc["sidecar"]["file"]))
                values = sidecar.tensor(mean["sidecar"]).copy()
            else:
                values = decode(base64.b64decode(mean["data"]), dtype, mean.get("scale"), mean.get("offset")).reshape(batch, steps, units).copy()
            for b, n in enumerate(lengths):
                values[b, n:, :] = np.nan
            yield f"{prefix}L{layer['layer']}-{layer['direction']}-{name}.npy", values


def main(trace_path, export_dir):
    with open(trace_path, encoding="utf-8") as f:
        doc = json.load(f)
    expected = dict(gates_of(doc, trace_path))
    present = sorted(f for f in os.listdir(export_dir) if f.endswith(".npy"))
    if present != sorted(expected):
        print(f"files differ: exported {present}, expected {sorted(expected)}")
        return 1
    for name, want in expected.items():
        got = np.load(os.path.join(export_dir, name))
        if got.dtype != np.float32 or got.shape != want.shape:
            print(f"{name}: {got.dtype} {got.shape}, expected float32 {want.shape}")
            return 1
        same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
        if not same.all():
            i = np.unravel_index(np.argmin(same), same.shape)
            print(f"{name}: differs at {tuple(int(x) for x in i)}: {got[i]} vs {want[i]}")
            return 1
        print(f"{name}: {want.shape} equal ({int(np.isnan(want).sum())} NaN)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
