"""DlgradeVerdict: the autograding step that makes dlgrade, not the
notebook's kernel, the source of every score nbgrader records.

It runs after the (sanitised) notebook is loaded, and after nbgrader's
Execute step where that is kept, and before ``SaveAutoGrades``. It

1. finds the notebook's dlgrade test cells by their ``grade_id`` (nbgrader's
   ``OverwriteCells`` has already restored their source, points and ids
   from the gradebook, so a student cannot rename or re-point them);
2. takes the code of the solution and read-only cells from the notebook's
   source (:func:`~grader.nbgrader.selfcheck.graded_source`), never from a
   kernel, and grades it with :func:`grader.api.grade` (every check, in the
   sandbox; no unsandboxed fallback);
3. replaces each test cell's outputs with dlgrade's verdict on its group:
   the feedback text, then an ``error`` output (no check passed) or an
   ``execute_result`` holding the points earned (some passed), which is
   how nbgrader's ``determine_grade`` reads partial credit; a cell whose
   checks all passed gets the text alone (full credit).
"""

from __future__ import annotations

from nbformat.v4 import new_output
from traitlets import Bool

from nbgrader.preprocessors import NbGraderPreprocessor

from ..errors import SubmissionError
from . import NbgraderError
from .layout import Group, test_index
from .selfcheck import grade_source, graded_source, group_report


class DlgradeVerdict(NbGraderPreprocessor):
    """Score dlgrade's test cells with dlgrade's sandboxed grader."""

    details_of_hidden = Bool(
        False, help="Show the compared values of failed hidden checks in feedback (they reveal the "
                    "checks' inputs); otherwise only names, results, hints and likely mistakes.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        index = test_index()
        cells = {}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and meta.get("grade_id") in index:
                cells[meta["grade_id"]] = cell
        if not cells:
            self.log.info("dlgrade: no dlgrade test cells in this notebook; nothing to do")
            return nb, resources
        names = sorted({index[grade_id].assignment for grade_id in cells})
        if len(names) > 1:
            raise NbgraderError(f"one notebook holds test cells of several assignments ({', '.join(names)})")
        assignment = names[0]
        who = resources.get("nbgrader", {}).get("student", "?")
        source = graded_source(nb.cells)
        try:
            results = grade_source(assignment, source, include_hidden=True, allow_unsandboxed=False)
        except SubmissionError as exc:
            self.log.warning("dlgrade: %s: %s", who, exc)
            for grade_id, cell in cells.items():
                cell.outputs = [_failure(f"dlgrade could not grade this notebook: {exc}")]
            return nb, resources
        for grade_id, cell in cells.items():
            group = index[grade_id]
            cell.outputs = self.outputs(group, results, float(cell.metadata.nbgrader["points"]), source)
        self.log.info("dlgrade: %s scored %g of %g on %s", who, results.score, results.max_score, assignment)
        missing = sorted({g.grade_id for g in index.values() if g.assignment == assignment} - set(cells))
        if missing:
            self.log.warning("dlgrade: %s's notebook lacks the test cells %s (they score nothing)",
                             who, ", ".join(missing))
        return nb, resources

    def outputs(self, group: Group, results, cell_points: float, source: str = "") -> list:
        """The outputs of ``group``'s test cell for ``results``."""
        tests = [t for t in results.tests if t.check.number in group.numbers]
        got = sum(t.score for t in tests)
        total = sum(float(t.check.points) for t in tests)
        if len(tests) != len(group.checks) or abs(total - cell_points) > 1e-9:
            # The gradebook's points were set by an earlier version of the checks.
            self.log.warning("dlgrade: test cell %s is worth %g points in the gradebook but its checks now "
                             "total %g; scoring the same fraction of the cell (regenerate the assignment)",
                             group.grade_id, cell_points, total)
        text = group_report(group.key, tests, details_of_hidden=self.details_of_hidden, messages=results.messages,
                            source=source)
        outputs = [new_output("stream", name="stdout", text=text + "\n")]
        if tests and all(t.passed for t in tests):
            return outputs
        score = round(cell_points * got / total, 6) if total else 0.0
        if score <= 0:
            failed = [t.check.number for t in tests if not t.passed] or ["(none ran)"]
            outputs.append(_failure(f"no check of this group passed ({', '.join(failed)})"))
        else:
            outputs.append(new_output("execute_result", data={"text/plain": repr(score)}, execution_count=None))
        return outputs


def _failure(message: str):
    return new_output("error", ename="ChecksFailed", evalue=message, traceback=[f"ChecksFailed: {message}"])
