"""Grading speed of conv submissions (a script, not a test).

For a vectorised submission, one looping in Python over output positions
and one looping over every multiply-add, reports on this machine:

  * the wall time of grading it with every check (sandboxed child included);
  * its checks' own times in the sandbox (sum, slowest, and which);
  * the same probes run in-process without and with the run-time tripwire,
    to show what intercepting every tensor operation costs loop code.

Every check's limit is 10 s (grader/check.py); the point of the figures is
the margin a slow but correct submission keeps below it.

Usage: python benchmarks/bench_conv.py [--repeat N]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "submissions" / "conv"
SUBMISSIONS = {
    "vectorised (unfold + matmul)": FIXTURES / "correct" / "unfold_matmul.py",
    "loops over output positions": FIXTURES / "correct" / "loops_over_outputs.py",
    "loops over every multiply-add": FIXTURES / "slow" / "scalar_loops.py",
}


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_process_seconds(path: Path, tripwire: bool) -> float:
    """Every check's probe on the submission in this process (one thread, like the child)."""
    import torch

    from grader import assignments
    from grader.child.probes import PROBES
    from grader.child.tripwire import Tripwire

    spec = assignments.get("conv")
    module = _load(path)
    wire = Tripwire(spec.forbidden_functions, spec.forbidden_aten) if tripwire else None
    torch.set_num_threads(1)
    start = time.perf_counter()
    for check in spec.checks(include_hidden=True):
        if wire is None:
            PROBES["conv"][check.probe](module, **check.args)
        else:
            with wire:
                PROBES["conv"][check.probe](module, **check.args)
            assert not wire.take()
    return time.perf_counter() - start


def sandboxed(path: Path) -> tuple[float, list[tuple[float, str]]]:
    from grader import api

    start = time.perf_counter()
    results = api.grade("conv", path)
    wall = time.perf_counter() - start
    assert results.score == results.max_score, [t.check.number for t in results.tests if not t.passed]
    return wall, sorted(((t.seconds, t.check.number) for t in results.tests), reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"conv grading, {args.repeat} run(s) each, median; every check's limit is 10 s")
    for label, path in SUBMISSIONS.items():
        walls, sums, slowest = [], [], []
        for _ in range(args.repeat):
            wall, per_check = sandboxed(path)
            walls.append(wall)
            sums.append(sum(s for s, _ in per_check))
            slowest.append(per_check[0])
        plain = statistics.median(in_process_seconds(path, tripwire=False) for _ in range(args.repeat))
        wired = statistics.median(in_process_seconds(path, tripwire=True) for _ in range(args.repeat))
        worst = max(slowest)
        print(f"\n{label}  ({path.relative_to(ROOT)})")
        print(f"  grade, all checks, sandboxed:   {statistics.median(walls):6.2f} s wall")
        print(f"  checks' own time in the child:  {statistics.median(sums):6.2f} s in all, slowest "
              f"{worst[0]:.2f} s (check {worst[1]})")
        print(f"  probes in-process:              {plain:6.2f} s plain, {wired:6.2f} s under the tripwire "
              f"(x{wired / plain:.1f})")


if __name__ == "__main__":
    main()
