"""Leitner boxes: movement and the weighting that favours weak topics."""

from __future__ import annotations

import random
from collections import Counter

from question_bank.leitner import BOXES, draw_topics, next_box, weight


def test_box_movement() -> None:
    assert next_box(1, correct=True) == 2
    assert next_box(BOXES, correct=True) == BOXES
    assert next_box(4, correct=False) == 1
    assert next_box(3, correct=True, hinted=True) == 3  # a hinted answer does not promote


def test_weights_fall_with_the_box() -> None:
    assert [weight(b) for b in range(1, BOXES + 1)] == sorted((weight(b) for b in range(1, BOXES + 1)), reverse=True)
    assert weight(1) == 16 * weight(5)


def test_weak_topics_come_up_more_often() -> None:
    drawn = Counter(draw_topics(["weak", "strong", "middle"], {"weak": 1, "strong": 5, "middle": 3}, 3000,
                                random.Random(0)))
    assert drawn["weak"] > drawn["middle"] > drawn["strong"] > 0


def test_unseen_topics_count_as_weak() -> None:
    drawn = Counter(draw_topics(["new", "known"], {"known": 5}, 1000, random.Random(1)))
    assert drawn["new"] > drawn["known"]


def test_no_topic_twice_in_a_row_with_three_or_more_topics() -> None:
    drawn = draw_topics(["a", "b", "c"], {"a": 1, "b": 5, "c": 5}, 500, random.Random(2))
    assert all(x != y for x, y in zip(drawn, drawn[1:]))
    assert draw_topics(["only"], {}, 3, random.Random(0)) == ["only"] * 3
    assert draw_topics([], {}, 3, random.Random(0)) == []
