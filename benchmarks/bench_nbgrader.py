"""nbgrader autograde time per submission against `dlgrade grade` on the
same submission (a script, not a test).

Builds a throw-away course (`dlgrade nbgrader init`, `nbgrader
generate_assignment`), submits the reference solution as N students, then
reports wall-clock seconds per submission for:

  * `dlgrade grade ASSIGNMENT FILE --json` on the code dlgrade grades for
    that notebook (`dlgrade nbgrader extract`), one command per submission;
  * `nbgrader autograde ASSIGNMENT` over all N students in one command,
    divided by N, with the default configuration (no kernel) and with
    `--execute` (nbgrader's Execute step runs each notebook in a kernel);
  * `nbgrader autograde ASSIGNMENT --student S --force`, one command for
    one submission, both configurations.

Usage: python benchmarks/bench_nbgrader.py [--students N] [--assignment NAME]
Needs bubblewrap (dlgrade refuses to autograde unsandboxed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.nbgrader.course import init_course  # noqa: E402
from grader.nbgrader.selfcheck import cell_source, graded_source  # noqa: E402

ENV = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def run(cwd: Path, *cmd: str) -> float:
    """Seconds ``cmd`` took; fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return time.perf_counter() - start


def nbgrader(cwd: Path, *args: str) -> float:
    return run(cwd, sys.executable, "-m", "nbgrader", *args)


def course(root: Path, assignment: str, students: int, execute: bool) -> Path:
    """A course where ``students`` students submitted the reference solution."""
    init_course(root, names=[assignment], execute=execute)
    nbgrader(root, "generate_assignment", assignment)
    source = json.loads((root / "source" / assignment / f"{assignment}.ipynb").read_text())
    solved = {c["id"]: cell_source(c) for c in source["cells"]}
    release = root / "release" / assignment
    nb = json.loads((release / f"{assignment}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = solved[cell["id"]]
    for k in range(students):
        folder = root / "submitted" / f"student{k}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))
        shutil.copy(release / "dlgrade_selfcheck.py", folder)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--assignment", default="batchnorm")
    args = parser.parse_args()
    a, n = args.assignment, args.students
    rows = []
    with tempfile.TemporaryDirectory(prefix="dlgrade-bench-nb-") as tmp:
        tmp = Path(tmp)
        plain = course(tmp / "plain", a, n, execute=False)
        kernel = course(tmp / "kernel", a, n, execute=True)
        submission = plain / "submitted" / "student0" / a / f"{a}.ipynb"
        code = tmp / f"{a}.py"
        code.write_text(graded_source(json.loads(submission.read_text())["cells"]))
        grades = [run(ROOT, sys.executable, "-m", "grader.cli", "grade", a, str(code), "--json") for _ in range(n)]
        rows.append((f"dlgrade grade {a} FILE --json (one command each)", statistics.median(grades)))
        for label, where in (("no kernel (default)", plain), ("--execute (kernel)", kernel)):
            rows.append((f"nbgrader autograde, {n} students in one command, {label}", nbgrader(where, "autograde", a) / n))
            single = [nbgrader(where, "autograde", a, "--student", f"student{k}", "--force") for k in range(min(n, 3))]
            rows.append((f"nbgrader autograde --student S, one submission, {label}", statistics.median(single)))
    print(f"seconds per submission, assignment {a}, reference solution, {os.cpu_count()} CPUs:")
    for label, seconds in rows:
        print(f"  {label:<72} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
