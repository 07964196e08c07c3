"""A check's ``derive`` (grader/check.py): parent-side code that turns raw
observations into the ones compared. It is applied alike to the oracle's,
to the submission's (as the child reported them) and to each known
mistake's, and a derive that fails on malformed observations leaves
nothing to compare rather than crashing the grader."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from grader import fingerprints, pipeline
from grader.assignments import get
from grader.mistakes.batchnorm import MISTAKES
from grader.runner import ChildReport, Outcome
from grader.sandbox import Limits, SandboxInfo

BATCHNORM = get("batchnorm")


def _largest(args, raw):
    """The largest output, rounded: equal for any two close outputs."""
    return {"largest output": round(float(np.max(raw["0.out"].array)), 3), "channels": args["C"]}


def _broken(args, raw):
    raise KeyError("no such observation")


def _check(derive):
    return dataclasses.replace(BATCHNORM.visible[0], derive=derive, keys=None)


def _graded(check, observations):
    ctx = pipeline.Context(assignment=BATCHNORM, path=None, checks=(check,), limits=Limits(),
                           sandbox=SandboxInfo(False, "none", "in-process test"),
                           child=ChildReport(outcomes={check.id: Outcome(observations=observations)}))
    pipeline.compare_step(ctx)
    return ctx


def test_the_oracle_and_the_submission_are_compared_after_derive():
    check = _check(_largest)
    expected = pipeline.oracle_observations("batchnorm", check)
    assert set(expected) == {"largest output", "channels"} and expected["channels"] == 3
    raw = fingerprints.run_probe("batchnorm", BATCHNORM.oracle(), check)
    assert _graded(check, raw).reasons == {}
    raw["0.out"].array = raw["0.out"].array * 2          # a different largest output
    ctx = _graded(check, raw)
    assert [p.key for p in ctx.problems[check.id]] == ["largest output"]


def test_known_mistakes_are_derived_too():
    check = _check(_largest)
    source = fingerprints.Live("batchnorm", MISTAKES)
    observed = [source.observations(i, check) for i in range(len(MISTAKES))]
    assert all(set(o) == {"largest output", "channels"} for o in observed if o is not None)


def test_a_failing_derive_leaves_nothing_to_compare_but_fails_loudly_on_the_oracle():
    check = dataclasses.replace(_check(_broken), keys=("largest output",))
    assert check.observe({"0.out": 1}) == {}
    assert check.observe("not a dict") == "not a dict"
    ctx = _graded(dataclasses.replace(check, derive=_largest), {"0.out": "not a tensor"})
    assert [p.message for p in ctx.problems[check.id]] == ["was not observed"]
    with pytest.raises(KeyError):
        pipeline.oracle_observations("batchnorm", check)
