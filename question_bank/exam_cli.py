"""``dlgrade exam``: papers, answer keys, grading and LMS export from a roster and a secret."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

SECRET_ENV = "DLGRADE_EXAM_SECRET"


def _exam_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every exam command shares: layout, secret, exam id, title."""

    @click.option("--questions", "-q", "layout", required=True, metavar="SPEC",
                  help="Comma-separated topic[:difficulty[:marks]], e.g. conv2d_output:hard:2,lstm_params.")
    @click.option("--secret", envvar=SECRET_ENV, required=True, show_envvar=True,
                  help=f"Instructor's secret (at least 8 characters); prefer the {SECRET_ENV} variable. Never written out.")
    @click.option("--exam-id", default="exam", show_default=True,
                  help="Names this exam; with the secret it fixes every variant. Keep it for grading.")
    @click.option("--title", default="Deep learning exam", show_default=True, help="Printed on papers; LMS category name.")
    @functools.wraps(function)
    def wrapper(layout: str, secret: str, exam_id: str, title: str, **kwargs: Any) -> Any:
        from .exam import Exam, parse_slots

        return function(Exam(exam_id, title, parse_slots(layout), secret), **kwargs)

    return wrapper


def _write(text: str, output: str | None) -> None:
    from .errors import ExamError

    if output in (None, "-"):
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExamError(f"cannot write {output}: {exc}") from None
    click.echo(f"wrote {output}", err=True)


@click.group()
def exam() -> None:
    """Per-student exam variants, answer keys, grading and LMS export.

    Every student gets the same questions with different numbers, fixed by
    HMAC(secret, exam id, student id). Keep --questions, --exam-id and the
    secret the same for papers, key and grading.

    \b
    Examples:
      export DLGRADE_EXAM_SECRET='long random words'
      dlgrade exam papers roster.csv -q conv2d_output:hard,lstm_params:medium:2 -o papers/
      dlgrade exam key roster.csv -q conv2d_output:hard,lstm_params:medium:2 -o key.csv
      dlgrade exam grade roster.csv responses.csv -q conv2d_output:hard,lstm_params:medium:2 -o scores.csv
      dlgrade exam moodle -q conv2d_output,pool2d_output --variants 20 -o quiz.xml
    """


@exam.command("papers")
@click.argument("roster", type=click.Path(dir_okay=False))
@_exam_options
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False), help="Folder for the papers.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="html", show_default=True)
def papers(exam: Any, roster: str, output: str, fmt: str) -> None:
    """Write one paper per student of ROSTER (CSV with student_id,name).

    \b
    Example:
      dlgrade exam papers roster.csv -q conv2d_output,pool2d_output:hard -o papers/ --format markdown
    """
    from .errors import ExamError
    from .exam import read_roster
    from .render import paper_html, paper_markdown

    students = read_roster(roster)
    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExamError(f"cannot create {output}: {exc}") from None
    render, suffix = (paper_html, ".html") if fmt == "html" else (paper_markdown, ".md")
    for student in students:
        (folder / f"{student.student_id}{suffix}").write_text(
            render(exam, student, exam.questions_for(student.student_id)), encoding="utf-8")
    click.echo(f"wrote {len(students)} papers to {folder}", err=True)


@exam.command("key")
@click.argument("roster", type=click.Path(dir_okay=False))
@_exam_options
@click.option("--format", "fmt", type=click.Choice(["csv", "markdown", "html"]), default="csv", show_default=True)
@click.option("--no-solutions", is_flag=True, help="Markdown/HTML: answers only, no worked solutions.")
@click.option("--output", "-o", default=None, help="File to write (default: stdout).")
def key(exam: Any, roster: str, fmt: str, no_solutions: bool, output: str | None) -> None:
    """Write the answer key for every student of ROSTER.

    \b
    Examples:
      dlgrade exam key roster.csv -q conv2d_output,lstm_params -o key.csv
      dlgrade exam key roster.csv -q conv2d_output,lstm_params --format html -o key.html
    """
    from .exam import key_csv, read_roster
    from .render import key_html, key_markdown

    students = read_roster(roster)
    if fmt == "csv":
        text = key_csv(exam, students)
    else:
        text = (key_html if fmt == "html" else key_markdown)(exam, students, solutions=not no_solutions)
    _write(text, output)


@exam.command("grade")
@click.argument("roster", type=click.Path(dir_okay=False))
@click.argument("responses", type=click.Path(dir_okay=False))
@_exam_options
@click.option("--output", "-o", default=None, help="Scores CSV to write (default: stdout).")
def grade_command(exam: Any, roster: str, responses: str, output: str | None) -> None:
    """Grade RESPONSES (CSV student_id,q1,...,qN) into a scores CSV.

    Columns: student_id, name, submitted, q1..qN (marks), total, max.
    Students on the roster without a row get zeros (submitted = no).

    \b
    Example:
      dlgrade exam grade roster.csv responses.csv -q conv2d_output,lstm_params -o scores.csv
    """
    from .exam import grade, read_responses, read_roster, scores_csv

    students = read_roster(roster)
    scores = grade(exam, students, read_responses(responses, exam, students))
    _write(scores_csv(exam, scores), output)


def _lms_command(name: str, render: str, summary: str, example: str) -> None:
    """Register ``dlgrade exam NAME``: an LMS export written by ``question_bank.export.<render>``."""

    @exam.command(name, help=f"{summary}\n\n\b\nExample:\n  {example}")
    @_exam_options
    @click.option("--variants", "-v", type=click.IntRange(1, 1000), default=20, show_default=True,
                  help="Numerical questions per slot (one per variant).")
    @click.option("--output", "-o", default=None, help="File to write (default: stdout).")
    def command(exam: Any, variants: int, output: str | None) -> None:
        from . import export

        _write(getattr(export, render)(exam, variants), output)


_lms_command("moodle", "moodle_xml",
             "Export Moodle XML: one category per question slot, one numerical question per variant.",
             "dlgrade exam moodle -q conv2d_output,lstm_params:hard --variants 30 -o quiz.xml")
_lms_command("gift", "gift",
             "Export GIFT: a $CATEGORY per question slot, one numerical question per variant.",
             "dlgrade exam gift -q conv2d_output,edge_length_fraction --variants 10 -o quiz.gift")
