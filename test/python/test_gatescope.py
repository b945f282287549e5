"""Unit tests of python/gatescope.py (run: /usr/bin/python3 -m unittest discover -s test/python -v).
Needs NumPy; the tests that pass a torch module are skipped without torch."""
import base64
import json
import os
import sys
import types
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import gatescope  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def random_weights(rng, input_size, hidden, layers=1, bidirectional=False):
    w = {}
    for k in range(layers):
        for sfx in ([""] + (["_reverse"] if bidirectional else [])):
            i = input_size if k == 0 else hidden * (2 if bidirectional else 1)
            w[f"weight_ih_l{k}{sfx}"] = rng.standard_normal((3 * hidden, i)).astype(np.float32) * 0.5
            w[f"weight_hh_l{k}{sfx}"] = rng.standard_normal((3 * hidden, hidden)).astype(np.float32) * 0.5
            w[f"bias_ih_l{k}{sfx}"] = rng.standard_normal(3 * hidden).astype(np.float32) * 0.1
            w[f"bias_hh_l{k}{sfx}"] = rng.standard_normal(3 * hidden).astype(np.float32) * 0.1
    return w


def decode(t):
    raw = base64.b64decode(t["data"])
    if t["dtype"] == "float32":
        return np.frombuffer(raw, "<f4").reshape(t["dims"]).astype(np.float64)
    if t["dtype"] == "float16":
        return np.frombuffer(raw, "<f2").reshape(t["dims"]).astype(np.float64)
    q = np.frombuffer(raw, np.uint8).reshape(t["dims"])
    v = t["offset"] + t["scale"] * q.astype(np.float64)
    v[q == 253] = np.nan
    v[q == 254] = np.inf
    v[q == 255] = -np.inf
    return v


