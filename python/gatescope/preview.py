"""The PNG preview shown beside a trace (image/png), so a notebook still shows the gates where
Gatescope is not installed (GitHub, JupyterLab, VS Code without the extension).

The same picture as the extension's renderPreviewPng (src/core/preview/render-png.ts), drawn from
the encoded document (what a reader decodes): same layout, colour maps (viridis for sequential
gates as matplotlib's 256-entry table, RdBu for diverging ones interpolated in OKLab between its 11
ColorBrewer classes, src/core/color/), special colours
for NaN, ±Inf and masked steps, and 3x5 pixel font. The TypeScript test
test/unit/core/trace/python-producer.unit.test.ts checks that the two agree pixel for pixel.
"""
import base64
import struct
import zlib

from .published_maps import RDBU as _RDBU_PUBLISHED, VIRIDIS

# Colour maps as published (published_maps.py, written with the extension's table by
# scripts/generate-colour-maps.py): matplotlib's 256-entry viridis, used entry for entry, and the 11
# ColorBrewer RdBu classes, reversed so that -1 is blue and +1 red, interpolated in OKLab.
RDBU = tuple(reversed(_RDBU_PUBLISHED))
NAN_RGB, POS_INF_RGB, NEG_INF_RGB, MASKED_RGB = (255, 0, 255), (0, 0, 0), (0, 255, 255), (128, 128, 128)
BACKGROUND, INK = (250, 250, 250), (40, 40, 40)

# 3x5 glyphs, rows top to bottom, 3 bits per row, most significant = left column.
GLYPHS = {
    "A": "010101111101101", "B": "110101110101110", "C": "011100100100011", "D": "110101101101110",
    "E": "111100110100111", "F": "111100110100100", "G": "011100101101011", "H": "101101111101101",
    "I": "111010010010111", "J": "001001001101010", "K": "101101110101101", "L": "100100100100111",
    "M": "101111111101101", "N": "110101101101101", "O": "010101101101010", "P": "110101110100100",
    "Q": "010101101110011", "R": "110101110101101", "S": "011100010001110", "T": "111010010010010",
    "U": "101101101101111", "V": "101101101101010", "W": "101101111111101", "X": "101101010101101",
    "Y": "101101010010010", "Z": "111001010100111",
    "0": "111101101101111", "1": "010110010010111", "2": "110001010100111", "3": "110001010001110",
    "4": "101101111001001", "5": "111100110001110", "6": "011100111101111", "7": "111001010010010",
    "8": "111101111101111", "9": "111101111001110",
    " ": "000000000000000", "/": "001001010100100", "=": "000111000111000", "-": "000000111000000",
    ".": "000000000000010", ":": "000010000010000", ",": "000000000010100", "[": "110100100100110",
    "]": "011001001001011", "(": "010100100100010", ")": "010001001001010", "?": "110001010000010",
}
GLYPH_W, GLYPH_H = 3, 5
MARGIN, FONT_SCALE, LABEL_GAP, PANEL_GAP, ENTRY_GAP, MAX_CELL, MAX_PANEL_HEIGHT = 8, 2, 6, 3, 10, 8, 128


def _srgb_to_oklab(rgb):
    def lin(c8):
        c = c8 / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    cbrt = lambda v: v ** (1 / 3) if v >= 0 else -((-v) ** (1 / 3))  # noqa: E731
    l = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
    m = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
    s = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    return (0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s)


def _oklab_to_srgb(lab):
    L, a, b = lab
    l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3
    rgb = (4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
           -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
           -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s)

    def q(x):
        c = 12.92 * x if x <= 0.0031308 else 1.055 * x ** (1 / 2.4) - 0.055
        return min(255, max(0, _round(c * 255)))

    return tuple(q(x) for x in rgb)


def _round(x):
    """JavaScript's Math.round: halves go up."""
    import math

    return int(math.floor(x + 0.5))


