"""`dlgrade grade`, `check`, `batch`, `examples`, `sandbox`: thin wrappers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import assignments

ASSIGNMENT = click.Choice(assignments.names())
NO_SANDBOX = click.option("--no-sandbox", is_flag=True,
                          help="Run the code even without bubblewrap (UNISOLATED: only for code you trust).")


@click.command()
@click.argument("assignment", type=ASSIGNMENT)
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print results JSON (Gradescope format) and nothing else.")
@click.option("--visible-only", is_flag=True, help="Skip the hidden checks.")
@NO_SANDBOX
def grade(assignment: str, submission: Path, as_json: bool, visible_only: bool, no_sandbox: bool) -> None:
    """Grade SUBMISSION (a file, or a folder holding ASSIGNMENT.py) with every check.

    \b
    Examples:
      dlgrade grade batchnorm alice/batchnorm.py
      dlgrade grade batchnorm submissions/alice/ --json > results.json
    """
    from .. import api

    results = api.grade(assignment, submission, include_hidden=not visible_only, allow_unsandboxed=no_sandbox)
    _emit(results, as_json, title=f"{assignment}: {submission}")


@click.command()
@click.argument("assignment", type=ASSIGNMENT)
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print results JSON instead of the table.")
def check(assignment: str, submission: Path, as_json: bool) -> None:
    """Self-check SUBMISSION against the visible checks, with feedback.

    Runs in the sandbox when bubblewrap is installed, otherwise with resource
    limits only (it is your own code) and says so.

    \b
    Example:
      dlgrade check batchnorm batchnorm.py
    """
    from .. import api

    results = api.check(assignment, submission)
    _emit(results, as_json, title=f"self-check {assignment}: {submission} (visible checks only)")
    if not as_json:
        click.echo("Hidden checks with other shapes and settings count towards your grade too.")


def _emit(results, as_json: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps(results.as_json(), indent=2))
        return
    from rich.console import Console

    from ..report import render

    render(results, Console(), title=title)


@click.command()
@click.argument("assignment", type=ASSIGNMENT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("results"), show_default=True,
              help="Where to write STUDENT/results.json and gradebook.csv.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Submissions graded at once.")
@click.option("--visible-only", is_flag=True, help="Skip the hidden checks.")
@NO_SANDBOX
def batch(assignment: str, folder: Path, out: Path, jobs: int, visible_only: bool, no_sandbox: bool) -> None:
    """Grade every submission in FOLDER; write results and a gradebook.

    FOLDER holds one folder per student (with ASSIGNMENT.py inside) or one
    STUDENT.py file per student.

    \b
    Example:
      dlgrade batch batchnorm submissions/ -o graded/ --jobs 4
    """
    _run_batch(assignment, folder, out, jobs, not visible_only, no_sandbox)


def _run_batch(assignment: str, folder: Path, out: Path, jobs: int, include_hidden: bool, no_sandbox: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..batch import discover, grade_all
    from ..report import render_batch

    console = Console(stderr=not sys.stdout.isatty())
    total = len(discover(assignment, folder))
    rows = []
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"grading {assignment}", total=total)

        def done(entry) -> None:
            progress.advance(task)

        entries = grade_all(assignment, folder, out, jobs=jobs, include_hidden=include_hidden,
                            allow_unsandboxed=no_sandbox, on_done=done)
    for e in entries:
        if e.results is None:
            rows.append({"student": e.student, "score_text": "-", "passed_text": "-", "notes": f"error: {e.error}"})
            continue
        r = e.results
        failed = [t for t in r.tests if not t.passed]
        mistakes = sorted({m for t in failed for m in t.mistakes})
        notes = ", ".join(mistakes) if mistakes else (_shorten(failed[0].output.splitlines()[0][2:]) if failed else "")
        rows.append({"student": e.student, "score_text": f"{r.score:g} / {r.max_score:g}",
                     "passed_text": f"{len(r.tests) - len(failed)}/{len(r.tests)}", "notes": notes})
    render_batch(rows, Console(), title=f"{assignment}: {folder}")
    click.echo(f"Wrote {out / 'gradebook.csv'} and {len(entries)} results.json files under {out}/")


def _shorten(text: str, width: int = 70) -> str:
    """The first ``width`` characters, cut at a word, for a table cell."""
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + " …"


@click.command()
@click.option("--dir", "examples_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of examples (default: examples/ of this source tree).")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out/examples"), show_default=True)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
@NO_SANDBOX
def examples(examples_dir: Path | None, out: Path, jobs: int, no_sandbox: bool) -> None:
    """Grade the bundled example submissions and print their results.

    examples/ASSIGNMENT/ holds one file per example student, correct, buggy
    and hostile ones, for every available assignment.

    \b
    Example:
      dlgrade examples -o out/examples
    """
    from ..errors import UsageError

    root = examples_dir or Path(__file__).resolve().parents[2] / "examples"
    if not root.is_dir():
        raise UsageError(f"no examples folder at {root} (pass --dir)")
    found = [a for a in assignments.available() if (root / a).is_dir()]
    if not found:
        raise UsageError(f"{root} has no folder named after an assignment ({', '.join(assignments.available())})")
    for assignment in found:
        _run_batch(assignment, root / assignment, out / assignment, jobs, True, no_sandbox)


@click.command("sandbox")
def sandbox_info() -> None:
    """Show how untrusted code would be isolated on this machine.

    \b
    Example:
      dlgrade sandbox
    """
    from ..sandbox import Limits, describe, iter_binds, probe_bubblewrap

    ok, detail = probe_bubblewrap()
    if not ok:
        click.echo(f"NOT ISOLATED: {detail}. 'dlgrade grade' will refuse submissions unless given --no-sandbox.")
        return
    info = describe()
    click.echo(info.detail)
    click.echo("The child sees:")
    for line in iter_binds(info):
        click.echo(f"  {line}")
    limits = Limits()
    click.echo(f"Limits: memory {limits.memory_bytes >> 20} MiB, CPU {limits.cpu_seconds} s, "
               f"{limits.processes} processes, files {limits.file_bytes >> 20} MiB, scratch "
               f"{limits.scratch_bytes >> 20} MiB, wall {limits.wall_seconds:g} s per submission.")
