"""``dlgrade exam`` end to end through CliRunner: papers, key, grading, exports; the secret stays secret."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from question_bank.cli import exam

SECRET = "s3cret-for-the-final-exam"
LAYOUT = ["-q", "conv2d_output:hard,lstm_params:medium:2,edge_length_fraction"]


def invoke(args: list[str], secret: str | None = SECRET) -> tuple[int, str]:
    env = {"DLGRADE_EXAM_SECRET": secret} if secret else {}
    result = CliRunner().invoke(exam, args, env=env)
    return result.exit_code, result.output


def test_full_exam_flow(roster: Path, tmp_path: Path) -> None:
    code, _ = invoke(["papers", str(roster), *LAYOUT, "-o", str(tmp_path / "papers"), "--format", "markdown"])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == ["s001.md", "s002.md", "s003.md"]
    code, _ = invoke(["papers", str(roster), *LAYOUT, "-o", str(tmp_path / "html")])
    assert code == 0 and (tmp_path / "html" / "s002.html").read_text().startswith("<!DOCTYPE html>")

    code, key_text = invoke(["key", str(roster), *LAYOUT])
    assert code == 0
    key = {row["student_id"]: row for row in csv.DictReader(io.StringIO(key_text))}
    assert set(key) == {"s001", "s002", "s003"}
    prompt = (tmp_path / "papers" / "s001.md").read_text()
    assert "lstm" in prompt.lower() and "Question 3" in prompt

    responses = tmp_path / "responses.csv"
    responses.write_text(
        "student_id,q1,q2,q3\n"
        f"s001,{key['s001']['q1']},{key['s001']['q2']},{key['s001']['q3']}\n"
        f"s003,{key['s003']['q1']},0,\n"
    )
    code, _ = invoke(["grade", str(roster), str(responses), *LAYOUT, "-o", str(tmp_path / "scores.csv")])
    assert code == 0
    scores = {row["student_id"]: row for row in csv.DictReader((tmp_path / "scores.csv").open())}
    assert scores["s001"]["total"] == "4" and scores["s001"]["max"] == "4"
    assert (scores["s003"]["q1"], scores["s003"]["q2"], scores["s003"]["total"]) == ("1", "0", "1")
    assert scores["s002"]["submitted"] == "no"

    code, _ = invoke(["moodle", "-q", "conv2d_output,linear_params", "-v", "3", "-o", str(tmp_path / "quiz.xml")])
    assert code == 0 and len(ET.parse(tmp_path / "quiz.xml").getroot()) == 8
    code, _ = invoke(["gift", "-q", "conv2d_output", "-v", "2", "-o", str(tmp_path / "quiz.gift")])
    assert code == 0 and (tmp_path / "quiz.gift").read_text().count("::Q1 variant") == 2

    code, md_key = invoke(["key", str(roster), *LAYOUT, "--format", "markdown"])
    assert code == 0 and "Answer key" in md_key

    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path
    assert SECRET not in key_text and SECRET not in md_key


def test_secret_option_and_env_agree(roster: Path) -> None:
    _, from_env = invoke(["key", str(roster), *LAYOUT])
    _, from_option = invoke(["key", str(roster), *LAYOUT, "--secret", SECRET], secret=None)
    _, other = invoke(["key", str(roster), *LAYOUT, "--secret", "some other secret"], secret=None)
    assert from_env == from_option != other


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["exam", "key", "{roster}", "-q", "conv2d_output"], "Missing option '--secret'"),
     (["exam", "key", "{roster}", "-q", "conv2d_output", "--secret", "short"], "at least 8 characters"),
     (["exam", "key", "{roster}", "-q", "bogus", "--secret", SECRET], "unknown topic 'bogus'"),
     (["exam", "key", "missing.csv", "-q", "conv2d_output", "--secret", SECRET], "cannot read roster"),
     (["exam", "moodle", "-q", "network_walk", "--secret", SECRET], "need a number")],
)
def test_exam_errors_are_one_line(argv: list[str], message: str, roster: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([a.replace("{roster}", str(roster)) for a in argv])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.strip().splitlines()[-1].startswith("Error")
