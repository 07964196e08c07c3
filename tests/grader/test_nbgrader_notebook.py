"""The nbgrader bridge's parts, without running nbgrader's apps: the
generated notebooks, the graded code, the course config, the verdict
outputs (read back with nbgrader's own grade rule) and the test cells'
helper."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from nbgrader.utils import determine_grade
from traitlets.config.loader import PyFileConfigLoader

from grader import assignments, stubs
from grader.check import HIDDEN
from grader.errors import SubmissionError
from grader.nbgrader import NbgraderError, course, notebook, preprocessor, selfcheck
from grader.nbgrader.layout import groups, slug
from grader.nbgrader.layout import test_index as cells_by_grade_id
from grader.nbgrader.markdown import docstring_to_markdown
from grader.results import Results
from grader.results import TestResult as Outcome

AVAILABLE = assignments.available()


def source_notebook(name: str) -> nbformat.NotebookNode:
    spec = assignments.get(name)
    return nbformat.from_dict(notebook.build(spec, (stubs.reference_dir() / f"{name}.py").read_text()))


def released(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What nbgrader's ClearSolutions and ClearHiddenTests make of it."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    return nb


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def results_for(name: str, passed) -> Results:
    """Results where check ``c`` passed iff ``passed(c)``."""
    tests = [Outcome(c, passed=passed(c), output="" if passed(c) else
                        "- output: max abs error 0.1 (expected 1, got 1.1)\nLikely mistake: you did X.")
             for c in assignments.get(name).checks(include_hidden=True)]
    return Results(name, "nb.py", tests, sandbox={"isolated": True})


# ------------------------------------------------------------- the notebook
@pytest.mark.parametrize("name", AVAILABLE)
def test_notebook_metadata_is_valid_nbgrader_with_unique_ids(name):
    nb = source_notebook(name)
    MetadataValidator().validate_nb(nb)          # raises on bad metadata or duplicate grade_ids
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta:
            assert meta["schema_version"] == 3
            assert meta["grade_id"].startswith(f"{name}-")


@pytest.mark.parametrize("name", AVAILABLE)
def test_one_test_cell_per_group_with_the_groups_points(name):
    spec = assignments.get(name)
    nb = source_notebook(name)
    tests = {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("grade")}
    assert list(tests) == [g.grade_id for g in groups(spec)]
    assert sum(nbgrader_meta(c)["points"] for c in tests.values()) == pytest.approx(
        sum(c.points for c in spec.checks(include_hidden=True)))
    for group in groups(spec):
        cell = tests[group.grade_id]
        assert nbgrader_meta(cell)["locked"] and not nbgrader_meta(cell)["solution"]
        assert nbgrader_meta(cell)["points"] == pytest.approx(group.points)
        visible_part, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
        hidden_part = rest.partition("### END HIDDEN TESTS")[0]
        assert all(f"'{c.number}'" in visible_part for c in group.visible)
        assert not any(f"'{c.number}'" in visible_part for c in group.hidden)
        assert all(f"'{c.number}'" in hidden_part for c in group.hidden)
        assert bool(group.hidden) == ("### BEGIN HIDDEN TESTS" in cell.source)
        ast.parse(cell.source)


@pytest.mark.parametrize("name", AVAILABLE)
def test_solution_cells_hold_every_solution_region_between_nbgrader_markers(name):
    reference = (stubs.reference_dir() / f"{name}.py").read_text()
    lines = reference.splitlines()
    nb = source_notebook(name)
    solution_cells = [c for c in nb.cells if nbgrader_meta(c).get("solution")]
    assert solution_cells
    code = "\n".join(c.source for c in solution_cells)
    assert code.count("### BEGIN SOLUTION") == code.count("### END SOLUTION") == len(stubs.solution_regions(reference))
    for begin, end, _ in stubs.solution_regions(reference):
        for line in lines[begin:end - 1]:
            assert line in code
    graded = selfcheck.graded_source(nb.cells)
    defined = {n.name for n in ast.parse(graded).body if isinstance(n, notebook.DEFINITIONS)}
    assert set(assignments.get(name).required) <= defined


@pytest.mark.parametrize("name", AVAILABLE)
def test_the_released_notebook_has_stubs_and_visible_checks_only(name):
    spec = assignments.get(name)
    nb = released(source_notebook(name))
    text = json.dumps(nb)
    for check in spec.hidden():
        assert f"'{check.number}'" not in text
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            assert "raise NotImplementedError()" in cell.source and "BEGIN SOLUTION" not in cell.source
        if cell.cell_type == "code":
            ast.parse(cell.source)


def test_explanations_come_from_the_reference_docstrings():
    nb = source_notebook("batchnorm")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert markdown.startswith("# BatchNorm2d")
    assert "## `BatchNorm2d`" in markdown and "*biased* variance" in markdown
    solution = next(c for c in nb.cells if nbgrader_meta(c).get("solution"))
    assert '"""Batch normalisation over a 4D input' in solution.source   # one-line docstring kept
    assert "**Args:**" not in solution.source and "Args:" not in solution.source


