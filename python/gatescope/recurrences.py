"""The recurrences of torch.nn.GRU, LSTM and RNN, recomputed in float64 NumPy from the module's
parameters, every gate of every step kept. Equations as PyTorch documents them (packed orders:
GRU r|z|n, LSTM i|f|g|o; b_ih and b_hh both added):

    GRU   r = σ(W_ir x + b_ir + W_hr h + b_hr)        z = σ(W_iz x + b_iz + W_hz h + b_hz)
          n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   h' = (1 − z) ⊙ n + z ⊙ h
    LSTM  i = σ(·), f = σ(·), g = tanh(·), o = σ(·)    (each W_i* x + b_i* + W_h* h + b_h*)
          c' = f ⊙ c + i ⊙ g     h' = o ⊙ tanh(c')     with proj_size: h' = W_hr (o ⊙ tanh(c'))
    RNN   h' = tanh or relu(W_ih x + b_ih + W_hh h + b_hh)

Stacked layers take [forward h, reverse h] of the layer below. Past a sequence's length the state is
carried unchanged (packed-sequence semantics), so a reverse direction starts at each sequence's own
last step; the gates of those steps are stored as 0 (masked).
"""
from .errors import TraceError
from .modules import ROWS_PER_UNIT


def _param(weights, name, shape):
    import numpy as np

    if name not in weights:
        raise TraceError(f"missing parameter {name} (expected shape {list(shape)})")
    w = weights[name]
    if tuple(w.shape) != tuple(shape):
        raise TraceError(f"parameter {name} has shape {list(w.shape)}, expected {list(shape)}")
    return w.astype(np.float64)


def _sigmoid(a):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-a))


def gate_names(cell):
    return {"gru": ("r", "z", "n", "h"), "lstm": ("i", "f", "g", "o", "c", "h"), "rnn": ("h",)}[cell]


def run(weights, config, x_tbi, lengths, h0, c0):
    """Runs the network over x [T, B, I] (float64 recompute).

    Returns (entries, h_n [L*D, B, P], c_n [L*D, B, H] or None, output [T, B, D*P]) where each entry is
    {layer, direction, gates: {name: [T, B, units] float64}}; P = proj_size or hidden_size.
    """
    import numpy as np

    T, B, _ = x_tbi.shape
    mode, cell = config["mode"], config["cell"]
    H = config["hidden_size"]
    P = config["proj_size"] or H
    D = 2 if config["bidirectional"] else 1
    G = ROWS_PER_UNIT[mode]
    valid = np.arange(T)[:, None] < lengths[None, :]  # [T, B]
    entries, h_finals, c_finals = [], [], []
    layer_in = x_tbi.astype(np.float64)
    for k in range(config["num_layers"]):
        I = layer_in.shape[2]
        outs = []
        for d in range(D):
            sfx = f"l{k}" + ("_reverse" if d == 1 else "")
            W = _param(weights, f"weight_ih_{sfx}", (G * H, I))
            R = _param(weights, f"weight_hh_{sfx}", (G * H, P))
            if config["bias"]:
                bW = _param(weights, f"bias_ih_{sfx}", (G * H,))
                bR = _param(weights, f"bias_hh_{sfx}", (G * H,))
            else:
                bW = bR = np.zeros(G * H)
            Whr = _param(weights, f"weight_hr_{sfx}", (P, H)) if config["proj_size"] else None
            h = np.zeros((B, P)) if h0 is None else h0[k * D + d].astype(np.float64).copy()
            c = np.zeros((B, H)) if c0 is None else c0[k * D + d].astype(np.float64).copy()
            names = gate_names(cell)
            gates = {g: np.zeros((T, B, P if g == "h" else H)) for g in names}
            xw = layer_in @ W.T + bW  # [T, B, G*H]
            for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
                m = valid[t][:, None]
                hr = h @ R.T + bR
                a = xw[t]
                if cell == "gru":
                    r = _sigmoid(a[:, :H] + hr[:, :H])
                    z = _sigmoid(a[:, H:2 * H] + hr[:, H:2 * H])
                    n = np.tanh(a[:, 2 * H:] + r * hr[:, 2 * H:])
                    h_new = (1.0 - z) * n + z * h
                    step = {"r": r, "z": z, "n": n, "h": h_new}
                elif cell == "lstm":
                    s = a + hr
                    i = _sigmoid(s[:, :H])
                    f = _sigmoid(s[:, H:2 * H])
                    g = np.tanh(s[:, 2 * H:3 * H])
                    o = _sigmoid(s[:, 3 * H:])
                    c_new = f * c + i * g
                    h_new = o * np.tanh(c_new)
                    if Whr is not None:
                        h_new = h_new @ Whr.T
                    step = {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}
                    c = np.where(m, c_new, c)
                else:
                    s = a + hr
                    h_new = np.tanh(s) if mode == "RNN_TANH" else np.maximum(s, 0.0)
                    step = {"h": h_new}
                h = np.where(m, h_new, h)
                for g_name, v in step.items():
                    gates[g_name][t] = np.where(m, v, 0.0)
            h_finals.append(h)
            c_finals.append(c)
            entries.append({"layer": k, "direction": "forward" if d == 0 else "reverse", "gates": gates})
            outs.append(gates["h"])
        layer_in = np.concatenate(outs, axis=2)
    return entries, np.stack(h_finals), (np.stack(c_finals) if cell == "lstm" else None), layer_in
