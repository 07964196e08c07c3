"""Judging an answer: parse safely, compare by the question's kind, teach.

* ``integer``: exact (``15``, ``30/2``, ``1.5e1`` and ``(32+2-5)//2+1`` are
  all 15).
* ``real``: within the relative tolerance the prompt states.
* ``shape``: a tuple of integers, ``(16, 5, 5)``, ``16, 5, 5`` or ``16x5x5``.
* ``expression``: the same function as the expected formula (sympy proof,
  exact evaluation on the question's domain for floor/ceil formulas).

A wrong answer that matches a known slip gets feedback naming the slip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from .errors import AnswerRejected
from .evaluate import Number, evaluate
from .parse import Parsed, parse_answer
from .question import Question
from .rng import QuestionRng

Status = Literal["correct", "wrong", "rejected"]
DOMAIN_POINTS = 48


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer.

    Attributes:
        correct: whether the answer is accepted.
        feedback: one line for the student (``"Correct."``, the slip, or why
            the answer could not be read).
        expected: the answer string of the question.
        status: ``"correct"``, ``"wrong"`` or ``"rejected"`` (unreadable).
    """

    correct: bool
    feedback: str
    expected: str
    status: Status

    def to_json(self) -> dict[str, Any]:
        """SPEC §2's ``{"correct", "feedback"}`` plus ``expected`` and ``status``."""
        return {"correct": self.correct, "feedback": self.feedback, "expected": self.expected, "status": self.status}


def check_answer(question: Question, answer: str) -> Verdict:
    """Judge ``answer`` to ``question``; never raises for any text.

    Example::

        >>> from question_bank.question import question_from_id
        >>> check_answer(question_from_id("conv2d_output/42"), "58/2").correct
        True
    """
    kind = question.topic.kind
    try:
        parsed = parse_answer(answer, question.topic.symbols if kind == "expression" else (), allow_tuple=kind == "shape")
        if kind == "expression":
            return _check_expression(question, parsed)
        value = evaluate(parsed)
    except AnswerRejected as exc:
        return Verdict(False, f"Could not read your answer: {exc}.", question.answer, "rejected")
    if kind == "shape":
        return _check_shape(question, value)
    if isinstance(value, tuple):
        return Verdict(False, "Could not read your answer: give a single value.", question.answer, "rejected")
    if kind == "real":
        return _check_real(question, value)
    return _check_integer(question, value)


def _same(a: Number, b: Number) -> bool:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9)


def _number(value: object) -> Number:
    return value if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]


def _slip(question: Question, value: Number) -> str | None:
    """The message of the known slip that gives ``value``, if any."""
    if question.topic.mistakes is None:
        return None
    expected = _number(question.value)
    for slip, message in question.topic.mistakes(question.params):
        if slip is None or isinstance(slip, (str, tuple)) or _same(_number(slip), expected):
            continue
        matches = _within if question.topic.kind == "real" else lambda a, b, _: _same(a, b)
        if matches(value, _number(slip), question.topic.rtol):
            return message
    return None


def _wrong(question: Question, value: Number, default: str) -> Verdict:
    message = _slip(question, value)
    feedback = f"Not quite: {message} The answer is {question.answer}." if message else default
    return Verdict(False, feedback, question.answer, "wrong")


def _check_integer(question: Question, value: Number) -> Verdict:
    if _same(value, Fraction(int(question.value))):  # type: ignore[arg-type]
        return Verdict(True, f"Correct: {question.answer}.", question.answer, "correct")
    shown = _show(value)
    return _wrong(question, value, f"Incorrect: you answered {shown}; the answer is {question.answer}.")


def _within(value: Number, expected: Number, rtol: float) -> bool:
    return abs(float(value) - float(expected)) <= rtol * abs(float(expected))


def _check_real(question: Question, value: Number) -> Verdict:
    expected = float(question.value)  # type: ignore[arg-type]
    rtol = question.topic.rtol
    if _within(value, expected, rtol):
        return Verdict(True, f"Correct: {question.answer} (within {rtol:.1%}).", question.answer, "correct")
    off = abs(float(value) - expected) / abs(expected) if expected else math.inf
    return _wrong(
        question, value,
        f"Incorrect: {_show(value)} is {off:.2%} away from {question.answer}; answers within {rtol:.1%} are accepted.",
    )


def _check_shape(question: Question, value: Any) -> Verdict:
    expected = tuple(question.value)  # type: ignore[arg-type]
    got = value if isinstance(value, tuple) else (value,)
    if any(not (isinstance(v, Fraction) and v.denominator == 1) for v in got):
        return Verdict(False, "Could not read your answer: a shape has whole numbers only.", question.answer, "rejected")
    dims = tuple(int(v) for v in got)
    if dims == expected:
        return Verdict(True, f"Correct: {question.answer}.", question.answer, "correct")
    if len(dims) != len(expected):
        return Verdict(False, f"Incorrect: the output has {len(expected)} dimension{'s' if len(expected) > 1 else ''} "
                       f"(batch left out); the answer is {question.answer}.", question.answer, "wrong")
    which = ", ".join(name for name, a, b in zip(("C", "H", "W"), dims, expected) if a != b) if len(dims) == 3 else "size"
    return Verdict(False, f"Incorrect ({which} wrong): the answer is {question.answer}.", question.answer, "wrong")


def domain_points(question: Question) -> list[dict[str, int]]:
    """Where two formulas for ``question`` must agree (the topic's domain or a fixed random sample)."""
    if question.topic.domain is not None:
        return question.topic.domain(question.params)
    rng = QuestionRng(f"domain/{question.id}")
    return [{s: rng.randint(1, 64) for s in question.topic.symbols} for _ in range(DOMAIN_POINTS)]


def _check_expression(question: Question, parsed: Parsed) -> Verdict:
    from .symbolic import equivalent

    expected = parse_answer(question.answer, question.topic.symbols)
    if equivalent(parsed, expected, domain_points(question)):
        return Verdict(True, f"Correct: equivalent to {question.answer}.", question.answer, "correct")
    return Verdict(False, f"Incorrect: not equivalent to {question.answer}.", question.answer, "wrong")


def _show(value: Number) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value} (= {float(value):.6g})"
    return f"{value:.6g}"
