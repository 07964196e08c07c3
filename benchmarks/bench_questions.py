"""Question-bank speed: generation rate, checking rate, quiz start-up time.

Run: ``.venv/bin/python benchmarks/bench_questions.py [--quick]``. Prints
the figures; exits 0. Start-up is measured as a student sees it: spawn the
``dlgrade`` console script with piped stdin and time until the first
question's answer prompt appears on stdout (median of several runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from question_bank.check import check_answer  # noqa: E402
from question_bank.question import make_question  # noqa: E402
from question_bank.topics import TOPICS  # noqa: E402

PROMPT = b"Your answer"


def rate(work: Callable[[int], None], n: int) -> float:
    """Items per second for ``work(n)``."""
    start = time.perf_counter()
    work(n)
    return n / (time.perf_counter() - start)


def generation(n: int) -> None:
    names = list(TOPICS)
    for k in range(n):
        make_question(names[k % len(names)], k)


def generation_with_solution(n: int) -> None:
    names = list(TOPICS)
    for k in range(n):
        q = make_question(names[k % len(names)], k)
        q.explanation()
        q.hint()


def _checks(kinds: tuple[str, ...]) -> Callable[[int], None]:
    names = [name for name, topic in TOPICS.items() if topic.kind in kinds]
    questions = [make_question(names[k % len(names)], k) for k in range(len(names) * 20)]

    def work(n: int) -> None:
        for k in range(n):
            q = questions[k % len(questions)]
            check_answer(q, q.answer if k % 2 else "12345")

    return work


def dlgrade_command() -> list[str]:
    script = Path(sys.executable).parent / "dlgrade"
    return [str(script)] if script.exists() else [sys.executable, "-m", "grader.cli"]


def time_to_first_question(data_dir: str, timeout: float = 30.0) -> float:
    """Seconds from spawning ``dlgrade quiz`` until its first answer prompt is printed."""
    args = [*dlgrade_command(), "quiz", "-t", "conv2d_output", "-d", "easy", "-n", "1", "--data-dir", data_dir]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    seen = b""
    try:
        while PROMPT not in seen:
            chunk = os.read(proc.stdout.fileno(), 4096)  # type: ignore[union-attr]
            if not chunk or time.perf_counter() - start > timeout:
                raise RuntimeError(f"quiz did not prompt: {seen[-200:]!r}")
            seen += chunk
        elapsed = time.perf_counter() - start
        proc.communicate(b"q\n", timeout=timeout)
    finally:
        proc.kill() if proc.poll() is None else None
    return elapsed


def python_startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    args = parser.parse_args()
    scale = 1 if args.quick else 5
    runs = 3 if args.quick else 9

    print(f"question bank: {len(TOPICS)} topics")
    print(f"generation, params + prompt + answer:        {rate(generation, 2000 * scale):10,.0f} questions/s")
    print(f"generation, with worked solution and hint:   {rate(generation_with_solution, 1000 * scale):10,.0f} questions/s")
    print(f"checking, numeric answers (half wrong):      {rate(_checks(('integer', 'real', 'shape')), 2000 * scale):10,.0f} checks/s")
    formula = _checks(("expression",))
    formula(1)  # sympy's import is a one-off; measure steady state
    print(f"checking, formula answers via sympy:         {rate(formula, 40 * scale):10,.0f} checks/s")

    with tempfile.TemporaryDirectory() as data_dir:
        time_to_first_question(data_dir)  # warm the file cache and create the database
        times = sorted(time_to_first_question(data_dir) for _ in range(runs))
        baseline = statistics.median(python_startup() for _ in range(runs))
    print(f"quiz start-up to first question (median of {runs}): {statistics.median(times) * 1000:6.0f} ms "
          f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}; bare python -c pass: {baseline * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
