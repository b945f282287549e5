"""Tests of gatescope.compare (issue 14): two torch modules, or one module on two inputs.

Run by `npm run test:python` (against the installed package) or
`/usr/bin/python3 -m unittest discover -s test/python -v` (against the source tree).
"""
import copy
import json
import os
import sys
import unittest

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
try:
    import gatescope
except ImportError:
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import gatescope
from gatescope.compare import abs_diff, diff_gate  # noqa: E402
from gatescope.unit_alignment import align_units, min_cost_assignment  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


class DiffGateTest(unittest.TestCase):
    def test_constant_offset_closed_forms(self):
        a = np.full((2, 5, 3), 0.5, dtype=np.float32)
        b = np.full((2, 5, 3), 0.375, dtype=np.float32)
        s = diff_gate(a, b, None, 0.1)
        self.assertEqual(s["maxAbsDiff"], 0.125)
        self.assertEqual(s["rms"], 0.125)
        self.assertAlmostEqual(s["sqnrDb"], 20 * np.log10(0.5 / 0.125), places=12)
        self.assertEqual(s["firstDivergentStep"], 0)

    def test_first_step_worst_cell_and_masks(self):
        a = np.zeros((2, 8, 4), dtype=np.float32)
        b = a.copy()
        b[1, 5, 3] = 0.5
        b[0, 7, 2] = -0.25
        b[1, 7, 0] = 9.0  # masked: batch item 1 has 7 valid steps
        s = diff_gate(a, b, [8, 7], 0.01)
        self.assertEqual(s["firstDivergentStep"], 5)
        self.assertEqual(s["worst"], {"unit": 3, "step": 5, "batch": 1})
        self.assertEqual(s["maxAbsDiff"], 0.5)

    def test_identical_runs_have_no_sqnr_and_no_divergence(self):
        a = np.sin(np.arange(24, dtype=np.float32)).reshape(1, 8, 3)
        s = diff_gate(a, a.copy(), None, 0.0)
        self.assertEqual((s["maxAbsDiff"], s["sqnrDb"], s["firstDivergentStep"]), (0.0, None, None))

    def test_non_finite_values(self):
        self.assertEqual(abs_diff(np.nan, np.nan), 0)
        self.assertEqual(abs_diff(np.inf, np.inf), 0)
        self.assertEqual(abs_diff(np.nan, 1.0), np.inf)
        self.assertEqual(abs_diff(-np.inf, np.inf), np.inf)


class UnitAlignmentTest(unittest.TestCase):
    def test_min_cost_assignment_matches_brute_force(self):
        import itertools

        rng = np.random.default_rng(8)
        for trial in range(120):
            n = 1 + trial % 6
            c = rng.integers(0, 4, (n, n)).astype(float) if trial % 3 == 0 else rng.standard_normal((n, n))
            col = min_cost_assignment(c)
            self.assertEqual(sorted(col.tolist()), list(range(n)))
            best = min(sum(c[i, p[i]] for i in range(n)) for p in itertools.permutations(range(n)))
            self.assertAlmostEqual(sum(c[i, col[i]] for i in range(n)), best, places=9)

    def test_recovers_a_shuffled_order_of_units(self):
        rng = np.random.default_rng(9)
        a = np.tanh(rng.standard_normal((2, 50, 7))).astype(np.float32)
        perm = [3, 6, 0, 5, 1, 4, 2]
        b = np.empty_like(a)
        b[:, :, perm] = a  # b's unit perm[u] holds a's unit u
        self.assertEqual(align_units(a, b, [50, 31]), perm)


