"""How a dlgrade notebook maps onto an assignment: cell ids and test groups.

Cell ids (nbgrader's ``grade_id``), for assignment ``A``:

- ``A-provided-K``: read-only code the student builds on (imports, helpers);
- ``A-solution-NAME``: the student's cell for top-level definition ``NAME``;
- ``A-tests-GROUP``: the autograded test cell of one check group, worth the
  group's points (visible and hidden checks together).

Checks without a group form a group of their own, keyed by their number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import assignments
from ..assignments import Assignment
from ..check import HIDDEN, Check
from . import NbgraderError


@dataclass(frozen=True)
class Group:
    """One test cell: the checks of one group of one assignment."""

    assignment: str
    key: str                      # the check group ("forward"), or "check 1.4"
    checks: tuple[Check, ...]

    @property
    def grade_id(self) -> str:
        return test_id(self.assignment, self.key)

    @property
    def points(self) -> float:
        return float(sum(c.points for c in self.checks))

    @property
    def visible(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.visibility != HIDDEN)

    @property
    def hidden(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.visibility == HIDDEN)

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(c.number for c in self.checks)


def slug(text: str) -> str:
    """``"running statistics"`` -> ``"running_statistics"`` (nbgrader's grade_id alphabet; case kept: conv has groups ``conv2d`` and ``Conv2d``)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "checks"


def provided_id(assignment: str, k: int) -> str:
    return f"{assignment}-provided-{k}"


def solution_id(assignment: str, name: str) -> str:
    return f"{assignment}-solution-{name}"


def test_id(assignment: str, key: str) -> str:
    return f"{assignment}-tests-{slug(key)}"


def groups(spec: Assignment) -> list[Group]:
    """The assignment's check groups, in the order their first check comes
    (visible checks first, then hidden ones)."""
    by_key: dict[str, list[Check]] = {}
    for check in spec.checks(include_hidden=True):
        by_key.setdefault(check.group or f"check {check.number}", []).append(check)
    found = [Group(spec.name, key, tuple(checks)) for key, checks in by_key.items()]
    ids = [g.grade_id for g in found]
    clash = sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise NbgraderError(f"check groups of {spec.name!r} give the same cell id {clash[0]!r}: "
                            "rename one of the groups")
    return found


def test_index() -> dict[str, Group]:
    """Test-cell grade_id -> its group, for every available assignment."""
    return {g.grade_id: g for name in assignments.available() for g in groups(assignments.get(name))}
