"""The lstm checks, mistakes and forbidden-call rules, in-process (no sandbox):

* points add up per part (LSTMCell and LSTM), every part has visible and
  hidden checks, float64 everywhere but the float32 checks;
* the mistakes' bug-free base equals torch on every check (so each flag is
  one bug); every known mistake fails a visible and a hidden check, and
  the pipeline's own compare and fingerprint steps name it from its
  numbers on a visible check; each has a buggy fixture that declares it;
* the static scan and the run-time tripwire catch nn.LSTM/nn.LSTMCell,
  torch.lstm/lstm_cell, torch._VF and torch.ops.aten, however reached, and
  leave the reference's plain tensor operations alone.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import torch

from helpers import expectation, fixture_files, named_mistakes, verdicts
from grader.assignments import get
from grader.check import FLOAT32, FLOAT64, HIDDEN, VISIBLE
from grader.child.tripwire import Tripwire
from grader.mistakes.lstm import CORRECT, MISTAKES
from grader.policy import FORBIDDEN, Rules, scan

LSTM = get("lstm")
CHECKS = LSTM.visible + LSTM.hidden()
RULES = Rules(LSTM.forbidden_functions, LSTM.forbidden_aten, LSTM.forbidden_prefixes)


def test_points_per_part_and_visibility():
    points = defaultdict(float)
    for check in CHECKS:
        points[check.group, check.visibility] += check.points
        assert check.targets == (check.group,), check.number
    assert dict(points) == {("LSTMCell", VISIBLE): 4.0, ("LSTM", VISIBLE): 6.0,
                            ("LSTMCell", HIDDEN): 4.0, ("LSTM", HIDDEN): 6.0}


def test_float64_everywhere_but_the_float32_checks():
    for check in CHECKS:
        expected = FLOAT32 if check.args.get("dtype") == "float32" else FLOAT64
        assert check.tolerance == expected, check.number
    assert {c.visibility for c in CHECKS if c.tolerance == FLOAT32} == {VISIBLE, HIDDEN}


def test_hidden_checks_reach_further_than_the_visible_ones():
    longest = {v: max(c.args.get("L", 0) for c in CHECKS if c.visibility == v) for v in (VISIBLE, HIDDEN)}
    assert longest[HIDDEN] >= 2 * longest[VISIBLE] - 1
    assert any(c.args.get("L") == 1 and c.args.get("N") == 1 for c in LSTM.hidden())


def _verdicts(api) -> dict[str, bool]:
    return verdicts("lstm", api, CHECKS)


def test_the_mistakes_bug_free_base_passes_every_check():
    verdicts = _verdicts(CORRECT())
    assert all(verdicts.values()), [n for n, ok in verdicts.items() if not ok]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_known_mistake_fails_a_visible_and_a_hidden_check(mistake):
    failed = {n for n, ok in _verdicts(mistake.build()).items() if not ok}
    assert any(n.startswith("1.") for n in failed), failed
    assert any(n.startswith("2.") for n in failed), failed


def _fingerprinted(api) -> dict[str, set[str]]:
    return named_mistakes("lstm", api, CHECKS)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_the_pipeline_names_each_mistake_alone_on_a_visible_check(mistake):
    named = _fingerprinted(mistake.build())
    assert any(ids == {mistake.id} for number, ids in named.items() if number.startswith("1.")), named


def test_every_mistake_has_a_buggy_fixture_that_expects_it():
    declared = {m for path in fixture_files("lstm", "buggy") for m in expectation(path).mistakes}
    assert declared == {m.id for m in MISTAKES}


# ------------------------------------------------------------ forbidden calls
@pytest.mark.parametrize("source,name", [
    ("import torch\nclass LSTM(torch.nn.LSTM): pass\n", "torch.nn.LSTM"),
    ("from torch import nn\nclass LSTMCell(nn.LSTMCell): pass\n", "torch.nn.LSTMCell"),
    ("from torch.nn import RNNCellBase as B\nclass LSTMCell(B): pass\n", "torch.nn.RNNCellBase"),
    ("import torch\ndef LSTMCell(x, s, a, b): return torch.lstm_cell(x, s, a, b)\n", "torch.lstm_cell"),
    ("import torch\ndef LSTM(*a): return torch._VF.lstm(*a)\n", "torch._VF.lstm"),
    ("import torch\ndef LSTM(*a): return torch.ops.aten.mm(*a)\n", "torch.ops.aten.mm"),
    ("import torch\ndef LSTM(*a): return torch.ops.aten.lstm.input(*a)\n", "torch.ops.aten.lstm.input"),
    ("from torch import gru_cell as step\ndef LSTMCell(*a): return step(*a)\n", "torch.gru_cell"),
])
def test_static_scan_names_forbidden_routes(source, name):
    findings = scan(source, RULES).tainted(["LSTM", "LSTMCell"])
    assert any(f.kind == FORBIDDEN and f.name.startswith(name) for f in findings), findings


def test_static_scan_allows_plain_tensor_operations():
    source = ("import torch\nfrom torch import nn\n"
              "class LSTMCell(nn.Module):\n"
              "    def forward(self, x, s):\n"
              "        z = torch.einsum('ni,gi->ng', x, self.w) + nn.functional.linear(s[0], self.u)\n"
              "        i, f, g, o = torch.chunk(z, 4, 1)\n"
              "        return torch.sigmoid(i) * torch.tanh(g), torch.stack([f, o]).sum(0)\n")
    assert scan(source, RULES).tainted(["LSTMCell"]) == []


def _hits(run) -> list[str]:
    wire = Tripwire(LSTM.forbidden_functions, LSTM.forbidden_aten)
    with wire:
        run()
    return wire.take()


def _x(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


@pytest.mark.parametrize("run", [
    pytest.param(lambda: torch.nn.LSTM(3, 4)(_x(5, 2, 3)), id="nn.LSTM-float32"),
    pytest.param(lambda: torch.nn.LSTM(3, 4).double()(_x(5, 2, 3, dtype=torch.float64)), id="nn.LSTM-float64"),
    pytest.param(lambda: torch.nn.LSTMCell(3, 4)(_x(2, 3)), id="nn.LSTMCell"),
    pytest.param(lambda: getattr(torch._VF, "lstm_" + "cell")(_x(2, 3), (_x(2, 4), _x(2, 4)), _x(16, 3),
                                                              _x(16, 4)), id="_VF-built-name"),
    pytest.param(lambda: torch.nn.GRUCell(3, 4)(_x(2, 3)), id="nn.GRUCell"),
    pytest.param(lambda: torch.ops.aten.lstm_cell(_x(2, 3), [_x(2, 4), _x(2, 4)], _x(16, 3), _x(16, 4)),
                 id="aten.lstm_cell"),
])
def test_tripwire_catches_forbidden_calls_at_run_time(run):
    assert _hits(run), "no forbidden call recorded"


def test_tripwire_leaves_the_reference_alone_forward_and_backward():
    from reference import lstm as ref

    def run():
        out, (h, c) = ref.LSTM(3, 4, batch_first=True).double()(_x(2, 5, 3, dtype=torch.float64))
        h2, c2 = ref.LSTMCell(3, 4)(_x(2, 3))
        h3, _ = ref.LSTMCell(3, 4, bias=False)(_x(2, 3), (h2, c2))
        (out.sum() + h.sum() + c.sum() + h3.sum()).backward()

    assert _hits(run) == []
