"""Leitner boxes per topic: the quiz asks more from the topics you miss.

Every topic sits in a box from 1 (weak, new) to :data:`BOXES` (mastered).
A correct answer without a hint moves the topic up one box, a correct answer
after a hint keeps it where it is, a wrong or skipped answer sends it back
to box 1. A topic in box ``b`` is drawn with weight ``2^(BOXES − b)``: box 1
comes up 16 times as often as box 5.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

BOXES = 5
FIRST_BOX = 1


def next_box(box: int, correct: bool, hinted: bool = False) -> int:
    """The box after one answer (see the module docstring)."""
    if not correct:
        return FIRST_BOX
    return box if hinted else min(box + 1, BOXES)


def weight(box: int) -> float:
    """Drawing weight of a topic in ``box``."""
    return float(2 ** (BOXES - min(max(box, FIRST_BOX), BOXES)))


def draw_topics(topics: Sequence[str], boxes: Mapping[str, int], length: int, rng: random.Random) -> list[str]:
    """``length`` topics drawn by Leitner weight.

    With three or more topics the same topic never comes twice in a row;
    with two, the weights alone decide (alternating would cancel them).

    Example::

        >>> draw_topics(["a", "b"], {"b": 5}, 4, random.Random(0))  # doctest: +SKIP
        ['a', 'b', 'a', 'b']
    """
    if not topics:
        return []
    chosen: list[str] = []
    for _ in range(length):
        pool = [t for t in topics if len(topics) < 3 or not chosen or t != chosen[-1]]
        weights = [weight(boxes.get(t, FIRST_BOX)) for t in pool]
        chosen.append(rng.choices(pool, weights)[0])
    return chosen
