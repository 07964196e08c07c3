"""Grader speed figures (a script, not a test).

Reports, on this machine:
  * `dlgrade --help` start-up (target < 0.3 s: no torch import on that path);
  * `dlgrade grade batchnorm` on the reference, wall time of the whole command
    (target < 5 s);
  * the sandbox's overhead: the same checks graded through the sandboxed
    child against the same probes run in-process (target < 1.5 s).

Usage: python benchmarks/bench_grader.py [--repeat N]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "batchnorm.py"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def in_process_seconds(assignment: str) -> float:
    """Every check's probe on the submission, imported into this process, plus comparison."""
    from grader import assignments, fingerprints
    from grader.compare import compare
    from grader.pipeline import oracle_observations

    spec = importlib.util.spec_from_file_location("submission", REFERENCE)
    start = time.perf_counter()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for check in assignments.get(assignment).checks(include_hidden=True):
        got = fingerprints.run_probe(assignment, module, check)
        assert not compare(oracle_observations(assignment, check), got, check.keys, check.tolerance)
    return time.perf_counter() - start


def sandboxed_seconds(assignment: str) -> float:
    from grader import api

    start = time.perf_counter()
    results = api.grade(assignment, REFERENCE)
    assert results.score == results.max_score
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "grader.cli"]
    timed(exe + ["--help"])  # warm the file cache
    helps = [timed(exe + ["--help"]) for _ in range(args.repeat)]
    grades = [timed(exe + ["grade", "batchnorm", str(REFERENCE), "--json"]) for _ in range(args.repeat)]
    import torch  # noqa: F401  (both measurements below start with torch loaded in the parent)
    from grader.pipeline import oracle_observations  # noqa: F401

    in_process_seconds("batchnorm")  # oracle cache and first-use costs, for both sides
    inproc = [in_process_seconds("batchnorm") for _ in range(args.repeat)]
    boxed = [sandboxed_seconds("batchnorm") for _ in range(args.repeat)]
    med = statistics.median
    print(f"dlgrade --help start-up:            median {med(helps):.3f} s  (min {min(helps):.3f}, n={len(helps)})")
    print(f"dlgrade grade batchnorm reference:  median {med(grades):.2f} s  (min {min(grades):.2f}, n={len(grades)})")
    print(f"same checks in-process:             median {med(inproc):.3f} s")
    print(f"same checks sandboxed (bubblewrap): median {med(boxed):.3f} s")
    print(f"sandbox overhead:                   {med(boxed) - med(inproc):.2f} s")


if __name__ == "__main__":
    main()