def test_docstring_markdown():
    doc = '''Summary with ``code`` and :math:`\\gamma`.

    .. math::

        y = x + 1

    Update rule::

        a = b

    Args:
        x: the input.
            Continued.
        eps: small. Default: ``1e-5``.

    Shape:
        - Input: ``(N, C)``
    '''
    md = docstring_to_markdown(doc)
    assert "Summary with `code` and $\\gamma$." in md
    assert "$$\ny = x + 1\n$$" in md
    assert "Update rule:\n\n```python\na = b\n```" in md
    assert "- `x`: the input. Continued." in md and "- `eps`: small. Default: `1e-5`." in md
    assert "- Input: `(N, C)`" in md


def test_group_ids_keep_case_and_are_unique_across_assignments():
    assert slug("running statistics") == "running_statistics"
    assert slug("Conv2d") != slug("conv2d")
    index = cells_by_grade_id()
    assert len(index) == sum(len(groups(assignments.get(n))) for n in AVAILABLE)


# ----------------------------------------------------------- graded source
def _cell(source, **meta):
    cell = nbformat.v4.new_code_cell(source)
    if meta:
        cell.metadata["nbgrader"] = dict({"grade": False, "solution": False, "locked": False,
                                          "schema_version": 3}, **meta)
    return cell


def test_graded_source_is_the_solution_and_read_only_cells_in_order():
    cells = [
        _cell("import torch", grade_id="a-provided-1", locked=True),
        nbformat.v4.new_markdown_cell("# not code"),
        _cell("def f():\n    return 1", grade_id="a-solution-f", solution=True),
        _cell("print('scratch')"),                                          # a cell the student added
        _cell("run_checks('a', [])", grade_id="a-tests-x", grade=True, locked=True, points=1.0),
        _cell("%timeit f()\nx = 2", grade_id="a-solution-g", solution=True),
    ]
    source = selfcheck.graded_source(cells)
    assert source.index("import torch") < source.index("def f():") < source.index("x = 2")
    assert "scratch" not in source and "run_checks" not in source and "not code" not in source
    assert "pass  # IPython-only line left out: timeit f()" in source
    ast.parse(source)


def test_messages_name_notebook_cells_instead_of_file_lines():
    cells = [_cell("import torch", grade_id="a-provided-1", locked=True),
             _cell("x = 1\ny = 2\nraise ValueError", grade_id="a-solution-f", solution=True)]
    source = selfcheck.graded_source(cells)
    line = source.splitlines().index("raise ValueError") + 1
    message = f"your code raised ValueError (your file, line {line}); and line {line} (top level): uses gc"
    assert selfcheck.in_notebook_terms(message, source) == (
        "your code raised ValueError (notebook cell a-solution-f, line 3); "
        "and notebook cell a-solution-f, line 3 (top level): uses gc")


# ------------------------------------------------------------------ config
@pytest.mark.parametrize("execute", [False, True])
def test_config_puts_dlgrade_just_before_save_auto_grades(tmp_path, execute):
    (tmp_path / "nbgrader_config.py").write_text(course.config_text(["batchnorm"], execute=execute))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    steps = list(config.Autograde.autograde_preprocessors)
    assert steps.index(course.PREPROCESSOR) + 1 == steps.index(course.SAVE_GRADES)
    assert (course.EXECUTE in steps) == execute
    assert config.OverwriteCells.add_missing_cells is True
    assert config.DlgradeVerdict.details_of_hidden is False


# ------------------------------------------------------- verdict -> grade
def _scored_cell(group, outputs):
    cell = _cell("", grade_id=group.grade_id, grade=True, locked=True, points=group.points)
    cell.outputs = outputs
    return cell


@pytest.mark.parametrize("case", ["all pass", "none pass", "some pass"])
def test_nbgrader_reads_dlgrades_verdict_as_the_groups_score(case):
    group = groups(assignments.get("batchnorm"))[0]
    first = sorted(group.numbers)[0]
    passed = {"all pass": lambda c: True, "none pass": lambda c: False,
              "some pass": lambda c: c.number == first}[case]
    results = results_for("batchnorm", passed)
    cell = _scored_cell(group, preprocessor.DlgradeVerdict().outputs(group, results, group.points))
    score, maximum = determine_grade(cell)
    expected = sum(float(c.points) for c in group.checks if passed(c))
    assert maximum == group.points and score == pytest.approx(expected)
    text = cell.outputs[0]["text"]
    assert text.startswith(f"dlgrade checks, {group.key}: ")
    if case != "all pass":
        assert "Likely mistake: you did X." in text


