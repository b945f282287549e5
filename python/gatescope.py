"""Gatescope trace producer for Jupyter kernels.

Records the gates of a PyTorch ``torch.nn.GRU`` (reset r, update z, candidate n, hidden h; every
unit, step, layer and direction) as a Gatescope trace, the JSON document of MIME type
``application/vnd.gatescope.trace+json`` that the Gatescope VS Code extension draws as heatmaps.
Format: docs/trace-format.md (version 1).

    import torch, gatescope
    gru = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    gatescope.show(gru, torch.randn(1, 20, 8), tokens=[f"t{i}" for i in range(20)])

Gates are recomputed in float64 NumPy from the module's parameters with PyTorch's equations:
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h
and the recomputed hidden states are compared with the module's own output; the largest difference
is recorded in the trace's ``check``. NumPy is required; torch only to pass a module (a dict of
weights works without it).
"""

import base64
import datetime
import json
import math

import numpy as np

__version__ = "0.1.0"

MIME = "application/vnd.gatescope.trace+json"
FORMAT = "gatescope.trace"
VERSION = 1
GATES = ("r", "z", "n", "h")

# uint8: value = offset + scale * q for q in 0..252; 253 = NaN, 254 = +Inf, 255 = -Inf.
U8_MAX_CODE = 252
U8_NAN, U8_POS_INF, U8_NEG_INF = 253, 254, 255
FLOAT16_LIMIT = 65520.0  # finite float32 values at or beyond this round to +-Inf in float16


class TraceError(ValueError):
    """Bad input to trace(): the message says what was wrong and what to do."""


def _to_numpy(a, name):
    if a is None:
        return None
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiu":
        raise TraceError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr


def _weights_from(module_or_weights):
    """Returns (weights dict of float32 arrays, config dict, torch module or None)."""
    if hasattr(module_or_weights, "state_dict") and hasattr(module_or_weights, "hidden_size"):
        m = module_or_weights
        if type(m).__name__ != "GRU":
            raise TraceError(f"trace() takes a torch.nn.GRU, got {type(m).__name__}; for a GRU inside a model pass model.<name_of_the_gru>")
        if getattr(m, "proj_size", 0):
            raise TraceError("torch.nn.GRU with proj_size is not supported")
        weights = {k: _to_numpy(v, k).astype(np.float32) for k, v in m.state_dict().items()}
        config = {
            "hidden_size": int(m.hidden_size),
            "num_layers": int(m.num_layers),
            "bidirectional": bool(m.bidirectional),
            "batch_first": bool(m.batch_first),
            "bias": bool(m.bias),
        }
        return weights, config, m
    if isinstance(module_or_weights, dict):
        d = dict(module_or_weights)
        weights = {k: _to_numpy(v, k).astype(np.float32) for k, v in d.items() if k.startswith(("weight_", "bias_"))}
        if "weight_hh_l0" not in weights:
            raise TraceError("the weights dict needs PyTorch nn.GRU parameter names: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ...")
        hidden = weights["weight_hh_l0"].shape[1]
        layers = 0
        while f"weight_ih_l{layers}" in weights:
            layers += 1
        config = {
            "hidden_size": int(d.get("hidden_size", hidden)),
            "num_layers": int(d.get("num_layers", layers)),
            "bidirectional": bool(d.get("bidirectional", "weight_ih_l0_reverse" in weights)),
            "batch_first": bool(d.get("batch_first", False)),
            "bias": "bias_ih_l0" in weights,
        }
        return weights, config, None
    raise TraceError(f"trace() takes a torch.nn.GRU or a dict of its state_dict arrays, got {type(module_or_weights).__name__}")


