"""Unit tests of the gatescope package (python/gatescope).

    npm run test:python     builds a fresh venv (Debian's python3, --system-site-packages), runs
                            `pip install ./python` with no index, then these tests against the install
    /usr/bin/python3 -m unittest discover -s test/python -v     the same against the source tree

Needs NumPy; the tests that run a torch module are skipped without torch (the reason is printed).
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import types
import unittest

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
try:
    import gatescope
except ImportError:
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import gatescope
import gatescope.preview  # noqa: E402
from gatescope.value_encoding import encode_values  # noqa: E402
from gatescope.encode import encode  # noqa: E402
from gatescope.gate_sets import gate_specs  # noqa: E402
from gatescope.pyramid import build_pyramid, level_buckets  # noqa: E402
from gatescope.sidecar import read_sidecar, write_sidecar  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def random_gru_weights(rng, input_size, hidden, layers=1, bidirectional=False):
    w = {}
    for k in range(layers):
        for sfx in ([""] + (["_reverse"] if bidirectional else [])):
            i = input_size if k == 0 else hidden * (2 if bidirectional else 1)
            w[f"weight_ih_l{k}{sfx}"] = rng.standard_normal((3 * hidden, i)).astype(np.float32) * 0.5
            w[f"weight_hh_l{k}{sfx}"] = rng.standard_normal((3 * hidden, hidden)).astype(np.float32) * 0.5
            w[f"bias_ih_l{k}{sfx}"] = rng.standard_normal(3 * hidden).astype(np.float32) * 0.1
            w[f"bias_hh_l{k}{sfx}"] = rng.standard_normal(3 * hidden).astype(np.float32) * 0.1
    return w


def decode_summary(s, dtype, dims):
    raw = base64.b64decode(s["data"])
    if dtype == "float32":
        return np.frombuffer(raw, "<f4").reshape(dims).astype(np.float64)
    if dtype == "float16":
        return np.frombuffer(raw, "<f2").reshape(dims).astype(np.float64)
    q = np.frombuffer(raw, np.uint8).reshape(dims)
    v = s["offset"] + s["scale"] * q.astype(np.float64)
    v[q == 253] = np.nan
    v[q == 254] = np.inf
    v[q == 255] = -np.inf
    return v


def level0(doc, layer_index, gate):
    """Level-0 values [B, T, units] of a gate stored inline."""
    g = next(g for g in doc["layers"][layer_index]["gates"] if g["name"] == gate)
    lv = g["levels"][0]
    return decode_summary(lv["mean"], lv["dtype"], (doc["batch"], doc["steps"], g["units"]))


class FakeIPython:
    """Installs IPython / IPython.display stand-ins that record display() calls and hold a user namespace."""

    def __init__(self, user_ns=None):
        self.shown = []
        self.user_ns = user_ns or {}

    def __enter__(self):
        display_mod = types.ModuleType("IPython.display")
        display_mod.display = lambda obj, raw=False: self.shown.append((obj, raw))
        ipy = types.ModuleType("IPython")
        ipy.display = display_mod
        ipy.get_ipython = lambda: self
        self.saved = {k: sys.modules.get(k) for k in ("IPython", "IPython.display")}
        sys.modules.update({"IPython": ipy, "IPython.display": display_mod})
        return self

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


class PackageTests(unittest.TestCase):
    def test_version_is_the_extensions(self):
        with open(os.path.join(ROOT, "package.json")) as fh:
            self.assertEqual(gatescope.__version__, json.load(fh)["version"])

    @unittest.skipUnless(os.environ.get("GATESCOPE_EXPECT_INSTALLED") == "1", "runs only against an installed package (npm run test:python)")
    def test_runs_from_the_installed_package(self):
        self.assertFalse(os.path.abspath(gatescope.__file__).startswith(os.path.join(ROOT, "python") + os.sep), gatescope.__file__)
        from gatescope import _version  # written by setup.py at build time

        self.assertEqual(_version.__version__, gatescope.__version__)

    def test_imports_without_numpy_and_says_what_to_install(self):
        code = ("import sys; sys.modules['numpy'] = None\n"
                "import gatescope\n"
                "try:\n    gatescope.trace({}, [[0.0]])\nexcept gatescope.TraceError as e:\n    print(e)\n")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in [os.path.dirname(os.path.dirname(gatescope.__file__)), os.environ.get("PYTHONPATH")] if p))
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("gatescope needs NumPy to trace: pip install 'gatescope[numpy]'", r.stdout)


class TraceTests(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)
        self.w = random_gru_weights(self.rng, 3, 4, layers=2, bidirectional=True)
        self.x = self.rng.standard_normal((6, 2, 3)).astype(np.float32)

    def test_document_shape(self):
        doc = gatescope.trace(self.w, self.x, tokens=list("abcdef"), sidecar=False)
        self.assertEqual((doc["format"], doc["version"], doc["batch"], doc["steps"]), ("gatescope.trace", 2, 2, 6))
        self.assertEqual(doc["pyramid"], {"fanout": 4, "tileSteps": 4096})
        self.assertEqual([(l["layer"], l["direction"], l["cell"]) for l in doc["layers"]],
                         [(0, "forward", "gru"), (0, "reverse", "gru"), (1, "forward", "gru"), (1, "reverse", "gru")])
        for l in doc["layers"]:
            self.assertEqual([g["name"] for g in l["gates"]], ["r", "z", "n", "h"])
            for g in l["gates"]:
                self.assertEqual(g["units"], 4)
                self.assertEqual([(lv["bucket"], lv["dtype"], sorted(lv)) for lv in g["levels"]], [(1, "float32", ["bucket", "dtype", "mean"])])
        self.assertEqual(doc["tokens"], list("abcdef"))
        self.assertNotIn("sidecar", doc)
        json.dumps(doc, allow_nan=False)  # strict JSON: no NaN or Infinity literals

    def test_gru_equations_one_step(self):
        # First step of layer 0 forward from h0 = 0, written out by hand.
        doc = gatescope.trace(self.w, self.x, sidecar=False)
        H = 4
        W, bW, bR = self.w["weight_ih_l0"].astype(np.float64), self.w["bias_ih_l0"], self.w["bias_hh_l0"]
        a = W @ self.x[0, 0].astype(np.float64) + bW
        r = 1 / (1 + np.exp(-(a[:H] + bR[:H])))
        z = 1 / (1 + np.exp(-(a[H:2 * H] + bR[H:2 * H])))
        n = np.tanh(a[2 * H:] + r * bR[2 * H:])
        h = (1 - z) * n
        for name, want in (("r", r), ("z", z), ("n", n), ("h", h)):
            np.testing.assert_allclose(level0(doc, 0, name)[0, 0], want, atol=1e-7)

    def test_lstm_equations_one_step_with_projection(self):
        rng = np.random.default_rng(1)
        H, P, I = 3, 2, 4
        w = {"weight_ih_l0": rng.standard_normal((4 * H, I)).astype(np.float32), "weight_hh_l0": rng.standard_normal((4 * H, P)).astype(np.float32),
             "bias_ih_l0": rng.standard_normal(4 * H).astype(np.float32), "bias_hh_l0": rng.standard_normal(4 * H).astype(np.float32),
             "weight_hr_l0": rng.standard_normal((P, H)).astype(np.float32)}
        x = rng.standard_normal((3, 1, I)).astype(np.float32)
        doc = gatescope.trace(w, x, sidecar=False)
        self.assertEqual(doc["layers"][0]["convention"]["projSize"], P)
        s = w["weight_ih_l0"].astype(np.float64) @ x[0, 0] + w["bias_ih_l0"] + w["bias_hh_l0"]  # h0 = 0
        sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        i, f, g, o = sig(s[:H]), sig(s[H:2 * H]), np.tanh(s[2 * H:3 * H]), sig(s[3 * H:])
        c = i * g  # c0 = 0
        h = w["weight_hr_l0"].astype(np.float64) @ (o * np.tanh(c))
        for name, want in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
            np.testing.assert_allclose(level0(doc, 0, name)[0, 0], want, atol=1e-6, err_msg=name)
        self.assertEqual(level0(doc, 0, "h").shape, (1, 3, P))

    def test_relu_rnn_from_a_dict_with_mode(self):
        rng = np.random.default_rng(2)
        w = {"weight_ih_l0": rng.standard_normal((5, 3)).astype(np.float32), "weight_hh_l0": rng.standard_normal((5, 5)).astype(np.float32),
             "bias_ih_l0": np.zeros(5, np.float32), "bias_hh_l0": np.zeros(5, np.float32), "mode": "RNN_RELU"}
        x = rng.standard_normal((4, 3)).astype(np.float32)
        doc = gatescope.trace(w, x, sidecar=False)
        h = level0(doc, 0, "h")[0]
        want = np.maximum(w["weight_ih_l0"].astype(np.float64) @ x[0], 0)
        np.testing.assert_allclose(h[0], want, atol=1e-6)
        self.assertTrue(np.all(h >= 0))
        self.assertEqual(doc["layers"][0]["convention"], {"activations": {"f": {"name": "Relu"}}})
        self.assertEqual(doc["layers"][0]["gates"][0]["range"], "symmetric")

    @unittest.skipIf(torch is None, "torch not installed")
    def test_modules_and_dicts_agree_and_the_check_passes(self):
        torch.manual_seed(0)
        for module in (torch.nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True),
                       torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, proj_size=2),
                       torch.nn.RNN(3, 4, num_layers=2, batch_first=True, nonlinearity="relu"),
                       torch.nn.RNN(3, 4, batch_first=True)):
            with self.subTest(module=repr(module)):
                x = torch.randn(2, 6, 3)
                a = gatescope.trace(module, x, lengths=[6, 4], sidecar=False)
                state = {k: v.numpy() for k, v in module.state_dict().items()}
                b = gatescope.trace({**state, "batch_first": True, "mode": module.mode}, x.numpy(), lengths=[6, 4], sidecar=False)
                for doc in (a, b):
                    self.assertLess(doc["check"]["maxAbsError"], 1e-6)
                    self.assertTrue(doc["check"]["passed"])
                for la, lb in zip(a["layers"], b["layers"]):
                    self.assertEqual(la["gates"], lb["gates"])

    @unittest.skipIf(torch is None, "torch not installed")
    def test_lstm_cell_state_ends_at_c_n(self):
        torch.manual_seed(1)
        lstm = torch.nn.LSTM(3, 5)
        x = torch.randn(7, 2, 3)
        h0, c0 = torch.randn(1, 2, 5), torch.randn(1, 2, 5)
        doc = gatescope.trace(lstm, x, h0=(h0, c0), sidecar=False)
        with torch.no_grad():
            out, (hn, cn) = lstm(x, (h0, c0))
        np.testing.assert_allclose(level0(doc, 0, "c")[:, -1], cn[0].numpy(), atol=1e-6)
        np.testing.assert_allclose(level0(doc, 0, "h").transpose(1, 0, 2), out.numpy(), atol=1e-6)
        self.assertIn("output, h_n and c_n", doc["check"]["reference"])

    @unittest.skipIf(torch is None, "torch not installed")
    def test_unbatched_input_and_eval_mode_restored(self):
        torch.manual_seed(0)
        gru = torch.nn.GRU(3, 4, num_layers=2, dropout=0.5, batch_first=True)
        gru.train()
        doc = gatescope.trace(gru, torch.randn(5, 3), sidecar=False)
        self.assertEqual(doc["layers"][0]["gates"][3]["units"], 4)
        self.assertLess(doc["check"]["maxAbsError"], 1e-6)  # dropout off while checking
        self.assertTrue(gru.training)

    def test_without_torch_says_not_checked(self):
        saved = sys.modules.get("torch")
        sys.modules["torch"] = None  # makes `import torch` raise ImportError
        try:
            doc = gatescope.trace(self.w, self.x, sidecar=False)
        finally:
            if saved is None:
                del sys.modules["torch"]
            else:
                sys.modules["torch"] = saved
        self.assertNotIn("check", doc)
        self.assertTrue(any("Not checked against PyTorch" in w for w in doc["warnings"]))

    def test_lengths_mask_steps(self):
        doc = gatescope.trace(self.w, self.x, lengths=[6, 3], sidecar=False)
        self.assertEqual(doc["sequenceLengths"], [6, 3])
        h = level0(doc, 1, "h")  # reverse direction
        self.assertTrue(np.all(h[1, 3:] == 0))  # masked cells stored as 0
        self.assertTrue(np.all(h[1, :3] != 0))
        # Reverse runs within the sequence: its first computed step is t = 2, from h0 = 0.
        full = gatescope.trace(self.w, self.x[:3], sidecar=False)
        np.testing.assert_allclose(h[1, :3], level0(full, 1, "h")[1], atol=1e-7)

    def test_precision_auto_steps_down_to_fit(self):
        sizes = {p: len(json.dumps(gatescope.trace(self.w, self.x, precision=p, sidecar=False), separators=(",", ":"))) for p in ("float32", "float16", "uint8")}
        self.assertLess(sizes["uint8"], sizes["float16"])
        self.assertLess(sizes["float16"], sizes["float32"])
        budget = (sizes["float16"] + 100) / 2 ** 20
        doc = gatescope.trace(self.w, self.x, max_mb=budget, sidecar=False)
        self.assertEqual({lv["dtype"] for l in doc["layers"] for g in l["gates"] for lv in g["levels"]}, {"float16"})
        self.assertLessEqual(len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()), budget * 2 ** 20)

    def test_over_budget_without_sidecar_says_what_to_do(self):
        with self.assertRaisesRegex(gatescope.TraceError, r"does not fit the output budget of .* let gatescope write a sidecar file"):
            gatescope.trace(self.w, self.x, max_mb=0.001, sidecar=False)

    def test_errors(self):
        cases = [
            (lambda: gatescope.trace(self.w, self.x, tokens=["a"]), "tokens has 1 labels but x has 6 steps"),
            (lambda: gatescope.trace(self.w, self.x, precision="int4"), 'precision must be "auto", "float32", "float16" or "uint8"'),
            (lambda: gatescope.trace(self.w, self.x[:, :, :2]), "x has input size 2 but the GRU expects 3"),
            (lambda: gatescope.trace(self.w, self.x, lengths=[6, 0]), r"lengths must hold 2 integers in \[1, 6\]"),
            (lambda: gatescope.trace({"foo": 1}, self.x), "PyTorch parameter names"),
            (lambda: gatescope.trace(self.w, np.zeros(3)), r"x must have shape"),
            (lambda: gatescope.trace(self.w, self.x, h0=np.zeros((4, 2, 5))), r"h0 must have shape \[4, 2, 4\]"),
            (lambda: gatescope.trace(self.w, self.x, max_mb=0), "max_mb must be a number > 0"),
            (lambda: gatescope.trace(self.w, self.x, max_mb=0.001, sidecar="/nonexistent/folder"), "sidecar folder '/nonexistent/folder' does not exist"),
            (lambda: gatescope.trace(object(), self.x), "takes a torch.nn.GRU, nn.LSTM or nn.RNN"),
            (lambda: gatescope.trace({**self.w, "mode": "GRU2"}, self.x), '"mode" must be'),
        ]
        for fn, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(gatescope.TraceError, message):
                fn()

    def test_show_displays_the_mime_bundle(self):
        with FakeIPython() as ip:
            doc = gatescope.show(self.w, self.x, precision="uint8", sidecar=False)
            gatescope.show(doc)
        self.assertEqual(len(ip.shown), 2)
        bundle, raw = ip.shown[0]
        self.assertTrue(raw)
        self.assertIs(bundle["application/vnd.gatescope.trace+json"], doc)
        self.assertIn("Gatescope trace", bundle["text/plain"])
        png = base64.b64decode(bundle["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        self.assertEqual(gatescope.preview.render_rgba(doc).shape, (height, width, 4))
        with FakeIPython() as ip:
            gatescope.show(doc, png=False)
        self.assertNotIn("image/png", ip.shown[0][0])

    def test_preview_colours_follow_the_gate_scales(self):
        # One RNN unit over 4 steps with h = -1, 0, 1 and a masked step: RdBu's ends, its centre, grey.
        layer = {"layer": 0, "direction": "forward", "name": "l0", "cell": "rnn", "hidden_size": 1, "convention": None,
                 "specs": gate_specs("rnn"), "values": {"h": np.array([[[-1.0], [0.0], [1.0], [0.5]]], np.float32)}}
        doc = encode({"model": {"name": "m", "source": "pytorch", "engine": "test"}, "sequenceLengths": [3]}, [layer], 1, 4, [3], precision="float32")
        img = gatescope.preview.render_rgba(doc)
        rows = np.where(np.all(img[:, :, :3] == (0x05, 0x30, 0x61), axis=2))  # RdBu's first anchor, -1
        self.assertTrue(rows[0].size > 0)
        y, x0 = rows[0][0], rows[1][0]
        row = img[y, x0:, :3]
        cell = np.argmax(np.any(row != row[0], axis=1))  # pixels per step
        self.assertTrue(np.all(row[cell] >= 240), row[cell])  # 0: RdBu's near-white centre (entry 128 of 256)
        self.assertEqual(tuple(row[2 * cell]), (0x67, 0x00, 0x1f))  # +1: the last anchor
        self.assertEqual(tuple(row[3 * cell]), (128, 128, 128))  # masked


class CodecTests(unittest.TestCase):
    def test_uint8_codes_and_special_values(self):
        v = np.array([[[0.0, 0.5, 1.0, np.nan, np.inf, -np.inf, 0.25]]], np.float32)
        q = np.frombuffer(encode_values(v, "uint8", 1 / 252, 0.0), np.uint8)
        self.assertEqual(q.tolist(), [0, 126, 252, 253, 254, 255, 63])

    def test_float16_overflow_falls_back_to_float32_with_a_warning(self):
        values = np.array([[[1.0], [70000.0]]], np.float32)
        layer = {"layer": 0, "direction": "forward", "name": "l0", "cell": "rnn", "hidden_size": 1, "convention": None,
                 "specs": gate_specs("rnn", "relu"), "values": {"h": values}}
        head = {"model": {"name": "m", "source": "pytorch", "engine": "test"}}
        doc = encode(head, [layer], 1, 2, None, precision="float16")
        self.assertEqual(doc["layers"][0]["gates"][0]["levels"][0]["dtype"], "float32")
        self.assertIn("layer 0 forward h: values beyond float16's range (±65504); stored as float32 instead.", doc["warnings"])


def brute_force_level(values, lengths, bucket):
    """(mean, min, max) of a level straight from level 0 [B, T, U], float64, cell by cell."""
    B, T, U = values.shape
    J = -(-T // bucket)
    out = [np.zeros((B, J, U)) for _ in range(3)]
    for b in range(B):
        for j in range(J):
            t0, t1 = j * bucket, min((j + 1) * bucket, lengths[b])
            if t1 <= t0:
                continue
            for u in range(U):
                cells = values[b, t0:t1, u].astype(np.float64)
                if np.any(np.isnan(cells)):
                    out[0][b, j, u] = out[1][b, j, u] = out[2][b, j, u] = np.nan
                    continue
                with np.errstate(invalid="ignore"):
                    out[0][b, j, u] = sum(cells) / len(cells)
                out[1][b, j, u], out[2][b, j, u] = min(cells), max(cells)
    return out


class PyramidTests(unittest.TestCase):
    def test_levels_list_stops_at_64_buckets(self):
        self.assertEqual(level_buckets(64, 4, 64), [1])
        self.assertEqual(level_buckets(65, 4, 64), [1, 4])
        self.assertEqual(level_buckets(300, 4, 64), [1, 4, 16])

    def test_every_level_matches_a_brute_force_reference(self):
        rng = np.random.default_rng(3)
        B, T, U = 3, 150, 2
        lengths = np.array([150, 37, 1])
        values = rng.standard_normal((B, T, U)).astype(np.float32)
        values[0, 5, 0] = np.nan  # one NaN: its buckets' summaries are NaN at every level
        values[0, 70, 1] = np.inf
        values[0, 71, 1] = -np.inf  # +Inf and -Inf in one bucket: NaN mean, min -Inf, max +Inf
        values[0, 100, 0] = np.inf
        for b in range(B):
            values[b, lengths[b]:] = 0  # masked cells are stored as 0
        buckets = level_buckets(T, 4, 8)
        self.assertEqual(buckets, [1, 4, 16, 64])
        levels = build_pyramid(values, T, buckets, 4, lengths)
        for k in range(1, len(buckets)):
            want = brute_force_level(values, lengths, buckets[k])
            for got, ref, what in zip(levels[k], want, ("mean", "min", "max")):
                with self.subTest(bucket=buckets[k], summary=what):
                    self.assertEqual(got.dtype, np.float32)
                    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7, equal_nan=True)
        self.assertTrue(np.isnan(levels[3][0][0, 0, 0]) and np.isnan(levels[3][1][0, 0, 0]))
        self.assertTrue(np.isnan(levels[1][0][0, 17, 1]))
        self.assertEqual((levels[1][1][0, 17, 1], levels[1][2][0, 17, 1]), (-np.inf, np.inf))
        self.assertEqual(levels[1][0][0, 25, 0], np.inf)
        self.assertTrue(np.all(levels[1][0][2, 1:] == 0) and np.all(levels[2][1][1, 3:] == 0))  # masked buckets


class SidecarTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.addCleanup(self.tmp.cleanup)

    def test_layout_hashes_and_tiles(self):
        rng = np.random.default_rng(4)
        a = rng.standard_normal((2, 37, 3)).astype(np.float32)
        q = rng.random((2, 10, 3)).astype(np.float32)
        ref = write_sidecar(self.dir, "t", 8, [{"name": "A", "dtype": "float32", "values": a},
                                                {"name": "Q", "dtype": "uint8", "values": q, "scale": 1 / 252, "offset": 0.0}])
        path = os.path.join(self.dir, ref["file"])
        self.assertEqual(os.listdir(self.dir), [ref["file"]])  # the temporary file was renamed
        self.assertRegex(ref["file"], r"^t-[0-9a-f]{12}\.gatescope\.safetensors$")
        with open(path, "rb") as fh:
            raw = fh.read()
        self.assertEqual(len(raw), ref["bytes"])
        (n,) = struct.unpack("<Q", raw[:8])
        self.assertEqual(n % 8, 0)
        self.assertEqual(hashlib.sha256(raw[8:8 + n]).hexdigest(), ref["headerSha256"])
        self.assertTrue(ref["file"].startswith("t-" + ref["headerSha256"][:12]))
        header = json.loads(raw[8:8 + n])
        self.assertEqual(header["A"], {"dtype": "F32", "shape": [2, 37, 3], "data_offsets": [0, 2 * 37 * 3 * 4]})
        tiles = json.loads(header["__metadata__"]["tiles"])
        self.assertEqual(len(tiles["A"]), 2 * 5)  # 37 buckets in tiles of 8: 5 per batch item
        # Tile (1, 4) is buckets 32..36 of item 1: one contiguous byte range.
        start = 8 + n + (1 * 37 + 32) * 3 * 4
        tile = raw[start:start + 5 * 3 * 4]
        self.assertEqual(hashlib.sha256(tile).hexdigest(), tiles["A"][1 * 5 + 4])
        np.testing.assert_array_equal(np.frombuffer(tile, "<f4").reshape(5, 3), a[1, 32:37])
        _, back = read_sidecar(path)
        np.testing.assert_array_equal(back["A"], a)
        self.assertLessEqual(np.max(np.abs(back["Q"] - q)), 0.5 / 252 + 1e-7)

    def test_a_flipped_byte_is_found(self):
        ref = write_sidecar(self.dir, "t", 4, [{"name": "A", "dtype": "float32", "values": np.ones((1, 9, 2), np.float32)}])
        path = os.path.join(self.dir, ref["file"])
        with open(path, "r+b") as fh:
            fh.seek(ref["bytes"] - 1)
            fh.write(b"\x01")
        with self.assertRaisesRegex(ValueError, "tile 2 of A"):
            read_sidecar(path)

    def test_long_run_keeps_an_overview_inline_and_every_step_in_the_sidecar(self):
        rng = np.random.default_rng(5)
        w = random_gru_weights(rng, 3, 6)
        x = rng.standard_normal((400, 2, 3)).astype(np.float32)
        full = gatescope.trace(w, x, lengths=[400, 250], sidecar=False)
        budget = 0.02
        doc = gatescope.trace(w, x, lengths=[400, 250], max_mb=budget, sidecar=self.dir, sidecar_stem="run")
        self.assertLessEqual(len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()), budget * 2 ** 20)
        side = doc["sidecar"]
        self.assertEqual(os.listdir(self.dir), [side["file"]])
        self.assertEqual(os.path.getsize(os.path.join(self.dir, side["file"])), side["bytes"])
        _, tensors = read_sidecar(os.path.join(self.dir, side["file"]))
        for li, layer in enumerate(doc["layers"]):
            for g in layer["gates"]:
                lv0 = g["levels"][0]
                self.assertEqual(lv0["dtype"], "float32")
                np.testing.assert_array_equal(tensors[lv0["mean"]["sidecar"]], level0(full, li, g["name"]))
                inline = [lv for lv in g["levels"] if "data" in lv["mean"]]
                self.assertTrue(inline and all(lv["dtype"] == "uint8" and "min" in lv and "max" in lv for lv in inline))

    def test_default_folder_is_the_vscode_notebooks_then_the_current_one(self):
        rng = np.random.default_rng(6)
        w = random_gru_weights(rng, 2, 3)
        x = rng.standard_normal((600, 1, 2)).astype(np.float32)
        nb_dir = os.path.join(self.dir, "notebooks")
        os.mkdir(nb_dir)
        with FakeIPython({"__vsc_ipynb_file__": os.path.join(nb_dir, "my run.ipynb")}):
            doc = gatescope.trace(w, x, max_mb=0.008)
        # Named after the notebook file, as the extension names its sidecars (a save in VS Code cleans them up).
        self.assertTrue(doc["sidecar"]["file"].startswith("my run.ipynb-"), doc["sidecar"]["file"])
        self.assertEqual(os.listdir(nb_dir), [doc["sidecar"]["file"]])
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            doc = gatescope.trace(w, x, max_mb=0.008)
        finally:
            os.chdir(cwd)
        self.assertTrue(doc["sidecar"]["file"].startswith("gatescope-"))
        self.assertIn(doc["sidecar"]["file"], os.listdir(self.dir))


@unittest.skipIf(torch is None, "torch not installed: the committed fixtures cannot be regenerated")
class FixturesTests(unittest.TestCase):
    def test_committed_fixtures_are_what_the_producer_writes_now(self):
        committed = os.path.join(ROOT, "test", "fixtures", "trace", "python")
        with tempfile.TemporaryDirectory() as out:
            r = subprocess.run([sys.executable, os.path.join(ROOT, "test", "python", "run_python_trace.py"), out], capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            fresh = sorted(os.listdir(out))
            self.assertEqual(fresh, sorted(f for f in os.listdir(committed)))
            for f in fresh:
                with self.subTest(file=f):
                    with open(os.path.join(out, f), "rb") as a, open(os.path.join(committed, f), "rb") as b:
                        self.assertTrue(a.read() == b.read(), f"{f} differs from the committed file: rerun test/python/run_python_trace.py and commit")


if __name__ == "__main__":
    unittest.main()
