"""The batchnorm check registry is sound: points add up, numbers are
unique, hidden checks differ from visible ones, and every known mistake
is caught by some check (run in-process on the mistake variants)."""

from __future__ import annotations

import pytest

from helpers import verdicts
from grader import fingerprints
from grader.assignments import available, get
from grader.check import HIDDEN, VISIBLE
from grader.mistakes.batchnorm import MISTAKES
from grader.pipeline import oracle_observations


@pytest.mark.parametrize("name", available())
def test_registry_is_consistent(name):
    a = get(name)
    visible, hidden = a.visible, a.hidden()
    assert visible and hidden
    assert all(c.visibility == VISIBLE for c in visible) and all(c.visibility == HIDDEN for c in hidden)
    numbers = [c.number for c in visible + hidden]
    assert len(numbers) == len(set(numbers))
    assert all(c.points > 0 for c in visible + hidden)
    recipes = {fingerprints.probe_key(c) for c in visible}
    assert not any(fingerprints.probe_key(c) in recipes for c in hidden), "a hidden check repeats a visible one"
    for check in visible + hidden:
        expected = oracle_observations(name, check)
        for key in check.keys or ():
            assert key in expected, (check.number, key)


def test_batchnorm_points():
    a = get("batchnorm")
    assert sum(c.points for c in a.visible) == 10
    assert sum(c.points for c in a.hidden()) == 10


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_known_mistake_fails_a_visible_and_a_hidden_check(mistake):
    a = get("batchnorm")
    passed = verdicts("batchnorm", mistake.build(), a.visible + a.hidden())
    caught = {visibility: [c.number for c in checks if not passed[c.number]]
              for visibility, checks in ((VISIBLE, a.visible), (HIDDEN, a.hidden()))}
    assert caught[VISIBLE] and caught[HIDDEN], caught