def _param(weights, name, shape):
    if name not in weights:
        raise TraceError(f"missing parameter {name} (expected shape {list(shape)})")
    w = weights[name]
    if tuple(w.shape) != tuple(shape):
        raise TraceError(f"parameter {name} has shape {list(w.shape)}, expected {list(shape)}")
    return w.astype(np.float64)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _run(weights, config, x_tbi, lengths, h0):
    """float64 GRU over x [T, B, I]; returns per (layer, direction) dict of gates [B, T, H], final states, last output."""
    T, B, _ = x_tbi.shape
    H = config["hidden_size"]
    D = 2 if config["bidirectional"] else 1
    valid = np.arange(T)[:, None] < lengths[None, :]  # [T, B]
    entries = []
    finals = []
    layer_in = x_tbi.astype(np.float64)
    for k in range(config["num_layers"]):
        I = layer_in.shape[2]
        outs = []
        for d in range(D):
            sfx = f"l{k}" + ("_reverse" if d == 1 else "")
            W = _param(weights, f"weight_ih_{sfx}", (3 * H, I))
            R = _param(weights, f"weight_hh_{sfx}", (3 * H, H))
            if config["bias"]:
                bW = _param(weights, f"bias_ih_{sfx}", (3 * H,))
                bR = _param(weights, f"bias_hh_{sfx}", (3 * H,))
            else:
                bW = np.zeros(3 * H)
                bR = np.zeros(3 * H)
            h = np.zeros((B, H)) if h0 is None else h0[k * D + d].astype(np.float64).copy()
            gates = {g: np.zeros((T, B, H)) for g in GATES}
            xw = layer_in @ W.T + bW  # [T, B, 3H]
            order = range(T) if d == 0 else range(T - 1, -1, -1)
            for t in order:
                m = valid[t][:, None]
                hr = h @ R.T + bR
                a = xw[t]
                r = _sigmoid(a[:, :H] + hr[:, :H])
                z = _sigmoid(a[:, H:2 * H] + hr[:, H:2 * H])
                n = np.tanh(a[:, 2 * H:] + r * hr[:, 2 * H:])
                h_new = (1.0 - z) * n + z * h
                # Past a sequence's end the state is carried unchanged (packed-sequence semantics);
                # a reverse direction therefore starts at each sequence's own last step.
                h = np.where(m, h_new, h)
                for g, v in (("r", r), ("z", z), ("n", n), ("h", h_new)):
                    gates[g][t] = np.where(m, v, 0.0)
            finals.append(h)
            entries.append({"layer": k, "direction": "forward" if d == 0 else "reverse", "hidden": H, "gates": gates})
            outs.append(gates["h"])
        layer_in = np.concatenate(outs, axis=2)
    return entries, np.stack(finals), layer_in


