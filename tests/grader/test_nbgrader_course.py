"""The nbgrader bridge end to end, with the real nbgrader: its converters, a
real Jupyter kernel and its SQLite gradebook.

`dlgrade nbgrader init` → `nbgrader generate_assignment` → notebooks in
`submitted/STUDENT/ASSIGNMENT/` → `nbgrader autograde` → scores read back
with nbgrader's Gradebook API → `nbgrader generate_feedback`.

Each course is built once per test run (shared by pytest-xdist workers
through a file lock) and only read by the tests.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT
from grader import api, assignments
from grader.bundle import solution_lines
from grader.nbgrader.course import PREPROCESSOR, init_course
from grader.nbgrader.layout import groups, solution_id

BUGGY = FIXTURES / "batchnorm" / "buggy" / "unbiased_normalisation.py"

# Top-level code that is inert in dlgrade's sandbox (no IPython there; and it
# passes dlgrade's static policy) and, in a Jupyter kernel, forges passes the
# ways students have forged them in nbgrader: errors no longer shown,
# AssertionError rebound, the test cells' helper made to print success.
KERNEL_PATCH = '''\
import sys
try:
    _shell = get_ipython()
except NameError:
    _shell = None
if _shell is not None:
    _shell.showtraceback = lambda *args, **kwargs: None
    sys.excepthook = lambda *args, **kwargs: None
    AssertionError = Exception
    import dlgrade_selfcheck
    dlgrade_selfcheck.run_checks = lambda *args, **kwargs: print("all checks passed")

'''


# ------------------------------------------------------------------ helpers
def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``python -m nbgrader ARGS`` in ``course``, with the venv's scripts on
    PATH (nbgrader runs ``alembic`` from PATH to create its gradebook)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)
    if check and done.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-6000:]}")
    return done


def shared_course(tmp_path_factory, name: str, build) -> Path:
    """Build a course once per run, whichever xdist worker asks first."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    course, built = base / name, base / f"{name}.built"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(course, ignore_errors=True)
            course.mkdir()
            build(course)
            built.touch()
    return course


def notebook(course: Path, folder: str, assignment: str) -> dict:
    return json.loads((course / folder / assignment / f"{assignment}.ipynb").read_text())


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def grade_id(cell: dict) -> str | None:
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


def solutions(course: Path, assignment: str) -> dict[str, str]:
    """The instructor's solution cells (from the source notebook)."""
    return {grade_id(c): text(c) for c in notebook(course, "source", assignment)["cells"]
            if c["metadata"].get("nbgrader", {}).get("solution")}


def submit(course: Path, student: str, assignment: str, replace: dict[str, str] | None = None,
           drop: str | None = None) -> None:
    """The released notebook with some cells' source replaced (and the cell
    ``drop`` deleted), as ``student``'s submission."""
    nb = notebook(course, "release", assignment)
    nb["cells"] = [cell for cell in nb["cells"] if grade_id(cell) != drop]
    for cell in nb["cells"]:
        if grade_id(cell) in (replace or {}):
            cell["source"] = replace[grade_id(cell)]
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))
    shutil.copy(course / "release" / assignment / "dlgrade_selfcheck.py", folder)


def scores(course: Path, assignment: str, student: str) -> tuple[float, float, dict[str, float]]:
    """(total, max, grade_id -> auto score) from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return float(sub.score), float(sub.max_score), {g.name: g.auto_score for g in sub.grades}


BN_SOLUTION = solution_id("batchnorm", "BatchNorm2d")
BN_FIRST_TESTS = groups(assignments.get("batchnorm"))[0].grade_id


# ----------------------------------------------------------------- courses
@pytest.fixture(scope="module")
def course(tmp_path_factory, sandboxed) -> Path:
    """Every assignment; students: ref (the reference, every assignment; in
    batchnorm it deleted a test cell), stub, buggy and forger (batchnorm);
    autograded and fed back, without a kernel (the default configuration)."""

    def build(root: Path) -> None:
        init_course(root)
        for name in assignments.available():
            nbgrader(root, "generate_assignment", name)
            submit(root, "ref", name, solutions(root, name), drop=BN_FIRST_TESTS if name == "batchnorm" else None)
        submit(root, "stub", "batchnorm")
        submit(root, "buggy", "batchnorm", {BN_SOLUTION: BUGGY.read_text()})
        submit(root, "forger", "batchnorm", {BN_SOLUTION: KERNEL_PATCH + BUGGY.read_text()})
        for name in assignments.available():
            nbgrader(root, "autograde", name)
        nbgrader(root, "generate_feedback", "batchnorm")

    return shared_course(tmp_path_factory, "nbgrader-course", build)


@pytest.fixture(scope="module")
def kernel_course(tmp_path_factory, sandboxed) -> Path:
    """`init --execute`: nbgrader runs the notebooks in a Jupyter kernel
    before dlgrade scores them; student forger."""

    def build(root: Path) -> None:
        init_course(root, names=["batchnorm"], execute=True)
        nbgrader(root, "generate_assignment", "batchnorm")
        submit(root, "forger", "batchnorm", {BN_SOLUTION: KERNEL_PATCH + BUGGY.read_text()})
        nbgrader(root, "autograde", "batchnorm")

    return shared_course(tmp_path_factory, "nbgrader-kernel-course", build)


@pytest.fixture(scope="module")
def buggy_results():
    """dlgrade's own verdict on the buggy file (what `dlgrade grade` says)."""
    return api.grade("batchnorm", BUGGY)


