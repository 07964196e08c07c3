"""``dlgrade questions`` through click's CliRunner and the real entry point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from grader.cli import main
from question_bank.cli import questions
from question_bank.question import make_question
from question_bank.topics import TOPICS


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(questions, list(args))
    return result.exit_code, result.output


def test_generate_one_json_object() -> None:
    code, out = invoke("generate", "conv2d_output", "--seed", "42", "--json")
    assert code == 0
    q = json.loads(out)
    assert q["id"] == "conv2d_output/42" and q["topic"] == "conv2d_output"
    assert set(q["params"]) == {"in_size", "kernel_size", "stride", "padding", "dilation"}
    assert q["answer"] == make_question("conv2d_output", 42).answer


def test_generate_n_gives_a_list_of_consecutive_seeds() -> None:
    code, out = invoke("generate", "lstm_params", "--seed", "7", "--n", "3", "--json")
    assert code == 0
    assert [q["id"] for q in json.loads(out)] == ["lstm_params/7", "lstm_params/8", "lstm_params/9"]


def test_generate_by_difficulty() -> None:
    code, out = invoke("generate", "pool2d_output", "--seed", "0", "--n", "5", "--difficulty", "hard", "--json")
    assert code == 0 and {q["difficulty"] for q in json.loads(out)} == {"hard"}


def test_generate_text_hides_answers_unless_asked() -> None:
    q = make_question("linear_params", 3)
    _, plain = invoke("generate", "linear_params", "--seed", "3")
    assert q.prompt in plain and "Answer:" not in plain
    _, with_answers = invoke("generate", "linear_params", "--seed", "3", "--answers")
    assert f"Answer: {q.answer}" in with_answers and q.explanation() in with_answers


@pytest.mark.parametrize(("answer", "correct"), [("29", True), ("58/2", True), ("28", False)])
def test_check_json(answer: str, correct: bool) -> None:
    code, out = invoke("check", "conv2d_output/42", answer, "--json")
    verdict = json.loads(out)
    assert code == 0 and verdict["correct"] is correct and isinstance(verdict["feedback"], str)


def test_check_text_shows_the_solution_when_wrong() -> None:
    code, out = invoke("check", "conv2d_output/42", "28")
    assert code == 0 and "Worked solution:" in out


@pytest.mark.parametrize("evil", ["__import__('os').system('echo pwned')", "9**9**9**9", "lambda: 0", "x" * 100_000])
def test_check_refuses_malicious_answers_in_one_line(evil: str) -> None:
    code, out = invoke("check", "lstm_params/1", evil, "--json")
    verdict = json.loads(out)
    assert code == 0 and verdict["correct"] is False and verdict["status"] == "rejected"
    assert "pwned" not in out
    code, out = invoke("check", "lstm_params/1", evil)
    assert code == 0 and len(out.strip().splitlines()) == 1


def test_topics_lists_every_topic() -> None:
    code, out = invoke("topics", "--json")
    assert code == 0 and [row["topic"] for row in json.loads(out)] == list(TOPICS)


@pytest.mark.parametrize(
    "argv",
    [["questions", "generate", "nope", "--seed", "1", "--json"], ["questions", "check", "conv2d_output", "3"],
     ["questions", "check", "nope/1", "3"], ["questions", "generate", "conv2d_output", "--seed", "-4"]],
)
def test_usage_errors_exit_nonzero_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code != 0
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) <= 4 and err.splitlines()[-1].startswith("Error")
