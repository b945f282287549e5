"""Showing a trace in a Jupyter kernel, and where its sidecar goes.

VS Code's Jupyter extension sets __vsc_ipynb_file__ (the notebook's path) in the kernel's namespace
and starts the kernel in the notebook's folder by default; the Gatescope renderer looks for a
sidecar in the notebook's folder. So a sidecar goes there, named after the notebook."""
import os
import re

from .errors import TraceError

MIME = "application/vnd.gatescope.trace+json"


def _notebook_path():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    ip = get_ipython()
    path = getattr(ip, "user_ns", {}).get("__vsc_ipynb_file__") if ip is not None else None
    return path if isinstance(path, str) and path else None


def sidecar_place(folder=None, stem=None):
    """{"folder", "stem"} for a sidecar: the given folder, else the VS Code notebook's folder, else the
    current folder; the stem is the notebook's file name (e.g. "demo.ipynb", as the extension names its
    sidecars, so that saving the notebook in VS Code removes the ones no output refers to), else "gatescope"."""
    nb = _notebook_path()
    if folder is None:
        folder = os.path.dirname(nb) if nb else os.getcwd()
    if not os.path.isdir(folder):
        raise TraceError(f"sidecar folder {folder!r} does not exist: pass sidecar=<an existing folder>, or sidecar=False to keep everything in the output")
    if not os.access(folder, os.W_OK):
        raise TraceError(f"cannot write the sidecar into {folder!r} (not writable): pass sidecar=<a writable folder beside the notebook>, or sidecar=False")
    if stem is None:
        stem = os.path.basename(nb) if nb else "gatescope"
    stem = re.sub(r"[/\\:\x00]", "_", stem) or "gatescope"
    return {"folder": folder, "stem": stem}


def summary(doc):
    """One line describing a trace, for text/plain."""
    layers = doc["layers"]
    cells = sorted({l["cell"] for l in layers})
    dtypes = sorted({lv["dtype"] for l in layers for g in l["gates"] for lv in g["levels"][:1]})
    n_layers = len({l["layer"] for l in layers})
    dirs = "bidirectional" if any(l["direction"] == "reverse" for l in layers) else "forward"
    side = f"; fine levels in {doc['sidecar']['file']}" if "sidecar" in doc else ""
    return (f"Gatescope trace: {doc['model']['name']} ({'/'.join(c.upper() for c in cells)}), {n_layers} layer(s) {dirs}, "
            f"batch {doc['batch']}, {doc['steps']} steps, hidden {layers[0]['hiddenSize']} ({'/'.join(dtypes)}{side}). "
            "Open in VS Code with the Gatescope extension to see the gate heatmaps.")


def mime_bundle(doc, png=None):
    """The MIME bundle of a trace: our JSON type, the PNG preview (base64 text) when given, and a text/plain line."""
    bundle = {MIME: doc}
    if png is not None:
        bundle["image/png"] = png
    bundle["text/plain"] = summary(doc)
    return bundle


def show(module_or_trace, x=None, png=True, png_width=1200, **kwargs):
    """Displays a trace in a Jupyter kernel (VS Code notebooks with Gatescope draw it as heatmaps).

    show(trace_dict) displays an existing trace; show(module, x, tokens=..., ...) traces first (same
    arguments as trace()). The output holds the trace, a PNG preview of its heatmaps (png=False
    leaves it out; png_width: its largest width in pixels) for places without Gatescope, and a line
    of text. Returns the trace.
    """
    from .encode import FORMAT
    from .tracing import trace

    if isinstance(module_or_trace, dict) and module_or_trace.get("format") == FORMAT:
        doc = module_or_trace
    else:
        if x is None:
            raise TraceError("show(module, x, ...) needs the input x (or pass a trace dict from trace())")
        doc = trace(module_or_trace, x, **kwargs)
    from IPython.display import display

    picture = None
    if png:
        from .preview import png_base64

        picture = png_base64(doc, png_width)
    display(mime_bundle(doc, picture), raw=True)
    return doc
