"""A random generator whose draws stay the same across Python versions.

Question ids (``TOPIC/SEED``) must give the same question years later: an
exam's answer key is regenerated from its ids when the responses come back.
Python guarantees only ``Random.random()`` to be reproducible for a given
seed; ``randint``, ``choice`` and friends may change their algorithms. This
subclass rebuilds the few draws the topics use on top of ``random()``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class QuestionRng(random.Random):
    """``random.Random`` seeded from a string, with version-stable draws.

    Args:
        seed: any string; questions use their id, e.g. ``"conv2d_output/42"``.

    Example::

        >>> rng = QuestionRng("conv2d_output/42")
        >>> 1 <= rng.randint(1, 3) <= 3
        True
    """

    def __init__(self, seed: str) -> None:
        super().__init__(seed)

    def randint(self, a: int, b: int) -> int:
        """Uniform integer in ``[a, b]``, both ends included."""
        if b < a:
            raise ValueError(f"empty range for randint({a}, {b})")
        return a + min(int(self.random() * (b - a + 1)), b - a)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        """Uniform integer from ``range(start, stop, step)``."""
        if stop is None:
            start, stop = 0, start
        return self.choice(range(start, stop, step))

    def choice(self, seq: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        if not seq:
            raise IndexError("cannot choose from an empty sequence")
        return seq[self.randint(0, len(seq) - 1)]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.random() < p
