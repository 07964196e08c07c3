"""The self-quiz: plan a session, ask, judge, explain, remember.

The loop talks to the student through a two-method :class:`QuizIO`
(``say``/``ask``) so tests drive it with scripted answers; the command line
uses :class:`TerminalIO`. Nothing here imports torch or sympy (sympy is
loaded only when a formula answer is checked).
"""

from __future__ import annotations

import random
import sys
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from .leitner import draw_topics
from .progress import Progress
from .question import Question, make_question, seeds_at_level

HINT_KEYS = ("?", "h", "hint")
SKIP_KEYS = ("s", "skip")
QUIT_KEYS = ("q", "quit", "exit")


class QuizIO(Protocol):
    """How the quiz talks to the student."""

    def say(self, text: str) -> None: ...

    def ask(self, prompt: str) -> str:
        """One line of input; raises ``EOFError`` at the end of input."""
        ...


class TerminalIO:
    """:class:`QuizIO` on stdin/stdout (line editing when stdin is a terminal)."""

    def say(self, text: str) -> None:
        import click

        click.echo(text)

    def ask(self, prompt: str) -> str:
        import click

        if sys.stdin.isatty():
            return input(prompt)
        click.echo(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")


@dataclass(frozen=True)
class Outcome:
    """What happened to one question."""

    question_id: str
    topic: str
    correct: bool
    hinted: bool
    skipped: bool


@dataclass
class Summary:
    """The end of a session."""

    outcomes: list[Outcome] = field(default_factory=list)
    planned: int = 0
    stopped: str = ""  # "", "quit", "end of input" or "interrupted"

    @property
    def score(self) -> int:
        return sum(o.correct for o in self.outcomes)

    def render(self) -> str:
        """A few lines: score, per-topic results, what to practise."""
        n = len(self.outcomes)
        if not n:
            return "No questions answered" + (f" ({self.stopped})." if self.stopped else ".")
        lines = [f"Score: {self.score}/{n} ({self.score / n:.0%})"
                 + (f", stopped early ({self.stopped}) after {n} of {self.planned}" if self.stopped else "")]
        per_topic: dict[str, list[int]] = {}
        for o in self.outcomes:
            per_topic.setdefault(o.topic, [0, 0])
            per_topic[o.topic][0] += o.correct
            per_topic[o.topic][1] += 1
        for topic, (right, asked) in sorted(per_topic.items(), key=lambda kv: kv[1][0] / kv[1][1]):
            lines.append(f"  {topic:<32} {right}/{asked}")
        hints = sum(o.hinted for o in self.outcomes)
        if hints:
            lines.append(f"Hints used: {hints}")
        weak = [t for t, (right, asked) in per_topic.items() if right < asked]
        if weak:
            lines.append("Practise next: " + ", ".join(sorted(weak)) + " (they will come up more often).")
        return "\n".join(lines)


def plan(
    topics: list[str], boxes: dict[str, int], length: int, level: int | None = None, seed: int | None = None
) -> list[Question]:
    """The session's questions: topics drawn by Leitner weight, fresh seeds.

    Args:
        topics: allowed topic names.
        boxes: Leitner box per topic (missing topics are box 1).
        length: number of questions.
        level: 1-3, or None for mixed difficulty.
        seed: makes the plan reproducible (tests, shared practice sets);
            None draws from the OS.
    """
    rng = random.Random(seed if seed is not None else int.from_bytes(uuid.uuid4().bytes[:6], "big"))
    questions = []
    for topic in draw_topics(topics, boxes, length, rng):
        start = rng.randint(0, 10**9)
        questions.append(make_question(topic, seeds_at_level(topic, start, 1, level)[0]))
    return questions


def run(questions: list[Question], io: QuizIO, store: Progress) -> Summary:
    """Ask every question, record each answer at once, return the summary.

    End of input and Ctrl-C end the session early; what was answered is
    already stored. ``q`` quits, ``s`` skips (counted wrong), ``?``/``h``
    shows a hint.
    """
    summary = Summary(planned=len(questions))
    session = uuid.uuid4().hex[:12]
    try:
        for n, question in enumerate(questions, start=1):
            outcome = _ask_one(question, n, len(questions), io)
            if outcome is None:
                summary.stopped = "quit"
                break
            outcome_answer, result = outcome
            store.record(session=session, question_id=question.id, topic=question.topic.name, level=question.level,
                         correct=result.correct, hinted=result.hinted, answer=outcome_answer)
            summary.outcomes.append(result)
    except EOFError:
        summary.stopped = "end of input"
        io.say("")
    except KeyboardInterrupt:
        summary.stopped = "interrupted"
        io.say("")
    return summary


def _ask_one(question: Question, n: int, total: int, io: QuizIO) -> tuple[str, Outcome] | None:
    from .check import check_answer

    io.say(f"\nQuestion {n}/{total} · {question.topic.title} · {question.difficulty} · {question.id}")
    io.say(question.prompt)
    hinted = False
    hint_keys = [k for k in HINT_KEYS if k not in question.topic.symbols]
    while True:
        text = io.ask(f"Your answer ({'/'.join(hint_keys[:2])} hint, s skip, q quit): ").strip()
        key = text.lower()
        if not text:
            continue
        if key in hint_keys:
            hinted = True
            io.say(f"Hint: {question.hint()}")
            continue
        if key in QUIT_KEYS:
            return None
        if key in SKIP_KEYS:
            io.say(f"Skipped. The answer is {question.answer}.\n{question.explanation()}")
            return text, Outcome(question.id, question.topic.name, False, hinted, True)
        verdict = check_answer(question, text)
        if verdict.status == "rejected":
            io.say(f"{verdict.feedback} Try again.")
            continue
        if verdict.correct:
            io.say(f"Correct! {verdict.feedback.removeprefix('Correct: ')}")
        else:
            io.say(f"{verdict.feedback}\nWorked solution:\n{question.explanation()}")
        return text, Outcome(question.id, question.topic.name, verdict.correct, hinted, False)
