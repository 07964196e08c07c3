"""Exam layout, HMAC variants, roster and responses validation, grading."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from question_bank.errors import ExamError
from question_bank.exam import Exam, Slot, grade, key_csv, parse_slots, read_responses, read_roster, scores_csv

SECRET = "correct horse battery"


def make_exam(layout: str = "conv2d_output,lstm_params:hard:2,network_walk", **kwargs: str) -> Exam:
    return Exam(kwargs.get("exam_id", "midterm"), "Midterm", parse_slots(layout), kwargs.get("secret", SECRET))


def test_parse_slots() -> None:
    assert parse_slots("conv2d_output, lstm_params:hard:2 ,pool2d_output:mixed, gru_params::3") == (
        Slot("conv2d_output", 2, 1.0), Slot("lstm_params", 3, 2.0), Slot("pool2d_output", None, 1.0),
        Slot("gru_params", 2, 3.0))


@pytest.mark.parametrize(
    ("layout", "message"),
    [("nope", "unknown topic"), ("conv2d_output:tricky", "bad difficulty"), ("conv2d_output:easy:x", "bad marks"),
     ("conv2d_output:easy:-1", "between 0 and 1000"), ("conv2d_output:easy:1:2", re.escape("topic[:difficulty[:marks]]")),
     (" , ", "no questions")],
)
def test_bad_layouts(layout: str, message: str) -> None:
    with pytest.raises(ExamError, match=message):
        parse_slots(layout)


def test_secret_must_not_be_trivial() -> None:
    with pytest.raises(ExamError, match="at least 8"):
        make_exam(secret="short")


def test_variants_are_deterministic_and_personal() -> None:
    exam = make_exam()
    ids = [[q.id for q in exam.questions_for(f"s{n:03d}")] for n in range(20)]
    assert ids[0] == [q.id for q in make_exam().questions_for("s000")]
    assert len({tuple(row) for row in ids}) == 20
    assert len({row[0] for row in ids}) >= 15  # different numbers for (almost) everyone
    for row in ids:  # same structure: same topics in the same places
        assert [i.split("/")[0] for i in row] == ["conv2d_output", "lstm_params", "network_walk"]
    other_secret = [q.id for q in make_exam(secret="another long secret").questions_for("s000")]
    other_exam = [q.id for q in make_exam(exam_id="final").questions_for("s000")]
    assert other_secret != ids[0] and other_exam != ids[0]


def test_same_difficulty_for_everyone() -> None:
    exam = make_exam()
    for n in range(15):
        assert [q.difficulty for q in exam.questions_for(f"x{n}")] == ["medium", "hard", "medium"]


def test_roster(roster: Path) -> None:
    students = read_roster(roster)
    assert [s.student_id for s in students] == ["s001", "s002", "s003"]
    assert students[1].name == "Bobby <b>Tables</b> & *Co*"


def test_roster_with_bom_and_spaces(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffStudent_ID , Name\n a1 , Ann \n\n".encode())
    assert [(s.student_id, s.name) for s in read_roster(path)] == [("a1", "Ann")]


@pytest.mark.parametrize(
    ("text", "message"),
    [("id,name\n1,A\n", "lacks column\\(s\\) student_id \\(found: id, name\\)"),
     ("student_id\n1\n", "lacks column\\(s\\) name"),
     ("student_id,name\n,A\n", "line 2: empty student_id"),
     ("student_id,name\na,A\nb,B\na,C\n", "line 4: duplicate student_id 'a'"),
     ("student_id,name\n../../etc/passwd,Eve\n", "may only use letters"),
     ("student_id,name\n", "has no students"),
     ("", "is empty")],
)
def test_roster_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(ExamError, match=message) as info:
        read_roster(path)
    assert "\n" not in str(info.value)


def test_missing_roster_file(tmp_path: Path) -> None:
    with pytest.raises(ExamError, match="cannot read roster"):
        read_roster(tmp_path / "missing.csv")


def _key(exam: Exam, roster: Path) -> dict[str, dict[str, str]]:
    return {row["student_id"]: row for row in csv.DictReader(io.StringIO(key_csv(exam, read_roster(roster))))}


def test_grading(roster: Path, tmp_path: Path) -> None:
    exam = make_exam()
    key = _key(exam, roster)
    responses = tmp_path / "responses.csv"
    with responses.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "q1", "q2", "q3", "comment"])
        writer.writerow(["s001", key["s001"]["q1"], key["s001"]["q2"], key["s001"]["q3"], "all right"])
        writer.writerow(["s002", f"{key['s002']['q1']}*2/2", "-1", "", "one right, one wrong, one blank"])
    students = read_roster(roster)
    scores = grade(exam, students, read_responses(responses, exam, students))
    by_id = {s.student.student_id: s for s in scores}
    assert by_id["s001"].marks == (1.0, 2.0, 1.0) and by_id["s001"].total == 4.0
    assert by_id["s002"].marks == (1.0, 0.0, 0.0) and by_id["s002"].feedback[2] == "blank"
    assert not by_id["s003"].submitted and by_id["s003"].total == 0
    rows = list(csv.DictReader(io.StringIO(scores_csv(exam, scores))))
    assert list(rows[0]) == ["student_id", "name", "submitted", "q1", "q2", "q3", "total", "max"]
    assert rows[0]["total"] == "4" and rows[0]["max"] == "4" and rows[2]["submitted"] == "no"
    assert rows[2]["name"].startswith("'=")  # spreadsheet formula defused


def test_malicious_response_scores_zero(roster: Path, tmp_path: Path) -> None:
    exam = make_exam("linear_params")
    responses = tmp_path / "responses.csv"
    responses.write_text("student_id,q1\ns001,__import__('os').system('touch pwned')\ns002,9**9**9**9\n")
    students = read_roster(roster)
    scores = grade(exam, students, read_responses(responses, exam, students))
    assert [s.total for s in scores] == [0, 0, 0]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("student_id,q1,q2\ns001,1,2\n", "lacks column\\(s\\) q3"),
     ("student_id,q1,q2,q3\nzzz,1,2,3\n", "'zzz' is not on the roster"),
     ("student_id,q1,q2,q3\ns001,1,2,3\ns001,1,2,3\n", "second row for 's001'")],
)
def test_response_errors(roster: Path, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(text)
    with pytest.raises(ExamError, match=message):
        read_responses(path, make_exam(), read_roster(roster))
