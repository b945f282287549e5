"""Gatescope traces from a Jupyter kernel.

Records every gate of a PyTorch torch.nn.GRU (r, z, n, h), nn.LSTM (i, f, g, o, c, h; proj_size too)
or nn.RNN (h; tanh or relu), for every unit, step, layer and direction, as a Gatescope trace: the
JSON document of MIME type application/vnd.gatescope.trace+json (format version 2, see the
repository's docs/trace-format.md) that the Gatescope VS Code extension draws as heatmaps.

    import torch, gatescope
    gru = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    gatescope.show(gru, torch.randn(1, 20, 8), tokens=[f"t{i}" for i in range(20)])

Gates are recomputed in float64 NumPy from the module's parameters with PyTorch's equations and the
recomputed states are compared with the module's own output (the trace's "check"). Runs too large
for a notebook output keep an overview in the output and every step in a sidecar file beside the
notebook. NumPy is needed to trace (pip install 'gatescope[numpy]'); torch to pass a module.
"""
from .errors import TraceError
from .notebook import MIME, mime_bundle, show, summary
from .version import __version__


from .tracing import trace

__all__ = ["MIME", "TraceError", "__version__", "mime_bundle", "show", "summary", "trace"]
