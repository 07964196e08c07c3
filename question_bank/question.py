"""Questions: one topic, one seed, fully reproducible from ``TOPIC/SEED``.

The generator is seeded from the id string itself (never from global
state), so ``conv2d_output/42`` is the same question on every machine and
in every run; the first draw picks the difficulty, the topic's
``generate`` draws the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import BadQuestionId
from .rng import QuestionRng
from .topic import LEVELS, AnswerKind, AnswerValue, Params, Topic
from .topics import get_topic

_ID = re.compile(r"^([a-z][a-z0-9_]*)/([0-9]{1,15})$")
MAX_SEED = 10**15 - 1


def parse_question_id(question_id: str) -> tuple[str, int]:
    """Split ``"conv2d_output/42"`` into ``("conv2d_output", 42)``.

    Raises:
        BadQuestionId: when the text is not ``TOPIC/SEED`` with a
            non-negative integer seed of at most 15 digits.
    """
    match = _ID.match(question_id.strip())
    if match is None:
        shown = question_id if len(question_id) <= 60 else question_id[:57] + "..."
        raise BadQuestionId(f"bad question id {shown!r}: expected TOPIC/SEED, e.g. conv2d_output/42")
    return match.group(1), int(match.group(2))


def format_answer(value: AnswerValue, kind: AnswerKind) -> str:
    """The answer as the string of SPEC §4 (one that sympy parses)."""
    if kind == "shape":
        dims = tuple(int(v) for v in value)  # type: ignore[union-attr]
        return f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(map(str, dims)) + ")"
    if kind == "real":
        return f"{float(value):.6g}"  # type: ignore[arg-type]
    return str(value)


def _rng(topic: str, seed: int) -> QuestionRng:
    return QuestionRng(f"{topic}/{seed}")


def level_of(topic: str, seed: int) -> int:
    """The difficulty (1-3) of question ``topic/seed``, without generating it."""
    return _rng(topic, seed).randint(1, 3)


@dataclass(frozen=True)
class Question:
    """One generated question; ``explanation()`` and ``hint()`` are computed on demand."""

    topic: Topic = field(repr=False)
    seed: int
    level: int
    params: Params
    prompt: str
    answer: str
    value: AnswerValue = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.topic.name}/{self.seed}"

    @property
    def difficulty(self) -> str:
        return LEVELS[self.level]

    def explanation(self) -> str:
        """The worked solution, formula first, numbers substituted."""
        return self.topic.explain(self.params)

    def hint(self) -> str:
        """A nudge: the formula or idea, without the numbers worked out."""
        return self.topic.hint(self.params)

    def to_json(self, *, with_solution: bool = True) -> dict[str, Any]:
        """The SPEC §4 object (``id, topic, prompt, params, answer``) plus extras."""
        out: dict[str, Any] = {
            "id": self.id,
            "topic": self.topic.name,
            "prompt": self.prompt,
            "params": self.params,
            "answer": self.answer,
            "difficulty": self.difficulty,
            "kind": self.topic.kind,
            "title": self.topic.title,
        }
        if self.topic.kind == "real":
            out["rtol"] = self.topic.rtol
        if self.topic.kind == "expression":
            out["symbols"] = list(self.topic.symbols)
        if with_solution:
            out["hint"] = self.hint()
            out["explanation"] = self.explanation()
        else:
            del out["answer"]
        return out


def make_question(topic_name: str, seed: int) -> Question:
    """Generate question ``topic_name/seed``.

    Args:
        topic_name: a key of :data:`question_bank.topics.TOPICS`.
        seed: a non-negative integer (at most 15 digits).

    Raises:
        UnknownTopic: for a topic that does not exist.
        BadQuestionId: for a negative or too large seed.

    Example::

        >>> make_question("conv2d_output", 42).id
        'conv2d_output/42'
    """
    topic = get_topic(topic_name)
    if not 0 <= seed <= MAX_SEED:
        raise BadQuestionId(f"seed must be between 0 and {MAX_SEED} (got {seed})")
    rng = _rng(topic.name, seed)
    level = rng.randint(1, 3)
    params = topic.generate(rng, level)
    value = topic.answer(params)
    return Question(topic, seed, level, params, topic.prompt(params), format_answer(value, topic.kind), value)


def question_from_id(question_id: str) -> Question:
    """``make_question`` from a ``TOPIC/SEED`` string."""
    topic, seed = parse_question_id(question_id)
    return make_question(topic, seed)


def seeds_at_level(topic_name: str, start: int, n: int, level: int | None = None) -> list[int]:
    """The first ``n`` seeds from ``start`` on whose question has ``level``.

    With ``level=None`` these are simply ``start, start + 1, ...``.
    """
    get_topic(topic_name)
    seeds: list[int] = []
    seed = start
    while len(seeds) < n:
        if seed > MAX_SEED:
            raise BadQuestionId(f"ran out of seeds below {MAX_SEED}")
        if level is None or level_of(topic_name, seed) == level:
            seeds.append(seed)
        seed += 1
    return seeds
