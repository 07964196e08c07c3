"""Every fixture submission gets the score its header promises.

tests/fixtures/submissions/ASSIGNMENT/{correct,buggy,hostile}/*.py each start
with ``# expect: full | zero | loses | at most X`` and optionally
``# expect-message: TEXT`` (TEXT must appear in a failed check's output) and
``# expect-mistake: ID`` (the fingerprinting must name that known mistake).
New assignments add fixture files; this test picks them up.
"""

from __future__ import annotations

import pytest

from helpers import FIXTURES, expectation
from grader import api, assignments
from grader.sandbox import Limits

CASES = [pytest.param(a, path, id=f"{a}/{path.parent.name}/{path.stem}")
         for a in assignments.available()
         for kind in ("correct", "buggy", "hostile")
         for path in sorted((FIXTURES / a / kind).glob("*.py"))]

# Hostile fixtures are bounded; these limits keep a slow one from stalling the suite.
# Correct and buggy ones are graded as the course grades them, with each
# check's own time limit (a training check may take seconds under load).
QUICK = Limits(max_check_seconds=4, wall_seconds=25)


def test_fixture_counts_meet_the_bar():
    for a in assignments.available():
        counts = {k: len(list((FIXTURES / a / k).glob("*.py"))) for k in ("correct", "buggy")}
        assert counts["correct"] >= 5, (a, counts)
        assert counts["buggy"] >= 10, (a, counts)


@pytest.mark.parametrize("assignment,path", CASES)
def test_fixture_scores_as_expected(assignment, path, sandboxed):
    expect = expectation(path)
    results = api.grade(assignment, path, limits=QUICK if path.parent.name == "hostile" else None)
    summary = {t.check.number: (t.status, t.output[:300]) for t in results.tests if not t.passed}
    assert results.max_score > 0
    if expect.kind == "full":
        assert results.score == results.max_score, summary
    elif expect.kind == "zero":
        assert results.score == 0, [t.check.number for t in results.tests if t.passed]
    elif expect.kind == "loses":
        assert results.score < results.max_score
    else:
        assert results.score <= expect.bound, [t.check.number for t in results.tests if t.passed]
    failed_text = "\n".join(t.output for t in results.tests if not t.passed)
    for message in expect.messages:
        assert message in failed_text
    named = {m for t in results.tests for m in t.mistakes}
    for mistake in expect.mistakes:
        assert mistake in named, (mistake, named)
