"""What a topic is: PrairieLearn's question hooks as a frozen dataclass.

A topic is a family of questions. ``generate(rng, level)`` draws the
displayed parameters (already rounded or chosen from a grid, so the answer is
computed from exactly what the student sees), ``answer(params)`` computes the
exact answer, ``explain(params)`` writes the worked solution with the numbers
substituted and ``hint(params)`` a nudge without the numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Params = dict[str, Any]
"""JSON-serialisable parameters of one question (ints, bools, floats, strings, lists)."""

AnswerValue = int | float | str | tuple[int, ...]
"""An exact answer: an int, a float (``kind="real"``), an expression string
(``kind="expression"``) or a shape tuple (``kind="shape"``)."""

Mistakes = list[tuple[AnswerValue | None, str]]
"""Known slips: ``(value the slip gives or None, feedback naming the slip)``."""

AnswerKind = Literal["integer", "real", "expression", "shape"]

LEVELS: dict[int, str] = {1: "easy", 2: "medium", 3: "hard"}
"""Difficulty levels by number; the names are what users type."""


@dataclass(frozen=True)
class Topic:
    """One family of randomised questions.

    Args:
        name: the topic id used in question ids, e.g. ``"conv2d_output"``.
        title: a short human title.
        generate: ``(rng, level) -> params``; only valid configurations.
        prompt: ``params -> str``, the question text.
        answer: ``params -> AnswerValue``, the exact answer.
        explain: ``params -> str``, the worked solution, step by step.
        hint: ``params -> str``, the formula or idea, no numbers worked out.
        kind: how answers are read and compared (see :data:`AnswerKind`).
        rtol: relative tolerance for ``kind="real"`` (stated in the prompt).
        symbols: names a student may use in a ``kind="expression"`` answer.
        domain: ``params -> [{symbol: int}]``, the points where two formulas
            must agree when sympy cannot prove them equal (floor, ceil).
        mistakes: ``params -> [(value, message)]``, answers that come from a
            known slip, with feedback that names the slip (``None`` values
            and values equal to the answer are ignored).
        module: the torch module the answer describes ("" when none).
    """

    name: str
    title: str
    generate: Callable[[random.Random, int], Params]
    prompt: Callable[[Params], str]
    answer: Callable[[Params], AnswerValue]
    explain: Callable[[Params], str]
    hint: Callable[[Params], str]
    kind: AnswerKind = "integer"
    rtol: float = 0.0
    symbols: tuple[str, ...] = ()
    domain: Callable[[Params], list[dict[str, int]]] | None = None
    mistakes: Callable[[Params], Mistakes] | None = None
    module: str = ""
