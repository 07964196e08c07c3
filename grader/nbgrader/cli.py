"""`dlgrade nbgrader ...`: thin wrappers over :mod:`grader.nbgrader`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import assignments
from ..errors import SubmissionError


@click.group()
def nbgrader() -> None:
    """Bridge to nbgrader: a course whose notebooks dlgrade grades, in its sandbox.

    \b
    Example:
      dlgrade nbgrader init course/
      cd course && nbgrader generate_assignment batchnorm
      nbgrader autograde batchnorm && nbgrader generate_feedback batchnorm
    """


@nbgrader.command()
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("-a", "--assignment", "names", multiple=True, type=click.Choice(assignments.names()),
              help="Only this assignment (repeat for more). Default: every available one.")
@click.option("--force", is_flag=True, help="Rewrite the generated files in a non-empty COURSE_DIR "
              "(nbgrader_config.py, source/*/); other files are left alone.")
@click.option("--execute", is_flag=True, help="Keep nbgrader's Execute step when autograding, so students' "
              "outputs show in feedback: runs their code UNSANDBOXED as you (scores still come from dlgrade).")
@click.option("--course-id", help="nbgrader's CourseDirectory.course_id (needed for its exchange).")
def init(course_dir: Path, names: tuple[str, ...], force: bool, execute: bool, course_id: str | None) -> None:
    """Write an nbgrader course in COURSE_DIR from dlgrade's references.

    Writes nbgrader_config.py (dlgrade's autograding step) and, for every
    assignment, source/ASSIGNMENT/ASSIGNMENT.ipynb: the explanation, solution
    cells, and one autograded test cell per group of dlgrade's checks, with
    the hidden checks between nbgrader's hidden-test markers.

    \b
    Examples:
      dlgrade nbgrader init course/
      dlgrade nbgrader init course/ -a batchnorm --force   # after the checks changed
    """
    from .course import init_course

    written = init_course(course_dir, names=names, force=force, execute=execute, course_id=course_id)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {course_dir} && nbgrader generate_assignment ASSIGNMENT")


@nbgrader.command()
@click.argument("notebook", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Write the code here instead of stdout.")
def extract(notebook: Path, out: Path | None) -> None:
    """Print the code dlgrade grades for NOTEBOOK: its solution and read-only cells.

    Grade it like any submission with `dlgrade grade ASSIGNMENT FILE`.

    \b
    Example:
      dlgrade nbgrader extract submitted/alice/batchnorm/batchnorm.ipynb -o alice.py
      dlgrade grade batchnorm alice.py
    """
    from .selfcheck import graded_source

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except OSError as exc:
        raise SubmissionError(f"cannot read {notebook}: {exc.strerror or exc}") from None
    except (ValueError, AttributeError):
        raise SubmissionError(f"{notebook} is not a notebook (.ipynb JSON)") from None
    source = graded_source(cells)
    if not source:
        raise SubmissionError(f"{notebook} has no solution or read-only cells (is it a dlgrade notebook?)")
    if out is None:
        click.echo(source, nl=False)
    else:
        out.write_text(source, encoding="utf-8")
        click.echo(f"wrote {out}")
