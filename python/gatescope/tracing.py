"""trace(): run a torch.nn.GRU / LSTM / RNN (or a dict of its weights) on an input, recompute every
gate, check the recomputation against the module's own output and encode trace format v2."""
import datetime
import os

from .encode import DEFAULT_MAX_BYTES, encode
from .errors import TraceError
from .gate_sets import gate_specs
from .modules import read_network, to_numpy
from .recurrences import run
from .torch_check import check_with_torch, torch_module
from .version import __version__

PRECISIONS = ("auto", "float32", "float16", "uint8")
# |recomputed − torch| allowed: float64 recompute against float32 PyTorch differs by ~1e-7.
DEFAULT_TOLERANCE = 1e-4
_CELL_LABEL = {"GRU": "GRU", "LSTM": "LSTM", "RNN_TANH": "RNN", "RNN_RELU": "RNN"}


def _convention(config):
    act = lambda name: {"name": name}  # noqa: E731
    if config["cell"] == "gru":
        return {"gateOrder": ["r", "z", "n"], "linearBeforeReset": True, "zMeaning": "keep-old",
                "activations": {"f": act("Sigmoid"), "g": act("Tanh")}}
    if config["cell"] == "lstm":
        conv = {"gateOrder": ["i", "f", "g", "o"], "activations": {"f": act("Sigmoid"), "g": act("Tanh"), "h": act("Tanh")}}
        if config["proj_size"]:
            conv["projSize"] = config["proj_size"]
        return conv
    return {"activations": {"f": act("Tanh" if config["mode"] == "RNN_TANH" else "Relu")}}


def _initial_state(h0, config, B):
    """h0 is h_0, or (h_0, c_0) for an LSTM, as PyTorch takes them. Returns (h0, c0) as arrays or None."""
    L = config["num_layers"] * (2 if config["bidirectional"] else 1)
    P = config["proj_size"] or config["hidden_size"]
    c0 = None
    if isinstance(h0, (tuple, list)) and config["cell"] == "lstm":
        if len(h0) != 2:
            raise TraceError("for an LSTM, h0 is h_0 or the pair (h_0, c_0), as nn.LSTM takes it")
        h0, c0 = h0
    h0a, c0a = to_numpy(h0, "h0"), to_numpy(c0, "c0")
    if h0a is not None and tuple(h0a.shape) != (L, B, P):
        raise TraceError(f"h0 must have shape {[L, B, P]} (num_layers * directions, batch, {'proj_size' if config['proj_size'] else 'hidden_size'}), got {list(h0a.shape)}")
    if c0a is not None and tuple(c0a.shape) != (L, B, config["hidden_size"]):
        raise TraceError(f"c0 must have shape {[L, B, config['hidden_size']]} (num_layers * directions, batch, hidden_size), got {list(c0a.shape)}")
    return h0a, c0a


