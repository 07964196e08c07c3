"""Per-student exam variants: roster, layout, HMAC seeds, grading.

Each student's question j is ``topic_j/seed`` with the seed derived by
HMAC-SHA256 from the instructor's secret, the exam id, the student id and
j. Same structure for everyone, different numbers, and anyone with the
secret regenerates any paper; without it the numbers cannot be predicted.
The secret itself is never written anywhere.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .check import check_answer
from .errors import ExamError, QuestionBankError
from .question import Question, make_question, seeds_at_level
from .topic import LEVELS
from .topics import get_topic

MIN_SECRET = 8
DEFAULT_LEVEL = 2
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_LEVEL_BY_NAME = {name: level for level, name in LEVELS.items()}


@dataclass(frozen=True)
class Student:
    """One roster row."""

    student_id: str
    name: str


@dataclass(frozen=True)
class Slot:
    """One question position of the exam: a topic, optionally a difficulty, and its marks."""

    topic: str
    level: int | None = DEFAULT_LEVEL
    points: float = 1.0


@dataclass(frozen=True)
class Exam:
    """What an exam is: its id (salts the HMAC), title, slots and the secret.

    Args:
        exam_id: distinguishes exams that share a secret; keep it fixed
            between printing papers and grading.
        title: printed on papers and used for LMS categories.
        slots: the question positions.
        secret: the instructor's secret (at least 8 characters).
    """

    exam_id: str
    title: str
    slots: tuple[Slot, ...]
    secret: str

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET:
            raise ExamError(f"the secret must have at least {MIN_SECRET} characters")
        if not self.slots:
            raise ExamError("an exam needs at least one question")

    @property
    def max_points(self) -> float:
        return sum(s.points for s in self.slots)

    def seed(self, who: str, slot: int) -> int:
        """The HMAC-derived seed of slot ``slot`` (0-based) for ``who``."""
        message = f"{self.exam_id}\x1f{who}\x1f{slot}".encode()
        digest = hmac.new(self.secret.encode(), message, hashlib.sha256).digest()
        return int.from_bytes(digest[:6], "big")

    def questions_for(self, who: str) -> list[Question]:
        """The variant of every slot for a student id (or an LMS variant key)."""
        out = []
        for j, slot in enumerate(self.slots):
            seed = seeds_at_level(slot.topic, self.seed(who, j), 1, slot.level)[0]
            out.append(make_question(slot.topic, seed))
        return out


def parse_slots(text: str) -> tuple[Slot, ...]:
    """``"conv2d_output:hard:2, lstm_params"`` → slots; items are ``topic[:difficulty[:marks]]``.

    The difficulty defaults to medium for every student alike (fair papers);
    ``mixed`` lets each student's variant take any difficulty.

    Raises:
        ExamError: for an unknown topic, difficulty or a bad mark.
    """
    slots = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        topic, *rest = [p.strip() for p in item.split(":")]
        try:
            get_topic(topic)
        except QuestionBankError as exc:
            raise ExamError(str(exc)) from None
        level: int | None = DEFAULT_LEVEL
        if rest and rest[0]:
            if rest[0] not in (*_LEVEL_BY_NAME, "mixed"):
                raise ExamError(f"bad difficulty {rest[0]!r} in {item!r}: use easy, medium, hard or mixed")
            level = _LEVEL_BY_NAME.get(rest[0])
        points = 1.0
        if len(rest) > 1:
            try:
                points = float(rest[1])
            except ValueError:
                raise ExamError(f"bad marks {rest[1]!r} in {item!r}: use a number") from None
            if not 0 < points <= 1000:
                raise ExamError(f"marks must be between 0 and 1000 (got {rest[1]} in {item!r})")
        if len(rest) > 2:
            raise ExamError(f"bad question {item!r}: use topic[:difficulty[:marks]]")
        slots.append(Slot(topic, level, points))
    if not slots:
        raise ExamError("no questions given: use e.g. --questions conv2d_output:hard,lstm_params")
    return tuple(slots)


def _read_csv(path: str | Path, required: Sequence[str], what: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExamError(f"cannot read {what} {path}: {exc}") from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ExamError(f"{what} {path} is empty") from None
    except csv.Error as exc:
        raise ExamError(f"{what} {path}: {exc}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ExamError(f"{what} {path} lacks column(s) {', '.join(missing)} (found: {', '.join(header) or 'none'})")
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, {h: (row[k].strip() if k < len(row) else "") for k, h in enumerate(header)}))
    except csv.Error as exc:
        raise ExamError(f"{what} {path} line {reader.line_num}: {exc}") from None
    return header, rows


def read_roster(path: str | Path) -> list[Student]:
    """Students from a CSV with columns ``student_id,name`` (others ignored).

    Raises:
        ExamError: for a missing column, an empty, duplicate or unsafe
            student id (ids name files: letters, digits, ``. _ -`` only), or
            an empty roster.
    """
    _, rows = _read_csv(path, ("student_id", "name"), "roster")
    students: list[Student] = []
    seen: set[str] = set()
    for line, row in rows:
        sid = row["student_id"]
        if not sid:
            raise ExamError(f"roster {path} line {line}: empty student_id")
        if not _STUDENT_ID.match(sid):
            raise ExamError(f"roster {path} line {line}: student_id {sid[:40]!r} may only use letters, digits, '.', '_', '-'")
        if sid in seen:
            raise ExamError(f"roster {path} line {line}: duplicate student_id {sid!r}")
        seen.add(sid)
        students.append(Student(sid, row["name"]))
    if not students:
        raise ExamError(f"roster {path} has no students")
    return students


def read_responses(path: str | Path, exam: Exam, roster: Iterable[Student]) -> dict[str, list[str]]:
    """Answers by student id from a CSV ``student_id,q1,...,qN``.

    Raises:
        ExamError: for a missing column, a student not on the roster or a
            student listed twice.
    """
    columns = [f"q{j}" for j in range(1, len(exam.slots) + 1)]
    _, rows = _read_csv(path, ("student_id", *columns), "responses")
    known = {s.student_id for s in roster}
    answers: dict[str, list[str]] = {}
    for line, row in rows:
        sid = row["student_id"]
        if sid not in known:
            raise ExamError(f"responses {path} line {line}: student_id {sid[:40]!r} is not on the roster")
        if sid in answers:
            raise ExamError(f"responses {path} line {line}: second row for {sid!r}")
        answers[sid] = [row[c] for c in columns]
    return answers


@dataclass(frozen=True)
class Score:
    """One student's marks."""

    student: Student
    submitted: bool
    marks: tuple[float, ...]
    feedback: tuple[str, ...]

    @property
    def total(self) -> float:
        return sum(self.marks)


