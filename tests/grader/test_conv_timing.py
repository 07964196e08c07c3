"""Slow conv submissions: past a check's time limit the check fails as "too
slow", alone; the child restarts and the checks after it still run.

The correct loop-based fixture (correct/loops_over_outputs.py) getting full
marks on the real checks is test_fixtures.py's job; the figures for loop
and vectorised code are in benchmarks/bench_conv.py.
"""

from __future__ import annotations

from helpers import FIXTURES
from grader import pipeline
from grader.assignments import get
from grader.checks.conv import call, tensor
from grader.sandbox import Limits, describe

SCALAR_LOOPS = FIXTURES / "conv" / "slow" / "scalar_loops.py"
LIMIT = 2.0


def test_a_check_past_its_limit_fails_as_too_slow_and_alone(sandboxed):
    conv = get("conv")
    by_number = {c.number: c for c in conv.visible}
    # ~250k multiply-adds, one Python iteration each: minutes in the sandbox, far past LIMIT
    # (the real checks keep this submission under 1 s each: see benchmarks/bench_conv.py).
    big = call("9.1", "conv_transpose2d: a large input", 1.0, "conv_transpose2d", tensor((2, 8, 16, 16), 1),
               {"stride": 2}, weight=tensor((8, 8, 3, 3), 2))
    checks = (by_number["1.1"], big, by_number["1.13"])
    ctx = pipeline.Context(assignment=conv, path=SCALAR_LOOPS, checks=checks, sandbox=describe(),
                           limits=Limits(max_check_seconds=LIMIT))
    results = {t.check.number: t for t in pipeline.run(ctx).tests}
    assert results["1.1"].passed and results["1.13"].passed, [t.output for t in results.values()]
    slow = results["9.1"]
    assert not slow.passed
    assert f"too slow: stopped after {LIMIT:g} s (the limit for this check)" in slow.output
    assert "vectorise Python loops" in slow.output
