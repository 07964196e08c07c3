"""Stubs come from the reference, are never stale, and score zero."""

from __future__ import annotations

import ast

import pytest

from helpers import ROOT
from grader import api, stubs
from grader.assignments import available


def test_assignments_folder_is_not_stale():
    stale = stubs.stale_stubs()
    assert stale == [], f"run `dlgrade stubs`: stale {stale}"


def test_every_available_assignment_has_a_reference_and_a_stub():
    for name in available():
        assert (ROOT / "reference" / f"{name}.py").is_file()
        assert (ROOT / "assignments" / f"{name}.py").is_file()


def test_solution_regions_become_not_implemented_errors():
    source = (
        "def f(x):\n"
        "    '''Doc.'''\n"
        "    y = x + 1\n"
        "    # BEGIN SOLUTION\n"
        "    secret = x * 42\n"
        "    return secret\n"
        "    # END SOLUTION\n"
        "class M:\n"
        "    def g(self):\n"
        "        # BEGIN SOLUTION\n"
        "        return 7\n"
        "        # END SOLUTION\n")
    stub = stubs.make_stub(source, "demo")
    assert "42" not in stub and "return 7" not in stub
    assert 'raise NotImplementedError("f: your code here")' in stub
    assert 'raise NotImplementedError("M.g: your code here")' in stub
    assert "'''Doc.'''" in stub and "y = x + 1" in stub
    ast.parse(stub)


@pytest.mark.parametrize("source,problem", [
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n# END SOLUTION\n", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside the region"),
])
def test_unbalanced_markers_are_errors(source, problem):
    with pytest.raises(ValueError, match=problem):
        stubs.solution_regions(source)


def test_write_stubs_reports_and_fixes_a_stale_file(tmp_path):
    changed = stubs.write_stubs(tmp_path)
    assert {p.name for p in changed} == {f"{n}.py" for n in available()}
    (tmp_path / "batchnorm.py").write_text("edited by hand\n")
    assert [p.name for p in stubs.write_stubs(tmp_path)] == ["batchnorm.py"]
    assert stubs.write_stubs(tmp_path) == []


@pytest.mark.parametrize("name", available())
def test_the_stub_scores_zero(name, sandboxed):
    results = api.grade(name, ROOT / "assignments" / f"{name}.py")
    assert results.score == 0
    assert all("not implemented yet" in t.output for t in results.tests), \
        [t.output for t in results.tests if "not implemented yet" not in t.output][:2]


@pytest.mark.parametrize("name", available())
def test_the_reference_scores_full_marks(name, sandboxed):
    results = api.grade(name, ROOT / "reference" / f"{name}.py")
    assert results.score == results.max_score > 0, [t.output for t in results.tests if not t.passed]
