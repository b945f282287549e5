"""Gate arrays -> trace document version 2, plus the sidecar for what does not fit the output.
The extension's src/core/trace/encode.ts, same size rule (docs/trace-format.md, "Size budget"):

size = UTF-8 bytes of the compact JSON text of the document.
1. Whole run inline: level 0 of every gate in the document (readers derive coarser levels).
   precision "auto" takes the first of float32, float16, uint8 that fits max_bytes; an explicit
   precision is used when it fits.
2. Otherwise, when a sidecar may be written: the document keeps the coarsest levels (uint8, mean,
   min and max) that fit inline_bytes (2 MiB, or max_bytes when smaller), the sidecar holds every
   finer level. Sidecar precision "auto": the most precise whose file stays under 2 GiB.
3. Otherwise TraceError says how large the run is and what to change.
A gate with finite values beyond float16's range is stored as float32 (with a warning) wherever
float16 was asked for.
"""
import json

from .value_encoding import BYTES_PER_VALUE, b64, b64_length, encode_values, fits_float16, uint8_quantization
from .errors import TraceError
from .pyramid import FANOUT, TOP_BUCKETS, bucket_count, build_pyramid, choose_tile_steps, level_buckets, valid_buckets
from .sidecar import HASH_PLACEHOLDER, file_name, tensor_name, write_sidecar