def trace(module_or_weights, x, tokens=None, precision="auto", lengths=None, h0=None, name=None, max_mb=8,
          sidecar=True, sidecar_precision="auto", sidecar_stem=None, tolerance=DEFAULT_TOLERANCE):
    """Runs a torch.nn.GRU, nn.LSTM or nn.RNN (or a dict of its state_dict() arrays) on x and returns
    a Gatescope trace, format version 2 (a dict).

    x: [T, B, I], or [B, T, I] when the module is batch_first, or [T, I] for one sequence.
    tokens: optional list of T labels, one per step.
    precision: "auto" (the most precise that fits max_mb), "float32", "float16" or "uint8".
    lengths: optional valid steps per batch item (like pack_padded_sequence); later steps are masked.
    h0: optional initial state [num_layers * directions, B, H] (LSTM: h_0 or (h_0, c_0)).
    max_mb: budget of the trace's JSON in MB (2^20 bytes); 8 keeps notebooks openable in remote windows.
    sidecar: where the levels that do not fit max_mb go: True = a file beside the notebook (the
      current folder, or the folder of the VS Code notebook), a folder path, or False = refuse runs
      over max_mb with a TraceError.
    sidecar_precision: "auto" (float32 up to a 2 GiB file), "float32", "float16" or "uint8".
    sidecar_stem: start of the sidecar's file name (default: the notebook's name, else "gatescope");
      the file is "<stem>-<12 hex of its header hash>.gatescope.safetensors".
    tolerance: largest |recomputed − PyTorch| accepted; beyond it the trace carries a warning.
    """
    try:
        import numpy as np
    except ImportError:
        raise TraceError("gatescope needs NumPy to trace: pip install 'gatescope[numpy]' (Debian: apt-get install python3-numpy)") from None
    if precision not in PRECISIONS:
        raise TraceError(f'precision must be "auto", "float32", "float16" or "uint8", got {precision!r}')
    if sidecar_precision not in PRECISIONS:
        raise TraceError(f'sidecar_precision must be "auto", "float32", "float16" or "uint8", got {sidecar_precision!r}')
    if not (isinstance(max_mb, (int, float)) and max_mb > 0):
        raise TraceError(f"max_mb must be a number > 0 (MB of JSON), got {max_mb!r}")
    weights, config, module = read_network(module_or_weights)
    xa = to_numpy(x, "x")
    if xa is None or xa.ndim not in (2, 3):
        raise TraceError(f"x must have shape [T, B, I], [B, T, I] (batch_first) or [T, I], got {None if xa is None else list(xa.shape)}")
    if xa.ndim == 2:
        xa = xa[None, :, :] if config["batch_first"] else xa[:, None, :]
    x_tbi = xa.transpose(1, 0, 2) if config["batch_first"] else xa
    T, B, I = x_tbi.shape
    if I != config["input_size"]:
        raise TraceError(f"x has input size {I} but the {_CELL_LABEL[config['mode']]} expects {config['input_size']} (weight_ih_l0 is {list(weights['weight_ih_l0'].shape)})")
    if T < 1 or B < 1:
        raise TraceError(f"x has {T} steps and batch {B}; both must be at least 1")
    if tokens is not None:
        tokens = [str(t) for t in tokens]
        if len(tokens) != T:
            raise TraceError(f"tokens has {len(tokens)} labels but x has {T} steps (one label per step)")
    if lengths is None:
        lens = np.full(B, T, dtype=np.int64)
    else:
        lens = np.asarray(to_numpy(lengths, "lengths")).astype(np.int64).reshape(-1)
        if lens.shape[0] != B or np.any(lens < 1) or np.any(lens > T):
            raise TraceError(f"lengths must hold {B} integers in [1, {T}] (one per batch item, as for pack_padded_sequence), got {lens.tolist()}")
    h0a, c0a = _initial_state(h0, config, B)

    entries, h_n, c_n, out = run(weights, config, x_tbi, lens, h0a, c0a)
    err, reference = check_with_torch(torch_module(config, weights, module), config, x_tbi, lens, h0a, c0a, out, h_n, c_n)

    warnings = []
    check = None
    if err is None:
        warnings.append("Not checked against PyTorch (torch is not installed): the gates come from gatescope's own recomputation.")
    else:
        check = {"reference": reference, "maxAbsError": err, "tolerance": tolerance, "passed": bool(err <= tolerance)}
        if not check["passed"]:
            warnings.append(f"The recomputed states differ from PyTorch's by {err:.3g} (tolerance {tolerance:g}): the gates may not be the module's.")
    nonlinearity = "relu" if config["mode"] == "RNN_RELU" else "tanh"
    layers = []
    for e in entries:
        specs = gate_specs(config["cell"], nonlinearity, config["proj_size"])
        layers.append({
            "layer": e["layer"],
            "direction": e["direction"],
            "name": f"l{e['layer']}" + ("_reverse" if e["direction"] == "reverse" else ""),
            "cell": config["cell"],
            "hidden_size": config["hidden_size"],
            "convention": _convention(config),
            "specs": specs,
            # [T, B, U] float64 -> [B, T, U] float32, the stored layout.
            "values": {s["name"]: np.ascontiguousarray(e["gates"][s["name"]].transpose(1, 0, 2)).astype(np.float32) for s in specs},
        })
    label = _CELL_LABEL[config["mode"]]
    head = {
        "model": {
            "name": name or (f"torch.nn.{label}" if module is not None else f"{label} weights"),
            "source": "pytorch",
            "engine": f"gatescope.py {__version__} (NumPy {np.__version__} float64 recompute)",
            "inputSize": int(I),
        },
        "producer": f"gatescope.py {__version__}",
        "createdAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "check": check,
        "warnings": warnings,
        "tokens": tokens,
        "sequenceLengths": [int(n) for n in lens] if lengths is not None else None,
    }
    side = None
    if sidecar is not False and sidecar is not None:
        from .notebook import sidecar_place

        side = sidecar_place(None if sidecar is True else os.fspath(sidecar), sidecar_stem)
    return encode(head, layers, B, T, lens if lengths is not None else None, precision, int(max_mb * 2 ** 20), side, sidecar_precision)
