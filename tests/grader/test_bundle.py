"""The student bundle has no solutions and no hidden checks, and
`dlgrade check` works from it alone."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import ROOT, run_from_bundle
from grader import assignments, bundle
from grader.errors import BundleError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student"
    bundle.write_bundle(out)
    return out


def test_bundle_layout(built):
    assert (built / "pyproject.toml").is_file() and (built / "README.md").is_file()
    for name in assignments.available():
        assert (built / "assignments" / f"{name}.py").is_file()
        assert (built / "grader" / "fingerprint_data" / f"{name}.json").is_file()
    for absent in ("reference", "grader/hidden", "grader/mistakes", "grader/nbgrader"):
        assert not (built / absent).exists(), absent


def test_no_solution_line_and_no_hidden_check_inside(built):
    assert bundle.find_leaks(built, ROOT / "reference") == []
    text = "\n".join(p.read_text(errors="ignore") for p in built.rglob("*") if p.is_file())
    for line in bundle.solution_lines(ROOT / "reference"):
        assert line not in text.splitlines()
    for name in assignments.available():
        for check in assignments.get(name).hidden():
            assert json.dumps(dict(check.args), sort_keys=True) not in text


def test_a_planted_leak_is_caught(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    line = next(iter(bundle.solution_lines(ROOT / "reference")))
    (copy / "assignments" / "notes.py").write_text(f"    {line}\n")
    assert any("solution line" in leak for leak in bundle.find_leaks(copy, ROOT / "reference"))


def test_refuses_a_non_empty_target(tmp_path):
    (tmp_path / "x").write_text("")
    with pytest.raises(BundleError, match="not empty"):
        bundle.write_bundle(tmp_path)


def test_check_works_from_the_bundle(built, tmp_path, sandboxed):
    submission = tmp_path / "batchnorm.py"
    shutil.copy(ROOT / "reference" / "batchnorm.py", submission)
    done = run_from_bundle(built, "check", "batchnorm", str(submission), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["score"] == payload["max_score"] == 10.0
    assert {t["visibility"] for t in payload["tests"]} == {"visible"}


def test_bundle_names_mistakes_from_recorded_fingerprints(built, tmp_path, sandboxed):
    buggy = ROOT / "tests" / "fixtures" / "submissions" / "batchnorm" / "buggy" / "inverted_momentum.py"
    done = run_from_bundle(built, "check", "batchnorm", str(buggy), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tags = {tag for t in json.loads(done.stdout)["tests"] for tag in t.get("tags", [])}
    assert tags == {"inverted-momentum"}


def test_grade_in_the_bundle_says_hidden_checks_are_absent(built, tmp_path):
    submission = tmp_path / "batchnorm.py"
    shutil.copy(ROOT / "assignments" / "batchnorm.py", submission)
    done = run_from_bundle(built, "grade", "batchnorm", str(submission), cwd=tmp_path)
    assert done.returncode != 0
    assert "hidden checks" in done.stderr and "Traceback" not in done.stderr