@unittest.skipIf(torch is None, "torch is not installed")
class CompareModulesTest(unittest.TestCase):
    def test_one_module_two_inputs_that_agree_before_step_k(self):
        torch.manual_seed(3)
        gru = torch.nn.GRU(4, 6, num_layers=2)
        x = torch.randn(30, 2, 4)
        k = 17
        x_b = x.clone()
        x_b[k, 1, 2] += 0.5  # batch item 1 only
        c = gatescope.compare(gru, gru, x, x_b=x_b)
        self.assertFalse(c.passed)
        self.assertEqual(c.summary["firstDivergentStep"], k)
        for s in c.stats:
            self.assertEqual(s["firstDivergentStep"], k, s)
            self.assertEqual(s["worst"]["batch"], 1)
            self.assertGreaterEqual(s["worst"]["step"], k)

    def test_int8_weights_against_float_match_pytorch_outputs(self):
        torch.manual_seed(4)
        lstm = torch.nn.LSTM(5, 7)
        q = copy.deepcopy(lstm)
        with torch.no_grad():
            for p in q.parameters():
                scale = p.abs().max() / 127
                p.copy_(torch.round(p / scale) * scale)
        x = torch.randn(40, 3, 5)
        c = gatescope.compare(lstm, q, x, labels=("float", "int8"))
        with torch.no_grad():
            ya = lstm(x)[0].double().numpy()
            yb = q(x)[0].double().numpy()
        # The LSTM's output y is h of its only layer: PyTorch's own numbers for gate h.
        h = next(s for s in c.stats if s["gate"] == "h")
        self.assertAlmostEqual(h["maxAbsDiff"], float(np.abs(ya - yb).max()), delta=1e-5)
        sqnr = 10 * np.log10((ya ** 2).sum() / ((ya - yb) ** 2).sum())
        self.assertAlmostEqual(h["sqnrDb"], sqnr, delta=0.01)
        self.assertEqual([s["gate"] for s in c.stats], ["i", "f", "g", "o", "c", "h"])
        self.assertEqual(c.document["compare"]["a"], {"label": "float"})

    def test_identical_modules_pass_and_the_document_holds_both_runs(self):
        torch.manual_seed(5)
        rnn = torch.nn.RNN(3, 4, bidirectional=True)
        x = torch.randn(9, 1, 3)
        c = gatescope.compare(rnn, copy.deepcopy(rnn), x)
        self.assertTrue(c.passed)
        self.assertEqual(c.summary["maxAbsDiff"], 0.0)
        self.assertIsNone(c.summary["firstDivergentStep"])
        doc = c.document
        self.assertEqual(doc["version"], 2)
        self.assertEqual([l.get("run", "a") for l in doc["layers"]], ["a", "a", "b", "b"])
        self.assertEqual(len(doc["compare"]["stats"]), 2)
        json.dumps(doc, allow_nan=False)
        bundle = c._repr_mimebundle_()
        self.assertIs(bundle[gatescope.MIME], doc)
        self.assertIn("within tolerance", bundle["text/plain"])

    def test_align_units_matches_a_module_with_its_hidden_units_reordered(self):
        torch.manual_seed(6)
        gru = torch.nn.GRU(3, 5)
        perm = torch.tensor([2, 4, 0, 1, 3])
        shuffled = copy.deepcopy(gru)
        with torch.no_grad():
            # New unit k is old unit perm[k]: permute rows of every gate block and the columns of weight_hh.
            rows = torch.cat([perm + g * 5 for g in range(3)])
            shuffled.weight_ih_l0.copy_(gru.weight_ih_l0[rows])
            shuffled.weight_hh_l0.copy_(gru.weight_hh_l0[rows][:, perm])
            shuffled.bias_ih_l0.copy_(gru.bias_ih_l0[rows])
            shuffled.bias_hh_l0.copy_(gru.bias_hh_l0[rows])
        x = torch.randn(40, 2, 3)
        self.assertFalse(gatescope.compare(gru, shuffled, x).passed)
        c = gatescope.compare(gru, shuffled, x, align_units=True)
        self.assertTrue(c.passed, c.table())
        # a's unit u is shuffled's unit inverse[u].
        inverse = torch.argsort(perm).tolist()
        self.assertEqual(c.document["compare"]["unitAlignment"], [{"layer": 0, "direction": "forward", "permutation": inverse}])

    def test_runs_that_do_not_line_up_are_refused_in_one_message(self):
        x = torch.randn(5, 1, 3)
        with self.assertRaises(gatescope.TraceError) as e:
            gatescope.compare(torch.nn.GRU(3, 4), torch.nn.GRU(3, 6), x)
        self.assertEqual(str(e.exception), "a and b do not line up: layer 0 forward has 4 units in a and 6 in b; "
                                           "compare two runs of the same network shape (same cell kind, units and steps)")
        with self.assertRaises(gatescope.TraceError):
            gatescope.compare(torch.nn.GRU(3, 4), torch.nn.GRU(3, 4), x, tolerance=-1)


if __name__ == "__main__":
    unittest.main()
