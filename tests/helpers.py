"""Helpers shared by test modules (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import re
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
