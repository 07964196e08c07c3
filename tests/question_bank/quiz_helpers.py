"""A scripted student for quiz tests: reads the question id the quiz prints, answers by policy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from question_bank.question import Question, question_from_id

_ID = re.compile(r"· ([a-z0-9_]+/\d+)$", re.M)
Policy = Callable[[Question], Iterable[str]]


class ScriptedIO:
    """:class:`question_bank.quiz.QuizIO` whose inputs come from ``policy(question)``.

    The policy returns the lines typed for the current question; a line
    ``"<EOF>"`` or ``"<CTRL-C>"`` ends the input that way.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.transcript: list[str] = []
        self._pending: list[str] = []
        self._answered: set[str] = set()

    def say(self, text: str) -> None:
        self.transcript.append(text)

    def ask(self, prompt: str) -> str:
        self.transcript.append(prompt)
        current = _ID.findall("\n".join(self.transcript))[-1]
        if current not in self._answered:
            self._answered.add(current)
            self._pending = list(self.policy(question_from_id(current)))
        line = self._pending.pop(0)
        if line == "<EOF>":
            raise EOFError
        if line == "<CTRL-C>":
            raise KeyboardInterrupt
        return line

    @property
    def text(self) -> str:
        return "\n".join(self.transcript)


def answers_for(questions: Iterable[Question], wrong: Iterable[int] = ()) -> str:
    """stdin for a planned session: right answers, except the (0-based) ``wrong`` ones."""
    bad = set(wrong)
    return "".join(("-1" if n in bad else q.answer) + "\n" for n, q in enumerate(questions))
