"""Known mistakes, as runnable buggy implementations.

A :class:`Mistake` builds an API namespace that behaves like a submission
with one specific bug. When a check fails, the parent runs the same probe
on each mistake (trusted code, in-process) and, for every observation the
student got wrong, names the mistakes that reproduce the student's numbers
exactly (within the check's tolerance). This works on inputs never seen
before: it compares behaviour, not text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Mistake:
    """One known mistake.

    Attributes:
        id: short stable identifier (``"unbiased-normalisation"``).
        title: what the student did, as a phrase.
        explanation: why torch differs and how to fix it.
        build: returns an API namespace with the bug.
    """

    id: str
    title: str
    explanation: str
    build: Callable[[], Any]