def _lut(anchors):
    """256 RGB entries interpolated piecewise-linearly in OKLab between equally spaced anchors."""
    labs = [_srgb_to_oklab((int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16))) for h in anchors]
    seg = len(anchors) - 1
    out = []
    for i in range(256):
        x = i / 255 * seg
        k = min(seg - 1, int(x // 1))
        f = x - k
        a, b = labs[k], labs[k + 1]
        out.append(_oklab_to_srgb(tuple(a[j] + (b[j] - a[j]) * f for j in range(3))))
    return out


_LUTS = {}


def lut(scale):
    if scale not in _LUTS:
        if scale == "sequential":
            _LUTS[scale] = [(int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)) for h in VIRIDIS]
        else:
            _LUTS[scale] = _lut(RDBU)
    return _LUTS[scale]


def _text_width(text):
    return 0 if not text else (len(text) * (GLYPH_W + 1) - 1) * FONT_SCALE


def _draw_text(img, x, y, text):
    H, W, _ = img.shape
    cx = x
    for ch in text.upper():
        bits = GLYPHS.get(ch, GLYPHS["?"])
        for row in range(GLYPH_H):
            for col in range(GLYPH_W):
                if bits[row * GLYPH_W + col] != "1":
                    continue
                y0, x0 = y + row * FONT_SCALE, cx + col * FONT_SCALE
                img[max(0, y0):max(0, min(H, y0 + FONT_SCALE)), max(0, x0):max(0, min(W, x0 + FONT_SCALE)), :3] = INK
        cx += (GLYPH_W + 1) * FONT_SCALE


def _decode(summary, dtype, dims):
    """A stored summary as float32 values [B, J, U], as a reader decodes it (uint8 rounded to float32)."""
    import numpy as np

    raw = base64.b64decode(summary["data"])
    if dtype == "float32":
        return np.frombuffer(raw, "<f4").reshape(dims)
    if dtype == "float16":
        return np.frombuffer(raw, "<f2").astype(np.float32).reshape(dims)
    q = np.frombuffer(raw, np.uint8).reshape(dims)
    v = (summary["offset"] + summary["scale"] * q.astype(np.float64)).astype(np.float32)
    v[q == 253] = np.nan
    v[q == 254] = np.inf
    v[q == 255] = -np.inf
    return v


def _shown_level(gate):
    """The finest level whose means are inline (level 0 unless it lives in a sidecar)."""
    return next((lv for lv in gate["levels"] if "data" in lv["mean"]), gate["levels"][-1])


def _colour_range(gate, doc, lengths):
    """[min, max] the gate's map spans: its fixed range, or from the finite data of its coarsest inline level."""
    import numpy as np

    rng = gate["range"]
    if isinstance(rng, list):
        return float(rng[0]), float(rng[1])
    inline = [lv for lv in gate["levels"] if "data" in lv["mean"]]
    lo = hi = float("nan")
    if inline:
        lv = inline[-1]
        J = -(-doc["steps"] // lv["bucket"])
        dims = (doc["batch"], J, gate["units"])
        lows = _decode(lv.get("min", lv["mean"]), lv["dtype"], dims)
        highs = _decode(lv.get("max", lv["mean"]), lv["dtype"], dims)
        valid = (np.arange(J)[None, :] < np.array([-(-n // lv["bucket"]) for n in lengths])[:, None])[:, :, None]
        a = lows[valid & np.isfinite(lows)]
        z = highs[valid & np.isfinite(highs)]
        if a.size and z.size and float(a.min()) <= float(z.max()):
            lo, hi = float(a.min()), float(z.max())
    lo = lo if np.isfinite(lo) else -1.0
    hi = hi if np.isfinite(hi) else 1.0
    if rng == "symmetric":
        m = max(abs(lo), abs(hi)) or 1.0
        return -m, m
    if not hi > lo:
        m = abs(lo) or 1.0
        lo, hi = lo - m * 1e-6, hi + m * 1e-6
    return lo, hi


def render_rgba(doc, max_width=1200):
    """The preview of a v2 document as an RGBA uint8 array [height, width, 4]."""
    import numpy as np

    max_width = max(200, int(max_width))
    layers = doc["layers"]
    T, B = doc["steps"], doc["batch"]
    lengths = doc.get("sequenceLengths") or [T] * B
    label = lambda l, g: f"L{l['layer']} {'FWD' if l['direction'] == 'forward' else 'REV'} {g['name']}"  # noqa: E731
    label_w = max(_text_width(label(l, g)) for l in layers for g in l["gates"])
    available = max_width - 2 * MARGIN - label_w - LABEL_GAP
    panel_w = T * max(1, min(MAX_CELL, available // T)) if T <= available else available
    step_of_col = (np.arange(panel_w) * T) // panel_w
    coarsest = max(_shown_level(g)["bucket"] for l in layers for g in l["gates"])
    note = f"  MEANS OF {coarsest} STEPS (FULL DETAIL IN GATESCOPE)" if coarsest > 1 else ""
    title = f"{doc['model']['name']}  BATCH 0 OF {B}  {T} STEPS{note}"
    width = max(MARGIN * 2 + label_w + LABEL_GAP + panel_w, min(max_width, MARGIN * 2 + _text_width(title)))
    line_h = GLYPH_H * FONT_SCALE
    panels = []
    y = MARGIN + line_h + ENTRY_GAP
    for l in layers:
        for g in l["gates"]:
            U = g["units"]
            h = U * max(1, min(MAX_CELL, MAX_PANEL_HEIGHT // U)) if U <= MAX_PANEL_HEIGHT else MAX_PANEL_HEIGHT
            panels.append((l, g, y, h, label(l, g)))
            y += h + PANEL_GAP
        y += ENTRY_GAP - PANEL_GAP
    height = y - ENTRY_GAP + MARGIN
    img = np.empty((height, width, 4), np.uint8)
    img[:, :, :3] = BACKGROUND
    img[:, :, 3] = 255
    _draw_text(img, MARGIN, MARGIN, title)
    x = MARGIN + label_w + LABEL_GAP
    masked_step = np.arange(T) >= lengths[0]
    for l, g, y, h, text in panels:
        _draw_text(img, MARGIN, y + max(0, (h - line_h) // 2), text)
        U = g["units"]
        lv = _shown_level(g)
        unit_of_row = (np.arange(h) * U) // h
        bucket_of_col = step_of_col // lv["bucket"]
        J = -(-T // lv["bucket"])
        if "data" in lv["mean"]:
            v = _decode(lv["mean"], lv["dtype"], (B, J, U))[0].astype(np.float64)  # batch item 0: [J, U]
        else:
            v = np.full((J, U), np.nan)
        cells = v[bucket_of_col][:, unit_of_row].T  # [rows, columns]
        lo, hi = _colour_range(g, doc, lengths)
        with np.errstate(invalid="ignore"):
            idx = np.floor((cells - lo) / (hi - lo) * 255 + 0.5)
        idx = np.clip(np.nan_to_num(idx, nan=0.0, posinf=255, neginf=0), 0, 255).astype(np.int64)
        rgb = np.array(lut(g["scale"]), np.uint8)[idx]
        rgb[np.isnan(cells)] = NAN_RGB
        rgb[cells == np.inf] = POS_INF_RGB
        rgb[cells == -np.inf] = NEG_INF_RGB
        rgb[:, masked_step[bucket_of_col * lv["bucket"]]] = MASKED_RGB
        img[y:y + h, x:x + panel_w, :3] = rgb
    return img


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(doc, max_width=1200):
    """The preview as PNG bytes (8-bit RGBA, zlib)."""
    img = render_rgba(doc, max_width)
    h, w, _ = img.shape
    rows = b"".join(b"\x00" + img[r].tobytes() for r in range(h))  # filter type 0 per row
    cells = "/".join(sorted({l["cell"].upper() for l in doc["layers"]}, key=[l["cell"].upper() for l in doc["layers"]].index))
    text = [(b"Software", b"Gatescope"), (b"Title", f"{cells} gates of {doc['model']['name']}".encode("latin-1", "replace"))]
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + b"".join(_chunk(b"tEXt", k + b"\x00" + v) for k, v in text)
            + _chunk(b"IDAT", zlib.compress(rows, 6)) + _chunk(b"IEND", b""))


def png_base64(doc, max_width=1200):
    """The preview as the base64 text Jupyter stores for image/png."""
    return base64.b64encode(png_bytes(doc, max_width)).decode("ascii")
