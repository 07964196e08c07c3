"""Typed exceptions of the question bank.

Every one subclasses :class:`grader.errors.DlgradeError`, so the command line
turns it into a one-line message and exit status 2 without a traceback.
"""

from __future__ import annotations

from grader.errors import DlgradeError


class QuestionBankError(DlgradeError):
    """Base class for errors raised by the question bank."""


class UnknownTopic(QuestionBankError):
    """A topic name that is not in :data:`question_bank.topics.TOPICS`."""


class BadQuestionId(QuestionBankError):
    """A question id that is not of the form ``TOPIC/SEED``."""


class AnswerRejected(QuestionBankError):
    """An answer that the safe parser refuses to read (syntax, names, size).

    The message is one line and says what was wrong, e.g.
    ``"attribute access is not allowed"``.
    """


class ExamError(QuestionBankError):
    """A bad roster, responses file, exam layout or export request."""


class ProgressError(QuestionBankError):
    """The quiz's progress database cannot be opened or written."""