def _check_with_torch(module, config, weights, x_tbi, lengths, h0, our_out, our_final):
    """Max |difference| between our hidden states and torch's output and h_n, or None without torch."""
    try:
        import torch
    except ImportError:
        return None, None
    if module is None:
        module = torch.nn.GRU(x_tbi.shape[2], config["hidden_size"], num_layers=config["num_layers"],
                              bias=config["bias"], bidirectional=config["bidirectional"], batch_first=config["batch_first"])
        module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in weights.items()})
    dtype = next(module.parameters()).dtype
    T, B, _ = x_tbi.shape
    x = torch.from_numpy(np.ascontiguousarray(x_tbi)).to(dtype)
    if config["batch_first"]:
        x = x.transpose(0, 1)
    h0_t = None if h0 is None else torch.from_numpy(np.ascontiguousarray(h0)).to(dtype)
    with torch.no_grad():
        if np.all(lengths == T):
            out, hn = module(x, h0_t)
        else:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.from_numpy(lengths.astype(np.int64)),
                                                             batch_first=config["batch_first"], enforce_sorted=False)
            out_p, hn = module(packed, h0_t)
            out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_p, batch_first=config["batch_first"], total_length=T)
    out = out.double().numpy()
    if config["batch_first"]:
        out = out.transpose(1, 0, 2)
    valid = (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
    err_out = float(np.max(np.abs(np.where(valid, out - our_out, 0.0)))) if out.size else 0.0
    err_hn = float(np.max(np.abs(hn.double().numpy() - our_final))) if our_final.size else 0.0
    return max(err_out, err_hn), f"torch.nn.GRU output and h_n (torch {torch.__version__}, {str(dtype).replace('torch.', '')})"


def _b64(arr_bytes):
    return base64.b64encode(arr_bytes).decode("ascii")


def _encode_tensor(values_bth, precision, lengths):
    """values [B, T, H] float64 with masked cells already 0 -> (tensor dict, dtype used)."""
    B, T, H = values_bth.shape
    dims = [int(B), int(T), int(H)]
    v32 = values_bth.astype(np.float32)
    if precision == "float16":
        finite = v32[np.isfinite(v32)]
        if finite.size and np.max(np.abs(finite)) >= FLOAT16_LIMIT:
            precision = "float32"
        else:
            return {"dims": dims, "dtype": "float16", "data": _b64(v32.astype("<f2").tobytes())}, "float16"
    if precision == "float32":
        return {"dims": dims, "dtype": "float32", "data": _b64(v32.astype("<f4").tobytes())}, "float32"
    valid = (np.arange(T)[None, :] < lengths[:, None])[:, :, None] & np.isfinite(v32)
    if np.any(valid):
        lo = float(np.min(v32[valid]))
        hi = float(np.max(v32[valid]))
    else:
        lo = hi = 0.0
    scale = (hi - lo) / U8_MAX_CODE if hi > lo else 0.0
    inv = 1.0 / scale if scale > 0 else 0.0
    with np.errstate(invalid="ignore"):
        q = np.floor((v32.astype(np.float64) - lo) * inv + 0.5)
    q = np.clip(np.nan_to_num(q, nan=0.0, posinf=0.0, neginf=0.0), 0, U8_MAX_CODE).astype(np.uint8)
    q[np.isnan(v32)] = U8_NAN
    q[v32 == np.inf] = U8_POS_INF
    q[v32 == -np.inf] = U8_NEG_INF
    return {"dims": dims, "dtype": "uint8", "data": _b64(q.tobytes()), "scale": scale, "offset": lo}, "uint8"


def trace(module_or_weights, x, tokens=None, precision="float32", lengths=None, h0=None, name=None, max_mb=32):
    """Runs a torch.nn.GRU (or a dict of its state_dict arrays) on x and returns a Gatescope trace (a dict).

    x: [T, B, I], or [B, T, I] when the module is batch_first, or [T, I] for one sequence.
    tokens: optional list of T labels, one per step.
    precision: "float32" (exact), "float16" or "uint8" (see docs/trace-format.md).
    lengths: optional valid steps per batch item (like pack_padded_sequence); later steps are masked.
    h0: optional initial state [num_layers * directions, B, H].
    max_mb: refuse traces larger than this many MB (2^20 bytes) of JSON rather than swamp the notebook.
    """
    if precision not in ("float32", "float16", "uint8"):
        raise TraceError(f'precision must be "float32", "float16" or "uint8", got {precision!r}')
    weights, config, module = _weights_from(module_or_weights)
    xa = _to_numpy(x, "x")
    if xa is None or xa.ndim not in (2, 3):
        raise TraceError(f"x must have shape [T, B, I], [B, T, I] (batch_first) or [T, I], got {None if xa is None else list(xa.shape)}")
    if xa.ndim == 2:
        xa = xa[:, None, :] if not config["batch_first"] else xa[None, :, :]
    x_tbi = xa.transpose(1, 0, 2) if config["batch_first"] else xa
    T, B, I = x_tbi.shape
    expected_i = weights["weight_ih_l0"].shape[1] if "weight_ih_l0" in weights else None
    if expected_i is not None and I != expected_i:
        raise TraceError(f"x has input size {I} but the GRU expects {expected_i} (weight_ih_l0 is {list(weights['weight_ih_l0'].shape)})")
    if T < 1 or B < 1:
        raise TraceError(f"x has {T} steps and batch {B}; both must be at least 1")
    if tokens is not None:
        tokens = [str(t) for t in tokens]
        if len(tokens) != T:
            raise TraceError(f"tokens has {len(tokens)} labels but x has {T} steps (one label per step)")
    if lengths is None:
        lens = np.full(B, T, dtype=np.int64)
    else:
        lens = np.asarray(_to_numpy(lengths, "lengths")).astype(np.int64).reshape(-1)
        if lens.shape[0] != B or np.any(lens < 1) or np.any(lens > T):
            raise TraceError(f"lengths must hold {B} integers in [1, {T}] (one per batch item, as for pack_padded_sequence), got {lens.tolist()}")
    D = 2 if config["bidirectional"] else 1
    h0a = _to_numpy(h0, "h0")
    if h0a is not None and tuple(h0a.shape) != (config["num_layers"] * D, B, config["hidden_size"]):
        raise TraceError(f"h0 must have shape {[config['num_layers'] * D, B, config['hidden_size']]}, got {list(h0a.shape)}")

    entries, finals, last_out = _run(weights, config, x_tbi, lens, h0a)
    err, reference = _check_with_torch(module, config, weights, x_tbi, lens, h0a, last_out, finals)

    warnings = []
    layers = []
    for e in entries:
        tensors = {}
        for g in GATES:
            t, used = _encode_tensor(e["gates"][g].transpose(1, 0, 2), precision, lens)
            if used != precision:
                warnings.append(f"layer {e['layer']} {e['direction']} {g}: values beyond float16's range (±65504); stored as float32 instead.")
            tensors[g] = t
        layers.append({
            "layer": e["layer"],
            "direction": e["direction"],
            "hiddenSize": e["hidden"],
            "name": f"l{e['layer']}" + ("_reverse" if e["direction"] == "reverse" else ""),
            "gates": tensors,
        })
    if err is None:
        warnings.append("Not checked against PyTorch (torch is not installed): the gates come from gatescope.py's own recomputation.")

    doc = {
        "format": FORMAT,
        "version": VERSION,
        "model": {
            "name": name or ("torch.nn.GRU" if module is not None else "GRU weights"),
            "source": "pytorch",
            "engine": f"gatescope.py {__version__} (NumPy {np.__version__} float64 recompute)",
            "inputSize": int(I),
            "convention": {
                "gateOrder": ["r", "z", "n"],
                "linearBeforeReset": True,
                "zMeaning": "keep-old",
                "activations": {"f": {"name": "Sigmoid"}, "g": {"name": "Tanh"}},
            },
        },
        "producer": f"gatescope.py {__version__}",
        "createdAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if err is not None:
        doc["check"] = {"reference": reference, "maxAbsError": err}
    if warnings:
        doc["warnings"] = warnings
    if tokens is not None:
        doc["tokens"] = tokens
    if lengths is not None:
        doc["sequenceLengths"] = [int(n) for n in lens]
    doc["layers"] = layers

    size = len(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    if size > max_mb * 2 ** 20:
        cells = sum(4 * B * T * e["hidden"] for e in entries)
        raise TraceError(
            f"the trace is {size / 2 ** 20:.1f} MB of JSON ({cells} gate values as {precision}), over max_mb={max_mb}. "
            f"Trace fewer steps (x[:, :N]) or batch items, use precision='float16' or 'uint8', or raise max_mb."
        )
    return doc


def summary(doc):
    """One line describing a trace, for text/plain."""
    layers = doc["layers"]
    dims = layers[0]["gates"]["r"]["dims"]
    dtypes = sorted({t["dtype"] for l in layers for t in l["gates"].values()})
    n_layers = len({l["layer"] for l in layers})
    dirs = "bidirectional" if any(l["direction"] == "reverse" for l in layers) else "forward"
    return (f"Gatescope trace: {doc['model']['name']}, {n_layers} layer(s) {dirs}, batch {dims[0]}, {dims[1]} steps, "
            f"hidden {layers[0]['hiddenSize']} ({'/'.join(dtypes)}). Open in VS Code with the Gatescope extension to see the gate heatmaps.")


def mime_bundle(doc):
    """The MIME bundle of a trace: our JSON type plus a text/plain fallback."""
    return {MIME: doc, "text/plain": summary(doc)}


def show(module_or_trace, x=None, **kwargs):
    """Displays a trace in a Jupyter kernel (VS Code notebooks with Gatescope draw it as heatmaps).

    show(trace_dict) displays an existing trace; show(gru, x, tokens=..., ...) traces first (same
    arguments as trace()). Returns the trace.
    """
    if isinstance(module_or_trace, dict) and module_or_trace.get("format") == FORMAT:
        doc = module_or_trace
    else:
        if x is None:
            raise TraceError("show(gru, x, ...) needs the input x (or pass a trace dict from trace())")
        doc = trace(module_or_trace, x, **kwargs)
    from IPython.display import display
    display(mime_bundle(doc), raw=True)
    return doc