FORMAT = "gatescope.trace"
VERSION = 2
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
SIDECAR_INLINE_BYTES = 2 * 1024 * 1024
SIDECAR_AUTO_MAX_BYTES = 2 * 1024 ** 3
# Stands in for a uint8 scale/offset when sizing: the longest JSON text of a finite double (24 chars).
NUMBER_PLACEHOLDER = -1.2345678901234567e-300
MB = 1024 * 1024
_COMPACT = dict(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def json_bytes(doc):
    """Bytes of the compact JSON text of a document (what max_bytes limits)."""
    return len(json.dumps(doc, **_COMPACT).encode("utf-8"))


def fmt_mb(n):
    if n < 10_000:
        return f"{round(n)} bytes"
    if n < MB:
        return f"{n / 1024:.1f} kB"
    return f"{n / MB:.{2 if n < 10 * MB else 1}f} MB"


class _Run:
    """One run to encode: head fields, layer entries with their float32 [B, T, U] values, the pyramid layout."""

    def __init__(self, head, layers, batch, steps, lengths):
        import numpy as np

        self.head, self.layers, self.batch, self.steps = head, layers, batch, steps
        self.lengths = np.asarray(lengths if lengths is not None else [steps] * batch, dtype=np.int64)
        max_units = max(v.shape[2] for l in layers for v in l["values"].values())
        self.tile_steps = choose_tile_steps(max_units)
        self.buckets = level_buckets(steps, FANOUT, min(TOP_BUCKETS, self.tile_steps))
        self.f16ok = [[fits_float16(l["values"][s["name"]]) for s in l["specs"]] for l in layers]

    def units(self, li, gi):
        l = self.layers[li]
        return l["values"][l["specs"][gi]["name"]].shape[2]


def _plan(run, first_inline, inline_dtype, sidecar_dtype):
    """Where each level goes: levels k >= first_inline inline, below it in the sidecar; dtypes per gate."""
    fallback = False

    def pick(d, ok):
        nonlocal fallback
        if d == "float16" and not ok:
            fallback = True
            return "float32"
        return d

    inline = [[pick(inline_dtype, ok) if first_inline == 0 else "uint8" for ok in row] for row in run.f16ok]
    side = [[pick(sidecar_dtype, ok) if first_inline > 0 else sidecar_dtype for ok in row] for row in run.f16ok]
    return {"first_inline": first_inline, "inline": inline, "sidecar": side, "fallback": fallback}


def _stored_levels(run, plan):
    return [0] if plan["first_inline"] == 0 else list(range(len(run.buckets)))


def _warnings(run, plan):
    out = list(run.head.get("warnings") or [])
    if plan["fallback"]:
        for li, l in enumerate(run.layers):
            for gi, s in enumerate(l["specs"]):
                if not run.f16ok[li][gi]:
                    out.append(f"layer {l['layer']} {l['direction']} {s['name']}: values beyond float16's range (±65504); stored as float32 instead.")
    return out


def _document_head(run, plan):
    h = run.head
    doc = {"format": FORMAT, "version": VERSION, "model": h["model"], "batch": run.batch, "steps": run.steps,
           "pyramid": {"fanout": FANOUT, "tileSteps": run.tile_steps}}
    for k in ("producer", "createdAt", "check"):
        if h.get(k) is not None:
            doc[k] = h[k]
    warnings = _warnings(run, plan)
    if warnings:
        doc["warnings"] = warnings
    for k in ("tokens", "sequenceLengths"):
        if h.get(k) is not None:
            doc[k] = h[k]
    return doc


def _layer_head(l, gates):
    out = {"layer": l["layer"], "direction": l["direction"], "name": l["name"], "cell": l["cell"], "hiddenSize": l["hidden_size"]}
    if l.get("convention"):
        out["convention"] = l["convention"]
    out["gates"] = gates  # last: the small descriptive fields stay readable at the top of a saved output
    return out


def _gate_head(spec, units, levels):
    return {"name": spec["name"], "role": spec["role"], "range": spec["range"], "scale": spec["scale"], "units": int(units), "levels": levels}


def _estimate(run, plan, with_sidecar):
    """Exact JSON size, except that uint8 scale/offset count at their longest (24 characters)."""
    doc = _document_head(run, plan)
    if with_sidecar:
        doc["sidecar"] = {"file": file_name("x" * 64, HASH_PLACEHOLDER), "bytes": 10 ** 15, "headerSha256": HASH_PLACEHOLDER}
    payload = 0
    layers = []
    for li, l in enumerate(run.layers):
        gates = []
        for gi, s in enumerate(l["specs"]):
            U = run.units(li, gi)
            levels = []
            for k in _stored_levels(run, plan):
                inline = k >= plan["first_inline"]
                dtype = plan["inline"][li][gi] if inline else plan["sidecar"][li][gi]
                q = {"scale": NUMBER_PLACEHOLDER, "offset": NUMBER_PLACEHOLDER} if dtype == "uint8" else {}
                summaries = ("mean",) if k == 0 else ("mean", "min", "max")
                level = {"bucket": run.buckets[k], "dtype": dtype}
                for sname in summaries:
                    if inline:
                        level[sname] = {"data": "", **q}
                        payload += b64_length(run.batch * bucket_count(run.steps, run.buckets[k]) * U * BYTES_PER_VALUE[dtype])
                    else:
                        level[sname] = {"sidecar": tensor_name(l["layer"], l["direction"], s["name"], run.buckets[k], sname), **q}
                levels.append(level)
            gates.append(_gate_head(s, U, levels))
        layers.append(_layer_head(l, gates))
    doc["layers"] = layers
    return json_bytes(doc) + payload


def _sidecar_bytes(run, first_inline, dtype):
    cells = 0
    for li, l in enumerate(run.layers):
        for gi in range(len(l["specs"])):
            U = run.units(li, gi)
            for k in range(first_inline):
                cells += (1 if k == 0 else 3) * run.batch * bucket_count(run.steps, run.buckets[k]) * U
    return cells * BYTES_PER_VALUE[dtype]


def _masked_to_zero(values, lengths):
    """Masked cells (t >= lengths[b]) as 0, the canonical stored value."""
    import numpy as np

    T = values.shape[1]
    valid = (np.arange(T)[None, :] < lengths[:, None])[:, :, None]
    return np.where(valid, values, np.float32(0)).astype(np.float32)


def _build(run, plan, sidecar_tensors):
    """The document; summaries bound for the sidecar are appended to sidecar_tensors in document order."""
    doc = _document_head(run, plan)
    layers = []
    for li, l in enumerate(run.layers):
        gates = []
        for gi, s in enumerate(l["specs"]):
            values = _masked_to_zero(l["values"][s["name"]], run.lengths)
            if plan["first_inline"] == 0:
                pyramid = [(values, values, values)]
            else:
                pyramid = build_pyramid(values, run.steps, run.buckets, FANOUT, run.lengths)
            levels = []
            for k, sums in enumerate(pyramid):
                inline = k >= plan["first_inline"]
                dtype = plan["inline"][li][gi] if inline else plan["sidecar"][li][gi]
                bucket = run.buckets[k]
                valid = valid_buckets(run.lengths, bucket)
                level = {"bucket": bucket, "dtype": dtype}
                for sname, v in zip(("mean", "min", "max"), sums):
                    if k == 0 and sname != "mean":
                        continue
                    q = {}
                    if dtype == "uint8":
                        scale, offset = uint8_quantization(v, valid)
                        q = {"scale": scale, "offset": offset}
                    if inline:
                        level[sname] = {"data": b64(encode_values(v, dtype, q.get("scale", 0.0), q.get("offset", 0.0))), **q}
                    else:
                        name = tensor_name(l["layer"], l["direction"], s["name"], bucket, sname)
                        sidecar_tensors.append({"name": name, "dtype": dtype, "values": v, **q})
                        level[sname] = {"sidecar": name, **q}
                levels.append(level)
            gates.append(_gate_head(s, values.shape[2], levels))
        layers.append(_layer_head(l, gates))
    doc["layers"] = layers
    return doc


def encode(head, layers, batch, steps, lengths, precision="auto", max_bytes=DEFAULT_MAX_BYTES, sidecar=None, sidecar_precision="auto"):
    """Returns the v2 document (a dict), writing a sidecar when the run needs one.

    head: model, producer, createdAt, check, warnings, tokens, sequenceLengths (absent or None: left out).
    layers: [{layer, direction, name, cell, hidden_size, convention, specs, values: {gate: float32 [B, T, U]}}].
    sidecar: None (the run must fit max_bytes) or {"folder": path, "stem": file name stem}.
    """
    run = _Run(head, layers, batch, steps, lengths)
    candidates = ["float32", "float16", "uint8"] if precision == "auto" else [precision]
    smallest = float("inf")
    for dtype in candidates:
        plan = _plan(run, 0, dtype, "uint8")
        size = _estimate(run, plan, False)
        smallest = min(smallest, size)
        if size <= max_bytes:
            return _build(run, plan, None)

    if sidecar is not None:
        inline_bytes = min(max_bytes, SIDECAR_INLINE_BYTES)
        top = len(run.buckets) - 1
        first = next((k for k in range(1, top + 1) if _estimate(run, _plan(run, k, "uint8", "uint8"), True) <= inline_bytes), None)
        if first is None:
            need = _estimate(run, _plan(run, top, "uint8", "uint8"), True) if top > 0 else smallest
            raise TraceError(
                f"the run's overview does not fit the output ({fmt_mb(need)}, budget {fmt_mb(inline_bytes)}): "
                f"{len(layers)} layer entries of up to {max(v.shape[2] for l in layers for v in l['values'].values())} units. "
                "Trace fewer layers or fewer batch items, or raise max_mb."
            )
        side_dtype = sidecar_precision
        if side_dtype == "auto":
            side_dtype = next((d for d in ("float32", "float16") if _sidecar_bytes(run, first, d) <= SIDECAR_AUTO_MAX_BYTES), "uint8")
        plan = _plan(run, first, "uint8", side_dtype)
        tensors = []
        doc = _build(run, plan, tensors)
        ref = write_sidecar(sidecar["folder"], sidecar["stem"], run.tile_steps, tensors)
        layers_json = doc.pop("layers")
        doc["sidecar"] = ref
        doc["layers"] = layers_json
        return doc

    last = candidates[-1]
    raise TraceError(
        f"the trace does not fit the output budget of {fmt_mb(max_bytes)}: even as {last} it needs {fmt_mb(smallest)}. "
        "To see every step, let gatescope write a sidecar file beside the notebook (sidecar=True, the default), "
        f"{f'trace fewer batch items (now {batch}), ' if batch > 1 else ''}trace fewer steps (x[:N]), or raise max_mb."
    )
