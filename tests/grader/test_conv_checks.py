"""The conv checks, mistakes and forbidden-call rules, in-process (no sandbox):

* points per function add up (partial credit per function and module);
* the mistakes' bug-free base equals torch on every check, so each flag is
  one bug; every known mistake fails a visible and a hidden check, and the
  pipeline's own compare and fingerprint steps name it from its numbers;
  each has a buggy fixture that declares it (graded in the sandbox by
  test_fixtures.py, which asserts the id in TestResult.mistakes);
* the static scan and the run-time tripwire catch every forbidden route
  (F.unfold/F.fold included) and leave the allowed ones alone (F.pad,
  Tensor.unfold, einsum: the reference runs clean under the tripwire);
* framework: a forbidden name imported at top level costs only the checks
  that reach it (grader/policy.py change made for this multi-function
  assignment).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict

import pytest
import torch
import torch.nn.functional as F

from helpers import expectation, fixture_files
from grader import fingerprints, pipeline
from grader.assignments import get
from grader.check import HIDDEN, VISIBLE
from grader.child.tripwire import Tripwire
from grader.compare import compare
from grader.mistakes.conv import CORRECT, MISTAKES
from grader.pipeline import oracle_observations
from grader.policy import EVASION, FORBIDDEN, Rules, scan
from grader.runner import ChildReport, Outcome
from grader.sandbox import Limits, SandboxInfo

CONV = get("conv")
CHECKS = CONV.visible + CONV.hidden()
RULES = Rules(CONV.forbidden_functions, CONV.forbidden_aten, CONV.forbidden_prefixes)


def test_points_per_function():
    by_group = defaultdict(float)
    for check in CHECKS:
        by_group[check.group] += check.points
        assert check.targets == (check.group,), check.number   # each check exercises one graded name
    assert dict(by_group) == {"conv2d": 10.5, "conv_transpose2d": 8.5, "max_pool2d": 6.0, "Conv2d": 4.0,
                              "ConvTranspose2d": 3.5}
    assert sum(c.points for c in CONV.visible) == 20
    assert sum(c.points for c in CONV.hidden()) == 12.5


def test_every_function_has_forward_and_gradient_checks_in_float64_and_tuples():
    for fn in ("conv2d", "conv_transpose2d", "max_pool2d"):
        calls = [c for c in CHECKS if c.probe == "functional" and c.args["fn"] == fn]
        assert any(c.args["backward"] for c in calls if c.visibility == VISIBLE), fn
        assert any(not c.args["backward"] for c in calls if c.visibility == VISIBLE), fn
        assert any(isinstance(v, list) for c in calls for v in c.args["kwargs"].values()), fn   # (h, w) pairs
        assert any(isinstance(v, int) and k != "groups" for c in calls for k, v in c.args["kwargs"].items()), fn


def _failures(api, checks):
    """Numbers of the checks ``api`` fails (an exception counts as a failure)."""
    failed = []
    for check in checks:
        try:
            got = fingerprints.run_probe("conv", api, check)
        except Exception:  # noqa: BLE001 - a variant may crash where its bug changes shapes
            failed.append(check.number)
            continue
        if compare(oracle_observations("conv", check), got, check.keys, check.tolerance):
            failed.append(check.number)
    return failed


def test_the_mistakes_bug_free_base_passes_every_check():
    assert _failures(CORRECT(), CHECKS) == []


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_known_mistake_fails_a_visible_and_a_hidden_check(mistake):
    failed = set(_failures(mistake.build(), CHECKS))
    assert failed & {c.number for c in CONV.visible}, mistake.id
    assert failed & {c.number for c in CONV.hidden()}, mistake.id


def _graded_from_observations(api) -> pipeline.Context:
    """Run the pipeline's compare and fingerprint steps on ``api``'s observations
    as if a sandboxed child had reported them."""
    outcomes = {}
    for check in CHECKS:
        try:
            outcomes[check.id] = Outcome(observations=fingerprints.run_probe("conv", api, check))
        except Exception as exc:  # noqa: BLE001
            outcomes[check.id] = Outcome(error={"type": type(exc).__name__, "message": str(exc), "where": None})
    ctx = pipeline.Context(assignment=CONV, path=None, checks=CHECKS, sandbox=SandboxInfo(False, "none", "test"),
                           limits=Limits(), child=ChildReport(outcomes=outcomes))
    pipeline.compare_step(ctx)
    pipeline.fingerprint_step(ctx)
    return ctx


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_fingerprinting_names_each_mistake_on_a_visible_check(mistake):
    ctx = _graded_from_observations(mistake.build())
    named = {check_id: {m.id for m, _ in found} for check_id, found in ctx.mistakes.items()}
    on_visible = {c for c, ids in named.items() if mistake.id in ids and not c.startswith("2.")}
    assert on_visible, (mistake.id, named)
    # and where it is named, it is named alone: the checks tell the mistakes apart
    assert all(ids == {mistake.id} for c, ids in named.items() if mistake.id in ids), named


def test_every_mistake_has_a_buggy_fixture_that_expects_it():
    declared = {m for path in fixture_files("conv", "buggy") for m in expectation(path).mistakes}
    assert declared == {m.id for m in MISTAKES}


# ------------------------------------------------------------ forbidden calls
def _findings(source: str, kind: str = FORBIDDEN) -> list[str]:
    return [f.name for f in scan(textwrap.dedent(source), RULES).findings if f.kind == kind]


@pytest.mark.parametrize("source", [
    "import torch.nn.functional as F\ndef f(x): return F.unfold(x, 3)",
    "import torch.nn.functional as F\ndef f(x): return F.fold(x, (4, 4), 2)",
    "from torch import nn\nu = nn.Unfold(3)",
    "import torch.nn as nn\nclass Up(nn.Fold): pass",
    "import torch\ndef f(x, w): return torch.conv2d(x, w)",
    "import torch\ndef f(x, w): return torch.convolution(x, w, None, [1], [0], [1], False, [0], 1)",
    "from torch.nn.functional import conv_transpose2d as up\ndef f(x, w): return up(x, w)",
    "import torch\ndef f(x): return torch.ops.aten.add(x, x)",           # all of torch.ops.aten, for conv
    "from torch.ops import aten\ndef f(x): return aten.mul(x, 2)",
    "import torch.nn as nn\nclass C(nn.Conv2d): pass",
    "from torch.nn.modules.conv import ConvTranspose2d as T\nm = T(2, 3, 1)",
    "import torch.nn.functional as F\ndef f(x): return F.max_pool2d_with_indices(x, 2)",
    "import torch\ndef f(x): return torch.max_pool2d(x, 2)",
    "from torch import nn\np = nn.MaxPool2d(2)",
    "import torch.nn.grad as g\ndef f(s, w, x): return g.conv2d_input(s, w, x)",
])
def test_static_scan_finds_each_forbidden_route(source):
    assert _findings(source), source


@pytest.mark.parametrize("source", [
    "import torch.nn.functional as F\ndef f(x): return F.pad(x, (1, 1, 1, 1), value=float('-inf'))",
    "import torch\ndef f(x): return x.unfold(2, 3, 1).unfold(3, 3, 1)",
    "import torch\ndef f(x): return torch.Tensor.unfold(x, 2, 3, 1)",
    "import torch\ndef f(x, w): return torch.einsum('nchw,oc->nohw', x, w)",
    "import torch\ndef f(x): return torch.nn.functional.adaptive_avg_pool2d(x, 1)",
    "from torch import nn\nclass M(nn.Module): pass\np = nn.Parameter(torch.zeros(2))",
])
def test_static_scan_allows_the_allowed_routes(source):
    assert _findings(source) == [] and _findings(source, EVASION) == []


def test_a_forbidden_import_costs_only_the_checks_that_reach_it():
    """Framework (grader/policy.py): `from m import f as g` at top level is
    charged like `g = m.f`, to the names that use g, not to every check;
    evasions imported at top level still cost everything."""
    result = scan(textwrap.dedent("""
        import torch
        from torch.nn.functional import fold as col2im
        from torch.nn.functional import max_pool2d

        def conv2d(x, w):
            return torch.einsum("nchw,oc->nohw", x, w[:, :, 0, 0])

        def conv_transpose2d(x, w):
            return col2im(x, (4, 4), 2)
    """), RULES)
    assert result.tainted(["conv2d"]) == []
    assert {f.name for f in result.tainted(["conv_transpose2d"])} == {"torch.nn.functional.fold"}
    assert {f.scope for f in result.tainted(["max_pool2d"])} == {"max_pool2d"}   # the target is the import itself
    evasive = scan("from torch._decomp import decompositions as d\ndef conv2d(x): return x\n", RULES)
    assert [f.scope for f in evasive.tainted(["conv2d"])] == [None]


def _hits(fn) -> list[str]:
    wire = Tripwire(CONV.forbidden_functions, CONV.forbidden_aten)
    with wire:
        fn()
    return wire.take()


X = torch.randn(1, 2, 6, 6, dtype=torch.float64, requires_grad=True)
W = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("call,hit", [
    (lambda: F.unfold(X, 3), "unfold"),
    (lambda: F.fold(F.unfold(X, 3), (6, 6), 3), "fold"),
    (lambda: F.conv2d(X, W), "conv2d"),
    (lambda: F.conv_transpose2d(X, W.transpose(0, 1)), "conv_transpose2d"),
    (lambda: F.max_pool2d(X, 2), "max_pool2d"),
    (lambda: torch.ops.aten.convolution(X, W, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1), "convolution"),
    (lambda: torch.ops.aten.im2col(X, [3, 3], [1, 1], [0, 0], [1, 1]), "im2col"),
    (lambda: torch.nn.grad.conv2d_input(X.shape, W, torch.randn(1, 3, 4, 4, dtype=torch.float64)), "conv"),
])
def test_tripwire_catches_forbidden_calls_at_run_time(call, hit):
    hits = _hits(call)
    assert any(hit in h for h in hits), hits


def test_tripwire_leaves_the_reference_alone_forward_and_backward():
    from reference import conv as ref

    def run():
        w_t = W.detach().transpose(0, 1).contiguous().requires_grad_()
        outs = [ref.conv2d(X, W, stride=2, padding=1, dilation=(1, 2)),
                ref.conv2d(X, W[:2, :1].contiguous(), groups=2),
                ref.conv_transpose2d(X, w_t, stride=2, padding=1, output_padding=1),
                ref.max_pool2d(X, 3, 2, 1),
                ref.Conv2d(2, 3, 2).double()(X), ref.ConvTranspose2d(2, 3, 2).double()(X)]
        sum(o.sum() for o in outs).backward()

    assert _hits(run) == []
