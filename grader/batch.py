"""Grade a whole class: one folder of submissions in, results out.

``DIR`` holds one entry per student: a folder with ``ASSIGNMENT.py`` in it
(the name of the folder is the student), or a file ``STUDENT.py``. For each
student ``OUT/STUDENT/results.json`` (Gradescope's format) is written as
soon as that student is graded, and ``OUT/gradebook.csv`` at the end, one
row per student, one column per check. A submission that cannot be graded
at all (unreadable, wrong layout) gets a row with its error; nothing stops
the batch.
"""

from __future__ import annotations

import csv
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import api, assignments
from .errors import DlgradeError, UsageError
from .results import Results
from .sandbox import Limits, describe

SAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass
class Entry:
    student: str
    path: Path
    results: Results | None = None
    error: str | None = None


def discover(assignment: str, folder: Path) -> list[Entry]:
    """One entry per student in ``folder`` (sorted by name)."""
    if not folder.is_dir():
        raise UsageError(f"not a folder: {folder}")
    entries = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith((".", "_")):
            continue
        if item.is_dir():
            entries.append(Entry(item.name, item))
        elif item.suffix == ".py":
            entries.append(Entry(item.stem, item))
    if not entries:
        raise UsageError(f"{folder} holds no submissions (expected folders with {assignment}.py, or .py files)")
    return entries


def grade_all(assignment: str, folder: str | Path, out: str | Path, *, jobs: int = 2,
              include_hidden: bool = True, allow_unsandboxed: bool = False, limits: Limits | None = None,
              on_done: Callable[[Entry], None] | None = None) -> list[Entry]:
    """Grade every submission in ``folder``; write results and the gradebook to ``out``."""
    spec = assignments.get(assignment)
    describe(allow_unsandboxed)  # refuse early, before any work, if there is no sandbox
    entries = discover(assignment, Path(folder))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    def work(entry: Entry) -> Entry:
        try:
            entry.results = api.grade(assignment, entry.path, include_hidden=include_hidden,
                                      allow_unsandboxed=allow_unsandboxed, limits=limits)
        except DlgradeError as exc:
            entry.error = str(exc)
        _write_student(out, entry)
        return entry

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(work, e) for e in entries]
        for future in as_completed(futures):
            entry = future.result()
            if on_done:
                on_done(entry)
    write_gradebook(out / "gradebook.csv", entries, spec.checks(include_hidden))
    return entries


def _write_student(out: Path, entry: Entry) -> None:
    folder = out / SAFE_NAME.sub("_", entry.student)
    folder.mkdir(parents=True, exist_ok=True)
    if entry.results is not None:
        payload = entry.results.as_json()
    else:
        payload = {"score": 0.0, "max_score": 0.0, "execution_time": 0.0,
                   "output": f"Could not grade this submission: {entry.error}", "tests": []}
    tmp = folder / "results.json.tmp"
    tmp.write_text(json.dumps(payload, indent=2))
    os.replace(tmp, folder / "results.json")


def write_gradebook(path: Path, entries: Iterable[Entry], checks) -> None:
    header = ["student", "score", "max_score", "percent", "status"] + [f"{c.number} {c.name}" for c in checks]
    max_score = float(sum(c.points for c in checks))
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for e in entries:
            if e.results is None:
                writer.writerow([e.student, 0, max_score, 0, f"error: {e.error}"] + [0] * len(header[5:]))
                continue
            by_number = {t.check.number: t.score for t in e.results.tests}
            pct = 100.0 * e.results.score / e.results.max_score if e.results.max_score else 0.0
            writer.writerow([e.student, f"{e.results.score:g}", f"{e.results.max_score:g}", f"{pct:.1f}", "graded"]
                            + [f"{by_number.get(c.number, 0):g}" for c in checks])
    os.replace(tmp, path)
