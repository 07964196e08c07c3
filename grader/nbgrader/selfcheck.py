"""dlgrade's checks for a notebook: what the test cells of a dlgrade nbgrader
course call, and the pieces the autograding preprocessor shares with them.

The graded code of a notebook is the source, as saved in the ``.ipynb``
file, of its solution cells and its read-only cells, in order (see
:func:`graded_source`); never anything from a running kernel. Test cells
call :func:`run_checks`, which grades that code with dlgrade (in its sandbox
where bubblewrap works) and prints the results of the cell's checks.

During ``nbgrader autograde`` :func:`run_checks` does nothing but fail: the
test cells are scored by ``grader.nbgrader.preprocessor.DlgradeVerdict``,
outside the student's kernel, which replaces their outputs. If that
preprocessor is missing from ``nbgrader_config.py``, every test cell keeps
this failure and scores 0 (fail closed).

``dlgrade nbgrader init`` writes this file, unchanged, beside every notebook
(``source/ASSIGNMENT/dlgrade_selfcheck.py``): students' Jupyter holds
dlgrade's student bundle, which has ``grader.api`` but not the nbgrader
bridge. So this module imports nothing from ``grader.nbgrader``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

MAGIC = re.compile(r"^(?P<indent>[ \t]*)[%!]")
CELL_MARK = "# ---- notebook cell {} ----"
CELL_MARK_LINE = re.compile(r"^# ---- notebook cell (\S+) ----$")
FILE_LINE = re.compile(r"(?:your file, )?\bline (\d+)\b")


class ChecksFailed(AssertionError):
    """Some of a test cell's checks failed (the cell's output says which)."""


class NotGradedHere(RuntimeError):
    """Raised by a test cell during ``nbgrader autograde``, where dlgrade's
    preprocessor (not the kernel) scores it."""


# ------------------------------------------------------------ the graded code
def cell_source(cell: Mapping[str, Any]) -> str:
    """A cell's source as one string (``.ipynb`` files may store a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def is_graded_code(cell: Mapping[str, Any]) -> bool:
    """Solution cells and read-only (locked, not test) code cells with a grade_id."""
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    if cell.get("cell_type") != "code" or not meta.get("grade_id") or meta.get("grade"):
        return False
    return bool(meta.get("solution") or meta.get("locked"))


def graded_source(cells: Iterable[Mapping[str, Any]]) -> str:
    """The Python file dlgrade grades for a notebook with these cells.

    Each graded cell is preceded by a comment naming it, so that line
    numbers in feedback can be traced to a cell. A cell that only parses
    once its IPython-only lines (``%magic``, ``!shell``) are blanked out is
    taken that way; any other cell is taken exactly as written.
    """
    parts = []
    for cell in cells:
        if is_graded_code(cell):
            grade_id = cell["metadata"]["nbgrader"]["grade_id"]
            parts.append(CELL_MARK.format(grade_id) + f"\n{_without_magics(cell_source(cell)).rstrip()}\n")
    return "\n\n".join(parts)


def in_notebook_terms(text: str, source: str) -> str:
    """``your file, line 19`` or ``line 19`` (of :func:`graded_source`'s
    file) becomes ``notebook cell batchnorm-solution-BatchNorm2d, line 18``."""
    marks = [(n, m.group(1)) for n, line in enumerate(source.splitlines(), start=1)
             if (m := CELL_MARK_LINE.match(line))]

    def where(match: re.Match) -> str:
        line = int(match.group(1))
        before = [(n, grade_id) for n, grade_id in marks if n < line]
        if not before:
            return match.group(0)
        n, grade_id = before[-1]
        return f"notebook cell {grade_id}, line {line - n}"

    return FILE_LINE.sub(where, text)


def _without_magics(source: str) -> str:
    import ast

    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    lines = [MAGIC.sub(lambda m: m.group("indent") + "pass  # IPython-only line left out: ", line)
             for line in source.splitlines()]
    candidate = "\n".join(lines)
    try:
        ast.parse(candidate)
    except SyntaxError:
        return source
    return candidate


def grade_source(assignment: str, source: str, *, include_hidden: bool, allow_unsandboxed: bool):
    """Grade ``source`` as the student's ``ASSIGNMENT.py``: a :class:`grader.results.Results`."""
    from grader import api

    with tempfile.TemporaryDirectory(prefix="dlgrade-nb-") as tmp:
        path = Path(tmp) / f"{assignment}.py"
        path.write_text(source, encoding="utf-8")
        return api.grade(assignment, path, include_hidden=include_hidden, allow_unsandboxed=allow_unsandboxed)


