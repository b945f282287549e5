"""Comparing two runs (Gatescope issue 14): two torch modules on one input, or one module on two.

compare(a, b, x) records both runs as trace() does (float64 recompute checked against PyTorch,
stored float32) and compares every gate of every layer entry, a - b, over the valid cells:
max |a - b|, RMS, SQNR in dB (10 log10 sum a^2 / sum (a - b)^2), the first step where |a - b|
exceeds the tolerance in any unit and batch item, and the worst cell. The same statistics as
`gatescope diff` (src/core/compare/gate-diff.ts); the result displays as a comparison trace (runs
a and b, the "compare" section of trace format v2) with a text table.
"""
import datetime

from .encode import encode
from .errors import TraceError
from .tracing import PRECISIONS, record
from .version import __version__

DEFAULT_TOLERANCE = 1e-5


def abs_diff(a, b):
    """|a - b| in float64: 0 where both are NaN or the same infinity, inf where only one is NaN or the infinities differ."""
    import numpy as np

    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
        agree = (a == b) | (np.isnan(a) & np.isnan(b))
    return np.where(np.isnan(d), np.where(agree, 0.0, np.inf), d)


def diff_gate(a, b, lengths, tolerance):
    """Statistics of a - b for one gate; a, b [B, T, U]; lengths: valid steps per batch item (or None)."""
    import numpy as np

    B, T, U = a.shape
    lens = np.full(B, T) if lengths is None else np.asarray(lengths)
    valid = np.arange(T)[None, :] < lens[:, None]
    d = abs_diff(a, b)
    d[~valid] = 0.0
    av = np.asarray(a, dtype=np.float64)
    finite_a = np.where(valid[:, :, None] & np.isfinite(av), av, 0.0)
    sum_d2 = float((d * d).sum())
    sum_a2 = float((finite_a * finite_a).sum())
    cells = int(valid.sum()) * U
    step_max = d.max(axis=(0, 2))
    worst = int(np.argmax(d.ravel()))  # first occurrence in [b, t, u] order
    above = np.nonzero(step_max > tolerance)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        sqnr = 10 * np.log10(sum_a2 / sum_d2) if sum_d2 > 0 else float("nan")
    return {
        "maxAbsDiff": float(d.max()),
        "rms": float(np.sqrt(sum_d2 / cells)) if cells else 0.0,
        "sqnrDb": float(sqnr) if np.isfinite(sqnr) else None,
        "firstDivergentStep": int(above[0]) if above.size else None,
        "worst": {"unit": worst % U, "step": (worst // U) % T, "batch": worst // (T * U)},
    }


def _align(ra, rb):
    """Pairs of (layer entry of a, of b); a TraceError naming the first mismatch."""
    hint = "; compare two runs of the same network shape (same cell kind, units and steps)"
    if ra["batch"] != rb["batch"]:
        raise TraceError(f"a and b do not line up: a has {ra['batch']} batch items, b has {rb['batch']}{hint}")
    if ra["steps"] != rb["steps"]:
        raise TraceError(f"a and b do not line up: a has {ra['steps']} steps, b has {rb['steps']}{hint}")
    by_key = {(l["layer"], l["direction"]): l for l in rb["layers"]}
    pairs = []
    for la in ra["layers"]:
        where = f"layer {la['layer']} {la['direction']}"
        lb = by_key.pop((la["layer"], la["direction"]), None)
        if lb is None:
            raise TraceError(f"a and b do not line up: {where} is in a but not in b{hint}")
        if la["cell"] != lb["cell"]:
            raise TraceError(f"a and b do not line up: {where} is {la['cell'].upper()} in a and {lb['cell'].upper()} in b{hint}")
        if la["hidden_size"] != lb["hidden_size"]:
            raise TraceError(f"a and b do not line up: {where} has {la['hidden_size']} units in a and {lb['hidden_size']} in b{hint}")
        for g, v in la["values"].items():
            if g not in lb["values"] or lb["values"][g].shape != v.shape:
                raise TraceError(f"a and b do not line up: {where} gate {g} differs in shape{hint}")
        pairs.append((la, lb))
    if by_key:
        layer, direction = next(iter(by_key))
        raise TraceError(f"a and b do not line up: layer {layer} {direction} is in b but not in a{hint}")
    return pairs


def _num(x):
    if x == 0:
        return "0"
    if x != x or x in (float("inf"), float("-inf")):
        return "non-finite"
    return f"{x:.2e}"


class Comparison:
    """The result of compare(): summary (as the last line of `gatescope diff`), per-gate stats, and
    the comparison trace (document). In a notebook it displays as that trace, with a text table."""

    def __init__(self, summary, stats, document, tolerance):
        self.summary = summary
        self.stats = stats
        self.document = document
        self.tolerance = tolerance

    @property
    def passed(self):
        """True when max |a - b| is within the tolerance."""
        return self.summary["maxAbsDiff"] <= self.tolerance

    def table(self):
        head = ["layer", "direction", "gate", "max |a-b|", "RMS", "SQNR dB", "first step > tol", "worst (batch, step, unit)"]
        rows = [[str(s["layer"]), s["direction"], s["gate"], _num(s["maxAbsDiff"]), _num(s["rms"]),
                 "-" if s["sqnrDb"] is None else f"{s['sqnrDb']:.1f}",
                 "-" if s["firstDivergentStep"] is None else str(s["firstDivergentStep"]),
                 f"({s['worst']['batch']}, {s['worst']['step']}, {s['worst']['unit']})"] for s in self.stats]
        widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
        lines = ["  ".join(c if i == len(r) - 1 else c.ljust(widths[i]) for i, c in enumerate(r)) for r in [head] + rows]
        w = self.summary["worst"]
        where = f"layer {w['layer']} {w['direction']} {w['gate']}, unit {w['unit']}, step {w['step']}"
        if self.passed:
            lines.append(f"within tolerance {self.tolerance:g}: max |a-b| = {_num(self.summary['maxAbsDiff'])} ({where})")
        else:
            lines.append(f"past tolerance {self.tolerance:g}: first divergent step {self.summary['firstDivergentStep']}; "
                         f"max |a-b| = {_num(self.summary['maxAbsDiff'])} at {where}")
        return "\n".join(lines)

    def __repr__(self):
        return self.table()

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .notebook import MIME

        return {MIME: self.document, "text/plain": self.table()}


def compare(a, b, x, tolerance=DEFAULT_TOLERANCE, x_b=None, tokens=None, lengths=None, h0=None, labels=("a", "b"),
            precision="float32", max_mb=8, align_units=False):
    """Compares two torch modules (nn.GRU, nn.LSTM, nn.RNN of the same shape) on the input x, or
    one module on two inputs (b may be a; x_b: b's input, default x). Returns a Comparison.

    tolerance: |a - b| above it is a divergence (default 1e-5). tokens, lengths, h0: as for trace(),
    shared by both runs. labels: names of the runs in the document. precision: storage of the
    comparison trace's values (default float32, exact). The comparison trace must fit max_mb.
    align_units: first match b's units to a's by correlation of h (two checkpoints whose units may
    be in another order), per layer entry; the permutations go to document["compare"]["unitAlignment"].
    """
    if not (isinstance(tolerance, (int, float)) and tolerance >= 0 and tolerance == tolerance):
        raise TraceError(f"tolerance must be a number >= 0, got {tolerance!r}")
    if precision not in PRECISIONS:
        raise TraceError(f'precision must be "auto", "float32", "float16" or "uint8", got {precision!r}')
    if not (isinstance(max_mb, (int, float)) and max_mb > 0):
        raise TraceError(f"max_mb must be a number > 0 (MB of JSON), got {max_mb!r}")
    ra = record(a, x, tokens=tokens, lengths=lengths, h0=h0)
    rb = record(b, x if x_b is None else x_b, tokens=tokens, lengths=lengths, h0=h0)
    pairs = _align(ra, rb)
    alignment = []
    if align_units:
        from .unit_alignment import align_units as _match

        shown = []
        for la, lb in pairs:
            off = next((g for g, v in lb["values"].items() if v.shape[2] != lb["hidden_size"]), None)
            if off is not None:
                raise TraceError(f"align_units: layer {la['layer']} {la['direction']} gate {off} has {lb['values'][off].shape[2]} units, "
                                 f"not the layer's {lb['hidden_size']} (a projected LSTM); compare it with align_units=False")
            p = _match(la["values"]["h"], lb["values"]["h"], ra["lengths"])
            shown.append((la, {**lb, "values": {g: v[:, :, p] for g, v in lb["values"].items()}}))
            alignment.append({"layer": la["layer"], "direction": la["direction"], "permutation": p})
        pairs = shown
    stats = []
    summary = None
    first = None
    for la, lb in pairs:
        for spec in la["specs"]:
            g = spec["name"]
            s = diff_gate(la["values"][g], lb["values"][g], ra["lengths"], tolerance)
            stats.append({"layer": la["layer"], "direction": la["direction"], "gate": g, **s})
            f = s["firstDivergentStep"]
            first = f if first is None else (first if f is None else min(first, f))
            if summary is None or s["maxAbsDiff"] > summary["maxAbsDiff"]:
                summary = {"maxAbsDiff": s["maxAbsDiff"], "firstDivergentStep": None,
                           "worst": {"layer": la["layer"], "direction": la["direction"], "gate": g, "unit": s["worst"]["unit"], "step": s["worst"]["step"]}}
    summary["firstDivergentStep"] = first

    head = dict(ra["head"])
    head["model"] = {**head["model"], "name": f"{labels[0]} vs {labels[1]}"}
    head["producer"] = f"gatescope.py {__version__} (compare)"
    head["createdAt"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    head["check"] = None
    head["warnings"] = [f"{label}: {w}" for label, r in zip(labels, (ra, rb)) for w in (r["head"].get("warnings") or [])]
    head["compare"] = {"a": {"label": str(labels[0])}, "b": {"label": str(labels[1])}, "tolerance": tolerance,
                       # JSON has no Infinity: a non-finite difference is written null (as JSON.stringify does).
                       "stats": [{**s, **{k: (s[k] if s[k] != float("inf") else None) for k in ("maxAbsDiff", "rms")}} for s in stats]}
    if alignment:
        head["compare"]["unitAlignment"] = alignment
    layers = [la for la, _ in pairs] + [{**lb, "run": "b"} for _, lb in pairs]
    doc = encode(head, layers, ra["batch"], ra["steps"], ra["lengths"], precision, int(max_mb * 2 ** 20), None)
    return Comparison(summary, stats, doc, tolerance)