def test_hidden_details_are_left_out_unless_asked():
    group = next(g for g in groups(assignments.get("batchnorm")) if g.hidden)
    results = results_for("batchnorm", lambda c: False)
    brief = preprocessor.DlgradeVerdict().outputs(group, results, group.points)[0]["text"]
    full = preprocessor.DlgradeVerdict(details_of_hidden=True).outputs(group, results, group.points)[0]["text"]
    hidden = group.hidden[0]
    section = brief.split(f"  FAILED  {hidden.number}  ")[1]
    assert "max abs error" not in section.split("FAILED")[0] and "details of hidden checks are not shown" in section
    assert "max abs error" in full.split(f"  FAILED  {hidden.number}  ")[1]


def test_preprocessor_grades_the_notebooks_code_and_sets_every_test_cell(monkeypatch):
    nb = source_notebook("batchnorm")
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="all checks passed\n")]
    seen = {}

    def fake_grade(assignment, source, *, include_hidden, allow_unsandboxed):
        seen.update(assignment=assignment, source=source, hidden=include_hidden, unsandboxed=allow_unsandboxed)
        return results_for(assignment, lambda c: c.visibility != HIDDEN)

    monkeypatch.setattr(preprocessor, "grade_source", fake_grade)
    nb, _ = preprocessor.DlgradeVerdict().preprocess(nb, {"nbgrader": {"student": "s"}})
    assert seen["assignment"] == "batchnorm" and seen["hidden"] and not seen["unsandboxed"]
    assert seen["source"] == selfcheck.graded_source(nb.cells) and "run_checks" not in seen["source"]
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):
            group = cells_by_grade_id()[nbgrader_meta(cell)["grade_id"]]
            assert "all checks passed" not in json.dumps(cell.outputs)
            assert determine_grade(cell)[0] == pytest.approx(sum(float(c.points) for c in group.visible))


def test_an_ungradable_notebook_scores_zero_with_the_reason(monkeypatch):
    def too_big(*args, **kwargs):
        raise SubmissionError("nb.py is 2000000 bytes; submissions are limited to 1024 KiB")

    monkeypatch.setattr(preprocessor, "grade_source", too_big)
    nb, _ = preprocessor.DlgradeVerdict().preprocess(source_notebook("batchnorm"), {})
    tests = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert all(determine_grade(c)[0] == 0 for c in tests)
    assert "limited to 1024 KiB" in tests[0].outputs[0]["evalue"]


def test_preprocessor_leaves_other_notebooks_alone_and_refuses_mixed_ones(monkeypatch):
    monkeypatch.setattr(preprocessor, "grade_source", lambda *a, **k: pytest.fail("graded"))
    plain = nbformat.v4.new_notebook(cells=[_cell("assert 1", grade_id="q1", grade=True, locked=True, points=1.0)])
    assert preprocessor.DlgradeVerdict().preprocess(plain, {})[0] is plain
    if len(AVAILABLE) > 1:
        mixed = source_notebook(AVAILABLE[0])
        mixed.cells += [c for c in source_notebook(AVAILABLE[1]).cells if nbgrader_meta(c).get("grade")]
        with pytest.raises(NbgraderError, match="several assignments"):
            preprocessor.DlgradeVerdict().preprocess(mixed, {})


# ------------------------------------------------- the test cells' helper
@pytest.fixture
def saved_notebook(tmp_path, monkeypatch):
    path = tmp_path / "batchnorm.ipynb"
    path.write_text(json.dumps(source_notebook("batchnorm")))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr(selfcheck, "_CACHE", {})
    return path


def _fake_grader(monkeypatch, passed):
    calls = []

    def fake(assignment, source, *, include_hidden, allow_unsandboxed):
        calls.append(include_hidden)
        return results_for(assignment, passed)

    monkeypatch.setattr(selfcheck, "grade_source", fake)
    return calls


def test_run_checks_reports_and_raises_on_failure_grading_once(saved_notebook, monkeypatch, capsys):
    calls = _fake_grader(monkeypatch, lambda c: c.number != "1.2")
    selfcheck.run_checks("batchnorm", ["1.4", "1.5"])
    with pytest.raises(selfcheck.ChecksFailed, match="1 of 3 checks failed: 1.2"):
        selfcheck.run_checks("batchnorm", ["1.1", "1.2", "1.3"])
    out = capsys.readouterr().out
    assert "Checked the solution cells of batchnorm.ipynb as saved on disk." in out
    assert "FAILED  1.2" in out and "passed  1.4" in out
    assert calls == [False]                       # one grading for both cells; visible checks only


def test_run_checks_runs_hidden_checks_only_when_asked_for(saved_notebook, monkeypatch):
    calls = _fake_grader(monkeypatch, lambda c: True)
    hidden = assignments.get("batchnorm").hidden()[0].number
    selfcheck.run_checks("batchnorm", ["1.1", hidden])
    assert calls == [True]


def test_run_checks_fails_closed_under_autograde(saved_notebook, monkeypatch):
    _fake_grader(monkeypatch, lambda c: True)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(selfcheck.NotGradedHere):
        selfcheck.run_checks("batchnorm", ["1.1"])


def test_run_checks_says_where_it_looked_for_the_notebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(FileNotFoundError, match="batchnorm.ipynb"):
        selfcheck.run_checks("batchnorm", ["1.1"])
