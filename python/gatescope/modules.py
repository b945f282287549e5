"""Reading the recurrent network to trace: a torch.nn.GRU / LSTM / RNN module, or a dict of its
state_dict() arrays (NumPy), into float32 weights and a configuration.

configuration keys: mode ("GRU", "LSTM", "RNN_TANH", "RNN_RELU": torch's own RNNBase.mode names),
cell ("gru", "lstm", "rnn"), input_size, hidden_size, proj_size (LSTM only, else 0), num_layers,
bidirectional, batch_first, bias.
"""
from .errors import TraceError

MODES = {"GRU": "gru", "LSTM": "lstm", "RNN_TANH": "rnn", "RNN_RELU": "rnn"}
# Rows of weight_ih per unit of hidden_size: PyTorch packs GRU as r|z|n, LSTM as i|f|g|o.
ROWS_PER_UNIT = {"GRU": 3, "LSTM": 4, "RNN_TANH": 1, "RNN_RELU": 1}


def to_numpy(a, name):
    import numpy as np

    if a is None:
        return None
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiub":
        raise TraceError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr


def read_network(module_or_weights):
    """Returns (weights: dict of float32 arrays, config, torch module or None)."""
    import numpy as np

    m = module_or_weights
    if hasattr(m, "state_dict") and hasattr(m, "hidden_size"):
        mode = getattr(m, "mode", None)
        if mode not in MODES:
            raise TraceError(
                f"trace() takes a torch.nn.GRU, nn.LSTM or nn.RNN, got {type(m).__name__}; "
                "for a recurrent layer inside a model pass that layer (model.<name_of_the_layer>)"
            )
        weights = {k: to_numpy(v, k).astype(np.float32) for k, v in m.state_dict().items()}
        config = {
            "mode": mode,
            "cell": MODES[mode],
            "input_size": int(m.input_size),
            "hidden_size": int(m.hidden_size),
            "proj_size": int(getattr(m, "proj_size", 0) or 0),
            "num_layers": int(m.num_layers),
            "bidirectional": bool(m.bidirectional),
            "batch_first": bool(m.batch_first),
            "bias": bool(m.bias),
        }
        return weights, config, m
    if isinstance(m, dict):
        return _from_dict(m) + (None,)
    raise TraceError(
        f"trace() takes a torch.nn.GRU, nn.LSTM or nn.RNN, or a dict of its state_dict() arrays, got {type(m).__name__}"
    )


def _from_dict(d):
    import numpy as np

    weights = {k: to_numpy(v, k).astype(np.float32) for k, v in d.items() if k.startswith(("weight_", "bias_"))}
    if "weight_ih_l0" not in weights or "weight_hh_l0" not in weights:
        raise TraceError(
            "the weights dict needs PyTorch parameter names (a state_dict() of nn.GRU, nn.LSTM or nn.RNN): "
            "weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..."
        )
    rows, input_size = weights["weight_ih_l0"].shape
    proj_size = int(weights["weight_hr_l0"].shape[0]) if "weight_hr_l0" in weights else 0
    mode = d.get("mode")
    if mode is None:
        # weight_hh_l0 is (rows, H) without a projection: rows / H is 3 (GRU), 4 (LSTM) or 1 (RNN).
        hidden = weights["weight_hr_l0"].shape[1] if proj_size else weights["weight_hh_l0"].shape[1]
        per = rows // hidden if rows % hidden == 0 else 0
        by_rows = {3: "GRU", 4: "LSTM", 1: "RNN_RELU" if d.get("nonlinearity") == "relu" else "RNN_TANH"}
        if per not in by_rows:
            raise TraceError(
                f"cannot tell the cell from weight_ih_l0 {list(weights['weight_ih_l0'].shape)} and hidden size {hidden}: "
                'add "mode": "GRU", "LSTM", "RNN_TANH" or "RNN_RELU" to the dict'
            )
        mode = by_rows[per]
    if mode not in MODES:
        raise TraceError(f'"mode" must be "GRU", "LSTM", "RNN_TANH" or "RNN_RELU", got {mode!r}')
    hidden = rows // ROWS_PER_UNIT[mode]
    layers = 0
    while f"weight_ih_l{layers}" in weights:
        layers += 1
    config = {
        "mode": mode,
        "cell": MODES[mode],
        "input_size": int(input_size),
        "hidden_size": int(d.get("hidden_size", hidden)),
        "proj_size": proj_size,
        "num_layers": int(d.get("num_layers", layers)),
        "bidirectional": bool(d.get("bidirectional", "weight_ih_l0_reverse" in weights)),
        "batch_first": bool(d.get("batch_first", False)),
        "bias": "bias_ih_l0" in weights,
    }
    return weights, config
