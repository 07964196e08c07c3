"""A wall-clock limit for one step of answer checking (sympy's simplify).

Uses ``SIGALRM`` where it can (Unix, main thread). Elsewhere the limit is
not enforced and callers rely on the structural caps of
:mod:`question_bank.parse` and :mod:`question_bank.symbolic` instead, which
keep every expression small enough for sympy in any case.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class CheckTimeout(Exception):
    """Raised inside a :func:`deadline` block when its time is up."""


def can_interrupt() -> bool:
    """True when :func:`deadline` can actually stop the work (Unix main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[bool]:
    """Raise :class:`CheckTimeout` in the block after ``seconds``.

    Yields whether the limit is enforced (see :func:`can_interrupt`).
    An outer timer (one already armed) is left alone and not enforced.

    Example::

        >>> with deadline(0.5) as enforced:
        ...     pass
    """
    if not can_interrupt() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield False
        return

    def _expire(signum: int, frame: object) -> None:
        raise CheckTimeout(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