def grade(exam: Exam, roster: Sequence[Student], responses: dict[str, list[str]]) -> list[Score]:
    """Mark every roster student's answers (absent students get zeros); full marks per correct answer."""
    scores = []
    for student in roster:
        given = responses.get(student.student_id)
        if given is None:
            scores.append(Score(student, False, tuple(0.0 for _ in exam.slots), tuple("no response" for _ in exam.slots)))
            continue
        marks, feedback = [], []
        for slot, question, answer in zip(exam.slots, exam.questions_for(student.student_id), given):
            if not answer:
                marks.append(0.0)
                feedback.append("blank")
                continue
            verdict = check_answer(question, answer)
            marks.append(slot.points if verdict.correct else 0.0)
            feedback.append(verdict.feedback)
        scores.append(Score(student, True, tuple(marks), tuple(feedback)))
    return scores


def _mark(x: float) -> str:
    return f"{x:g}"


def scores_csv(exam: Exam, scores: Sequence[Score]) -> str:
    """``student_id,name,submitted,q1..qN,total,max`` as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    n = len(exam.slots)
    writer.writerow(["student_id", "name", "submitted", *(f"q{j}" for j in range(1, n + 1)), "total", "max"])
    for s in scores:
        writer.writerow([s.student.student_id, safe_cell(s.student.name), "yes" if s.submitted else "no",
                         *map(_mark, s.marks), _mark(s.total), _mark(exam.max_points)])
    return out.getvalue()


def key_csv(exam: Exam, roster: Sequence[Student]) -> str:
    """``student_id,name,q1..qN`` with the expected answers, then ``q1_id..qN_id``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    n = len(exam.slots)
    writer.writerow(["student_id", "name", *(f"q{j}" for j in range(1, n + 1)), *(f"q{j}_id" for j in range(1, n + 1))])
    for student in roster:
        qs = exam.questions_for(student.student_id)
        writer.writerow([student.student_id, safe_cell(student.name), *(q.answer for q in qs), *(q.id for q in qs)])
    return out.getvalue()


def safe_cell(text: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
