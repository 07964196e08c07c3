"""Results of grading one submission, and their Gradescope JSON form
(SPEC §3: every key always present; ``score`` is the sum of the tests')."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .check import Check

PASSED = "passed"
FAILED = "failed"


@dataclass
class TestResult:
    check: Check
    passed: bool
    output: str = ""
    mistakes: list[str] = field(default_factory=list)   # ids of fingerprinted mistakes
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return float(self.check.points) if self.passed else 0.0

    @property
    def status(self) -> str:
        return PASSED if self.passed else FAILED

    def as_json(self) -> dict:
        out = {
            "name": self.check.name,
            "number": self.check.number,
            "score": self.score,
            "max_score": float(self.check.points),
            "status": self.status,
            "output": self.output,
            "visibility": self.check.visibility,
        }
        if self.mistakes:
            out["tags"] = list(self.mistakes)
        return out


@dataclass
class Results:
    assignment: str
    submission: str
    tests: list[TestResult]
    sandbox: dict
    execution_time: float = 0.0
    messages: list[str] = field(default_factory=list)   # submission-wide notes, shown first
    student_output: str = ""

    @property
    def score(self) -> float:
        return float(sum(t.score for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.check.points for t in self.tests))

    def output(self) -> str:
        lines = list(self.messages)
        if not self.sandbox.get("isolated", False):
            lines.insert(0, "WARNING: " + self.sandbox.get("detail", "the submission ran without a sandbox"))
        passed = sum(t.passed for t in self.tests)
        lines.append(f"{passed} of {len(self.tests)} checks passed; score {_fmt(self.score)} / "
                     f"{_fmt(self.max_score)}.")
        if self.student_output.strip():
            lines.append("Output printed by your code (first part):\n" + self.student_output[:2000])
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.execution_time, 3),
            "output": self.output(),
            "tests": [t.as_json() for t in self.tests],
            "assignment": self.assignment,
            "sandbox": dict(self.sandbox),
        }


def _fmt(x: float) -> str:
    return f"{x:g}"