# ------------------------------------------------------------------- tests
@pytest.mark.slow
def test_release_shows_visible_checks_and_no_solution(course):
    solution = set(solution_lines(ROOT / "reference"))
    for name in assignments.available():
        released = notebook(course, "release", name)
        whole = json.dumps(released)
        assert "HIDDEN TESTS" not in whole and "BEGIN SOLUTION" not in whole
        tests = {grade_id(c): c for c in released["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}
        for group in groups(assignments.get(name)):
            source = text(tests[group.grade_id])
            assert all(f"'{c.number}'" in source for c in group.visible), group.key
            assert not any(f"'{c.number}'" in source or c.name in source for c in group.hidden
                           if not any(v.name == c.name for v in group.visible)), group.key
            assert tests[group.grade_id]["metadata"]["nbgrader"]["points"] == group.points
        leaked = [line for cell in released["cells"] for line in text(cell).splitlines()
                  if line.strip() in solution]
        assert leaked == [], leaked


@pytest.mark.slow
@pytest.mark.parametrize("name", assignments.available())
def test_reference_submitted_as_a_student_gets_full_marks(course, name):
    total, maximum, by_cell = scores(course, name, "ref")
    expected = sum(c.points for c in assignments.get(name).checks(include_hidden=True))
    assert maximum == pytest.approx(expected)
    assert total == pytest.approx(maximum), by_cell


@pytest.mark.slow
def test_a_deleted_test_cell_is_put_back_and_scored(course):
    submitted = notebook(course, "submitted/ref", "batchnorm")["cells"]
    assert BN_FIRST_TESTS not in [grade_id(c) for c in submitted]
    points = groups(assignments.get("batchnorm"))[0].points
    assert scores(course, "batchnorm", "ref")[2][BN_FIRST_TESTS] == pytest.approx(points)


@pytest.mark.slow
def test_released_stub_unchanged_gets_zero(course):
    total, maximum, by_cell = scores(course, "batchnorm", "stub")
    assert maximum > 0
    assert total == 0 and all(score == 0 for score in by_cell.values()), by_cell


@pytest.mark.slow
def test_buggy_submission_gets_dlgrades_partial_marks_per_group(course, buggy_results):
    total, maximum, by_cell = scores(course, "batchnorm", "buggy")
    expected = {g.grade_id: sum(t.score for t in buggy_results.tests if t.check.number in g.numbers)
                for g in groups(assignments.get("batchnorm"))}
    assert by_cell == pytest.approx(expected)
    assert total == pytest.approx(buggy_results.score)
    assert 0 < total < maximum
    points = {g.grade_id: g.points for g in groups(assignments.get("batchnorm"))}
    assert any(0 < by_cell[i] < points[i] for i in by_cell), "no group got partial credit"


@pytest.mark.slow
def test_kernel_patches_in_a_solution_cell_earn_nothing_extra(course, kernel_course):
    buggy = scores(course, "batchnorm", "buggy")[0]
    assert scores(course, "batchnorm", "forger")[0] == pytest.approx(buggy)
    # With nbgrader's Execute kept, the patches really run in the kernel (see
    # the control below) ...
    autograded = notebook(kernel_course, "autograded/forger", "batchnorm")["cells"]
    tests = [c for c in autograded if c["metadata"].get("nbgrader", {}).get("grade")]
    printed = json.dumps([c["outputs"] for c in tests])
    assert "all checks passed" not in printed and "dlgrade checks, forward" in printed  # ... dlgrade's outputs won
    assert scores(kernel_course, "batchnorm", "forger")[0] == pytest.approx(buggy)


@pytest.mark.slow
def test_without_dlgrades_step_the_same_patches_forge_full_marks(kernel_course, tmp_path):
    """The control: the forger's patches do defeat an in-kernel nbgrader
    pipeline, so the test above tests something."""
    plain = tmp_path / "plain"
    shutil.copytree(kernel_course, plain)
    shutil.rmtree(plain / "autograded")
    config = plain / "nbgrader_config.py"
    config.write_text("\n".join(line for line in config.read_text().splitlines() if PREPROCESSOR not in line))
    nbgrader(plain, "autograde", "batchnorm")
    total, maximum, _ = scores(plain, "batchnorm", "forger")
    assert total == maximum > 0


@pytest.mark.slow
def test_feedback_html_holds_the_graders_messages(course):
    buggy = (course / "feedback" / "buggy" / "batchnorm" / "batchnorm.html").read_text()
    assert "dlgrade checks, forward" in buggy
    assert "normalised with the unbiased variance" in buggy           # the fingerprinted mistake
    assert "max abs error" in buggy and "expected" in buggy            # expected-vs-got of a visible check
    assert "details of hidden checks are not shown" in buggy
    stub = (course / "feedback" / "stub" / "batchnorm" / "batchnorm.html").read_text()
    assert "not implemented yet" in stub and "notebook cell batchnorm-solution-BatchNorm2d, line" in stub


@pytest.mark.slow
def test_validate_runs_the_checks_in_a_jupyter_kernel(course):
    stub = nbgrader(course, "validate", "release/batchnorm/batchnorm.ipynb", check=False)
    out = stub.stdout + stub.stderr
    assert "ChecksFailed: 3 of 3 checks failed: 1.1, 1.2, 1.3" in out
