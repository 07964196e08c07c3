"""Accuracy per topic over time, from the stored attempts."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .leitner import FIRST_BOX
from .progress import Attempt

WEEK = 7 * 24 * 3600.0


@dataclass
class TopicStats:
    """One topic's record.

    Attributes:
        weekly: accuracy (0-1, or None without attempts) in each of the last
            weeks, oldest first; the last entry is the last 7 days.
    """

    topic: str
    box: int = FIRST_BOX
    attempts: int = 0
    correct: int = 0
    weekly: list[float | None] = field(default_factory=list)
    last_seen: float = 0.0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


def topic_stats(
    attempts: Iterable[Attempt], boxes: Mapping[str, int], *, now: float | None = None, weeks: int = 4
) -> list[TopicStats]:
    """Per-topic totals and weekly accuracy, weakest box first.

    Example::

        >>> topic_stats([], {})
        []
    """
    now = time.time() if now is None else now
    rows: dict[str, TopicStats] = {}
    windows: dict[str, list[list[int]]] = {}
    for a in attempts:
        row = rows.setdefault(a.topic, TopicStats(a.topic, boxes.get(a.topic, FIRST_BOX)))
        row.attempts += 1
        row.correct += a.correct
        row.last_seen = max(row.last_seen, a.answered_at)
        age = int((now - a.answered_at) // WEEK)
        if 0 <= age < weeks:
            counts = windows.setdefault(a.topic, [[0, 0] for _ in range(weeks)])[weeks - 1 - age]
            counts[0] += a.correct
            counts[1] += 1
    for topic, row in rows.items():
        counts = windows.get(topic, [[0, 0] for _ in range(weeks)])
        row.weekly = [c / n if n else None for c, n in counts]
    return sorted(rows.values(), key=lambda r: (r.box, r.accuracy or 0.0, r.topic))


def percent(x: float | None) -> str:
    """``0.75 -> "75%"``, ``None -> "–"``."""
    return "–" if x is None else f"{x:.0%}"


def render(rows: list[TopicStats], *, path: str = "") -> None:
    """Print the stats as a rich table on stdout."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("No quiz answers stored yet: run [bold]dlgrade quiz[/bold] first.")
        return
    weeks = len(rows[0].weekly)
    table = Table(title="Quiz progress by topic (weakest first)", box=box.SIMPLE_HEAD)
    table.add_column("topic", no_wrap=True)
    table.add_column("box", justify="right", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("right", justify="right")
    for w in range(weeks, 0, -1):
        table.add_column("this wk" if w == 1 else f"-{w - 1}wk", justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r.topic, f"{r.box}/5", str(r.attempts), percent(r.accuracy), *map(percent, r.weekly))
    console.print(table)
    total, right = sum(r.attempts for r in rows), sum(r.correct for r in rows)
    console.print(f"{right}/{total} correct overall ({percent(right / total)}). Box 1 topics come up most often.")
    if path:
        console.print(f"[dim]progress file: {path}[/dim]")