class TraceTests(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)
        self.w = random_weights(self.rng, 3, 4, layers=2, bidirectional=True)
        self.x = self.rng.standard_normal((6, 2, 3)).astype(np.float32)

    def test_document_shape(self):
        doc = gatescope.trace(self.w, self.x, tokens=list("abcdef"))
        self.assertEqual(doc["format"], "gatescope.trace")
        self.assertEqual(doc["version"], 1)
        self.assertEqual([(l["layer"], l["direction"]) for l in doc["layers"]],
                         [(0, "forward"), (0, "reverse"), (1, "forward"), (1, "reverse")])
        for l in doc["layers"]:
            for g in "rznh":
                self.assertEqual(l["gates"][g]["dims"], [2, 6, 4])
        self.assertEqual(doc["tokens"], list("abcdef"))
        json.dumps(doc, allow_nan=False)  # strict JSON: no NaN or Infinity literals

    def test_gate_equations_one_step(self):
        # First step of layer 0 forward from h0 = 0, written out by hand.
        doc = gatescope.trace(self.w, self.x)
        H = 4
        W, bW, bR = self.w["weight_ih_l0"].astype(np.float64), self.w["bias_ih_l0"], self.w["bias_hh_l0"]
        a = W @ self.x[0, 0].astype(np.float64) + bW
        r = 1 / (1 + np.exp(-(a[:H] + bR[:H])))
        z = 1 / (1 + np.exp(-(a[H:2 * H] + bR[H:2 * H])))
        n = np.tanh(a[2 * H:] + r * bR[2 * H:])
        h = (1 - z) * n
        g = doc["layers"][0]["gates"]
        for name, want in (("r", r), ("z", z), ("n", n), ("h", h)):
            np.testing.assert_allclose(decode(g[name])[0, 0], want, atol=1e-7)

    @unittest.skipIf(torch is None, "torch not installed")
    def test_module_and_dict_agree_and_check_is_recorded(self):
        torch.manual_seed(0)
        gru = torch.nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        x = torch.randn(2, 6, 3)
        a = gatescope.trace(gru, x)
        state = {k: v.numpy() for k, v in gru.state_dict().items()}
        b = gatescope.trace({**state, "batch_first": True}, x.numpy())
        self.assertLess(a["check"]["maxAbsError"], 1e-6)
        self.assertLess(b["check"]["maxAbsError"], 1e-6)
        for la, lb in zip(a["layers"], b["layers"]):
            for g in "rznh":
                self.assertEqual(la["gates"][g]["data"], lb["gates"][g]["data"])

    @unittest.skipIf(torch is None, "torch not installed")
    def test_unbatched_input(self):
        torch.manual_seed(0)
        gru = torch.nn.GRU(3, 4, batch_first=True)
        doc = gatescope.trace(gru, torch.randn(5, 3))
        self.assertEqual(doc["layers"][0]["gates"]["h"]["dims"], [1, 5, 4])
        self.assertLess(doc["check"]["maxAbsError"], 1e-6)

    def test_without_torch_says_not_checked(self):
        saved = sys.modules.get("torch")
        sys.modules["torch"] = None  # makes `import torch` raise ImportError
        try:
            doc = gatescope.trace(self.w, self.x)
        finally:
            if saved is None:
                del sys.modules["torch"]
            else:
                sys.modules["torch"] = saved
        self.assertNotIn("check", doc)
        self.assertTrue(any("Not checked against PyTorch" in w for w in doc["warnings"]))

    def test_lengths_mask_steps(self):
        doc = gatescope.trace(self.w, self.x, lengths=[6, 3])
        self.assertEqual(doc["sequenceLengths"], [6, 3])
        h = decode(doc["layers"][1]["gates"]["h"])  # reverse direction
        self.assertTrue(np.all(h[1, 3:] == 0))  # masked cells stored as 0
        self.assertTrue(np.all(h[1, :3] != 0))
        # Reverse runs within the sequence: its first computed step is t = 2, from h0 = 0.
        full = gatescope.trace(self.w, self.x[:3])
        np.testing.assert_allclose(h[1, :3], decode(full["layers"][1]["gates"]["h"])[1], atol=1e-7)

    def test_uint8_bounds_and_special_values(self):
        v = np.array([[[0.0, 0.5, 1.0, np.nan, np.inf, -np.inf, 0.25]]])
        t, used = gatescope._encode_tensor(v, "uint8", np.array([1]))
        self.assertEqual(used, "uint8")
        q = np.frombuffer(base64.b64decode(t["data"]), np.uint8)
        self.assertEqual(q.tolist(), [0, 126, 252, 253, 254, 255, 63])
        self.assertEqual(t["offset"], 0.0)
        self.assertAlmostEqual(t["scale"], 1 / 252)
        back = decode(t)
        finite = np.isfinite(v)
        self.assertLessEqual(np.max(np.abs(back[finite] - v[finite])), t["scale"] / 2 + 1e-12)

    def test_float16_overflow_falls_back_to_float32(self):
        v = np.array([[[1.0, 70000.0]]])
        t, used = gatescope._encode_tensor(v, "float16", np.array([1]))
        self.assertEqual(used, "float32")
        self.assertEqual(t["dtype"], "float32")

    def test_errors(self):
        cases = [
            (lambda: gatescope.trace(self.w, self.x, tokens=["a"]), "tokens has 1 labels but x has 6 steps"),
            (lambda: gatescope.trace(self.w, self.x, precision="int4"), 'precision must be "float32", "float16" or "uint8"'),
            (lambda: gatescope.trace(self.w, self.x[:, :, :2]), "x has input size 2 but the GRU expects 3"),
            (lambda: gatescope.trace(self.w, self.x, lengths=[6, 0]), r"lengths must hold 2 integers in \[1, 6\]"),
            (lambda: gatescope.trace({"foo": 1}, self.x), "PyTorch nn.GRU parameter names"),
            (lambda: gatescope.trace(self.w, self.x, max_mb=0.001), "over max_mb=0.001"),
            (lambda: gatescope.trace(self.w, np.zeros(3)), r"x must have shape"),
        ]
        for fn, message in cases:
            with self.assertRaisesRegex(gatescope.TraceError, message):
                fn()

    def test_show_displays_the_mime_bundle(self):
        shown = []
        display_mod = types.ModuleType("IPython.display")
        display_mod.display = lambda obj, raw=False: shown.append((obj, raw))
        ipy = types.ModuleType("IPython")
        ipy.display = display_mod
        saved = {k: sys.modules.get(k) for k in ("IPython", "IPython.display")}
        sys.modules.update({"IPython": ipy, "IPython.display": display_mod})
        try:
            doc = gatescope.show(self.w, self.x, precision="uint8")
            gatescope.show(doc)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
        self.assertEqual(len(shown), 2)
        bundle, raw = shown[0]
        self.assertTrue(raw)
        self.assertIs(bundle["application/vnd.gatescope.trace+json"], doc)
        self.assertIn("Gatescope trace", bundle["text/plain"])
        self.assertNotIn("image/png", bundle)


if __name__ == "__main__":
    unittest.main()
