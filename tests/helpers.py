"""Helpers shared by test modules (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import re
import site
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "submissions"


@dataclass(frozen=True)
class Expectation:
    kind: str                     # full | zero | loses | at-most
    bound: float | None
    messages: tuple[str, ...]
    mistakes: tuple[str, ...] = ()


EXPECT = re.compile(r"^# expect: (full|zero|loses|at most (?P<bound>[0-9.]+))\s*$", re.M)
EXPECT_MESSAGE = re.compile(r"^# expect-message: (.+?)\s*$", re.M)
EXPECT_MISTAKE = re.compile(r"^# expect-mistake: (.+?)\s*$", re.M)


def expectation(path: Path) -> Expectation:
    text = path.read_text()
    m = EXPECT.search(text)
    if m is None:
        raise ValueError(f"{path} has no '# expect:' header")
    kind = "at-most" if m.group("bound") else m.group(1)
    bound = float(m.group("bound")) if m.group("bound") else None
    return Expectation(kind, bound, tuple(EXPECT_MESSAGE.findall(text)), tuple(EXPECT_MISTAKE.findall(text)))


def fixture_files(assignment: str, kind: str) -> list[Path]:
    return sorted((FIXTURES / assignment / kind).glob("*.py"))


def run_from_bundle(built: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`dlgrade ARGS` with only the bundle and third-party packages importable:
    -S skips site's .pth files, so the developer's editable install is invisible."""
    packages = [p for p in site.getsitepackages() if "site-packages" in p]
    code = ("import sys; sys.path[:0] = %r; import grader; "
            "assert grader.__file__.startswith(%r), grader.__file__; "
            "from grader.cli import main; sys.argv = ['dlgrade'] + %r; main()") % (
        [str(built)] + packages, str(built), list(args))
    return subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def verdicts(assignment: str, api, checks) -> dict[str, bool]:
    """Check number -> passed, for ``api`` run in-process against the oracle
    (derived observations compared where a check derives; an exception fails)."""
    from grader import fingerprints, pipeline
    from grader.compare import compare

    out = {}
    for check in checks:
        try:
            got = check.observe(fingerprints.run_probe(assignment, api, check))
        except Exception:  # noqa: BLE001 - a variant may crash where its bug breaks shapes
            out[check.number] = False
            continue
        out[check.number] = not compare(pipeline.oracle_observations(assignment, check), got, check.keys,
                                        check.tolerance)
    return out


def named_mistakes(assignment: str, api, checks) -> dict[str, set[str]]:
    """Check number -> ids of the mistakes the pipeline's compare and
    fingerprint steps name, from ``api``'s observations as if a sandboxed
    child had reported them."""
    from grader import fingerprints, pipeline
    from grader.assignments import get
    from grader.runner import ChildReport, Outcome
    from grader.sandbox import Limits, SandboxInfo

    outcomes = {}
    for check in checks:
        try:
            outcomes[check.id] = Outcome(observations=fingerprints.run_probe(assignment, api, check))
        except Exception as exc:  # noqa: BLE001
            outcomes[check.id] = Outcome(error={"type": type(exc).__name__, "message": str(exc)})
    ctx = pipeline.Context(assignment=get(assignment), path=None, checks=tuple(checks), limits=Limits(),
                           sandbox=SandboxInfo(False, "none", "in-process test"),
                           child=ChildReport(outcomes=outcomes))
    pipeline.compare_step(ctx)
    pipeline.fingerprint_step(ctx)
    return {number: {m.id for m, _ in found} for number, found in ctx.mistakes.items()}


def graded_example(assignment: str, student: str):
    """Grade ``examples/ASSIGNMENT/STUDENT.py`` on the visible checks:
    (results, groups that lost points, ids of the mistakes named)."""
    from grader import api

    results = api.grade(assignment, ROOT / "examples" / assignment / f"{student}.py", include_hidden=False)
    lost = {t.check.group for t in results.tests if not t.passed}
    named = {m for t in results.tests for m in t.mistakes}
    return results, lost, named