# ---------------------------------------------------------------- the report
def group_report(title: str, tests: list, *, details_of_hidden: bool = True, messages: Iterable[str] = (),
                 source: str = "") -> str:
    """What a test cell prints: one line per check, the reasons of failures.

    ``tests`` are :class:`grader.results.TestResult`. With
    ``details_of_hidden=False`` a failed hidden check shows its hints and
    likely mistake but not the values compared (they reveal its inputs).
    """
    got = sum(t.score for t in tests)
    total = sum(float(t.check.points) for t in tests)
    lines = [f"dlgrade checks, {title}: {_fmt(got)} of {_fmt(total)} points "
             f"({sum(t.passed for t in tests)} of {len(tests)} checks passed)"]
    if any(not t.passed for t in tests):
        lines += [f"  {m}" for m in messages]
    for t in tests:
        hidden = t.check.visibility == "hidden"
        label = "passed" if t.passed else "FAILED"
        lines.append(f"  {label}  {t.check.number}  {t.check.name}{' [hidden]' if hidden else ''}  "
                     f"({_fmt(t.score)} of {_fmt(float(t.check.points))})")
        if t.passed:
            continue
        body = t.output.splitlines()
        if hidden and not details_of_hidden:
            body = [b for b in body if b.lstrip("- ").startswith(("Hint:", "Likely mistake:", "What this checks:"))]
            body.append("(details of hidden checks are not shown)")
        lines += [f"          {b}" for b in body]
    return in_notebook_terms("\n".join(lines), source) if source else "\n".join(lines)


def _fmt(x: float) -> str:
    return f"{x:g}"


# -------------------------------------------------------- inside Jupyter
_CACHE: dict[tuple[str, str, bool], Any] = {}


def run_checks(assignment: str, numbers: list[str], notebook: str | os.PathLike | None = None) -> None:
    """Check the saved notebook against the checks ``numbers``; print the
    results; raise :class:`ChecksFailed` if any failed.

    Args:
        assignment: the dlgrade assignment (``"batchnorm"``).
        numbers: check numbers (``["1.1", "1.2"]``); hidden ones are run
            only where dlgrade's hidden checks are installed (instructors).
        notebook: the ``.ipynb`` to check. Default: the notebook this
            kernel belongs to (``JPY_SESSION_NAME``), else
            ``ASSIGNMENT.ipynb`` in the working directory.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise NotGradedHere("dlgrade scores this cell outside the notebook's kernel (its nbgrader preprocessor "
                            "DlgradeVerdict replaces this output); if this message reaches a gradebook, add the "
                            "preprocessor to nbgrader_config.py (dlgrade nbgrader init writes it)")
    if not numbers:
        print("All checks of this cell are hidden: dlgrade runs them when your notebook is graded.")
        return
    try:
        from grader import assignments
    except ImportError:
        raise ImportError("dlgrade is not installed in this Jupyter environment: the checks need it "
                          "(its student bundle is enough)") from None
    path = find_notebook(assignment, notebook)
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    source = graded_source(cells)
    visible = {c.number for c in assignments.get(assignment).visible}
    include_hidden = bool(set(numbers) - visible)
    key = (assignment, hashlib.sha256(source.encode()).hexdigest(), include_hidden)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = grade_source(assignment, source, include_hidden=include_hidden, allow_unsandboxed=True)
    results = _CACHE[key]
    tests = [t for t in results.tests if t.check.number in set(numbers)]
    stale = _not_run_as_saved(cells)
    print(f"Checked the solution cells of {path.name} as saved on disk.")
    if stale:
        print(f"Note: {len(stale)} graded cell(s) of the saved file differ from what this kernel ran "
              f"({', '.join(stale)}): save the notebook (Ctrl-S) after editing, then run this cell again.")
    if not results.sandbox.get("isolated", False):
        print("(bubblewrap is not available here: your code ran with resource limits only.)")
    print(group_report(", ".join(sorted({t.check.group or f"check {t.check.number}" for t in tests})), tests,
                       messages=results.messages, source=source))
    failed = [t.check.number for t in tests if not t.passed]
    if failed:
        raise ChecksFailed(f"{len(failed)} of {len(tests)} checks failed: {', '.join(failed)} (see above)")


def find_notebook(assignment: str, notebook: str | os.PathLike | None = None) -> Path:
    """The notebook file to check (see :func:`run_checks`)."""
    candidates = [notebook] if notebook else [os.environ.get("JPY_SESSION_NAME"), f"{assignment}.ipynb"]
    for candidate in candidates:
        if candidate and str(candidate).endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError(f"cannot find the notebook to check (tried: {', '.join(str(c) for c in candidates if c)}); "
                            f"pass it: run_checks({assignment!r}, [...], notebook='path/to/{assignment}.ipynb')")


def _not_run_as_saved(cells: list) -> list[str]:
    """grade_ids of graded cells whose saved source this kernel never ran."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    if shell is None:
        return []
    ran = {str(s).strip() for s in shell.user_ns.get("In", [])}
    return [c["metadata"]["nbgrader"]["grade_id"] for c in cells
            if is_graded_code(c) and cell_source(c).strip() not in ran]
