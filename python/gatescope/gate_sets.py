"""Gate sets of the cells gatescope traces, as trace format v2 lists them on each layer entry.

The same definitions as the extension's src/core/cells/gate-sets.ts (GRU_GATES, LSTM_GATES,
RNN_GATES and gateSet()): name, role, the range its colour scale spans ([lo, hi], "symmetric" =
[-m, m] from the data, "data" = [min, max] of the data) and the kind of colour scale.
"""

UNIT = [0, 1]
SIGNED = [-1, 1]

GRU_GATES = (
    {"name": "r", "role": "reset", "range": UNIT, "scale": "sequential"},
    {"name": "z", "role": "update", "range": UNIT, "scale": "sequential"},
    {"name": "n", "role": "candidate", "range": SIGNED, "scale": "diverging"},
    {"name": "h", "role": "hidden", "range": SIGNED, "scale": "diverging"},
)
LSTM_GATES = (
    {"name": "i", "role": "input", "range": UNIT, "scale": "sequential"},
    {"name": "f", "role": "forget", "range": UNIT, "scale": "sequential"},
    {"name": "g", "role": "candidate", "range": SIGNED, "scale": "diverging"},
    {"name": "o", "role": "output", "range": UNIT, "scale": "sequential"},
    {"name": "c", "role": "cell", "range": "symmetric", "scale": "diverging"},
    {"name": "h", "role": "hidden", "range": SIGNED, "scale": "diverging"},
)
RNN_GATES = ({"name": "h", "role": "hidden", "range": SIGNED, "scale": "diverging"},)


def gate_specs(cell, nonlinearity="tanh", proj_size=0):
    """The gate specs of one layer entry (fresh dicts, in display order).

    cell: "gru", "lstm" or "rnn". An RNN with relu has an unbounded h: its range comes from the data
    ("symmetric", as gateSet() gives a diverging gate with an unbounded activation). An LSTM with a
    projection (proj_size > 0) has h = W_hr (o * tanh(c)), no longer bounded by tanh: "symmetric" too.
    """
    if cell == "gru":
        specs = [dict(s) for s in GRU_GATES]
    elif cell == "lstm":
        specs = [dict(s) for s in LSTM_GATES]
        if proj_size:
            specs[5]["range"] = "symmetric"
    elif cell == "rnn":
        specs = [dict(s) for s in RNN_GATES]
        if nonlinearity == "relu":
            specs[0]["range"] = "symmetric"
    else:
        raise ValueError(f"unknown cell kind {cell!r}")
    return specs
