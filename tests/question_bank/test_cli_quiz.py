"""``dlgrade quiz`` and ``dlgrade quiz stats`` through CliRunner, and the quiz's import footprint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from question_bank.cli import quiz
from question_bank.progress import FILENAME
from question_bank.quiz import plan

from .quiz_helpers import answers_for


def run_quiz(args: list[str], stdin: str) -> tuple[int, str]:
    result = CliRunner().invoke(quiz, args, input=stdin)
    return result.exit_code, result.output


def test_quiz_with_options(tmp_path: Path) -> None:
    questions = plan(["conv2d_output", "lstm_params"], {}, 3, level=1, seed=5)
    code, out = run_quiz(["--topics", "conv2d_output,lstm_params", "-d", "easy", "-n", "3", "--seed", "5",
                          "--data-dir", str(tmp_path)], answers_for(questions, wrong=[1]))
    assert code == 0
    assert out.count("Question ") == 3 and "Worked solution:" in out
    assert "Score: 2/3 (67%)" in out
    assert (tmp_path / FILENAME).is_file()


def test_quiz_prompts_for_what_is_missing(tmp_path: Path) -> None:
    questions = plan(["conv2d_output", "pool2d_output"], {}, 2, level=3, seed=9)
    stdin = "1, pool2d_output\nhard\n2\n" + answers_for(questions)
    code, out = run_quiz(["--seed", "9", "--data-dir", str(tmp_path)], stdin)
    assert code == 0, out
    assert "Topics (numbers or names" in out and "Difficulty" in out and "Number of questions" in out
    assert "Score: 2/2 (100%)" in out


def test_quiz_reprompts_bad_setup_answers(tmp_path: Path) -> None:
    questions = plan(["linear_params"], {}, 1, seed=2)
    stdin = "nonsense\nlinear_params\nimpossible\n\n1\n" + answers_for(questions)
    code, out = run_quiz(["--seed", "2", "--data-dir", str(tmp_path)], stdin)
    assert code == 0 and "Unknown topic(s): nonsense" in out and "Please answer one of" in out
    assert "Score: 1/1" in out


def test_quiz_uses_the_env_data_dir(tmp_path: Path, monkeypatch: object) -> None:
    questions = plan(["linear_params"], {}, 1, seed=3)
    code, _ = run_quiz(["-t", "linear_params", "-d", "mixed", "-n", "1", "--seed", "3"], answers_for(questions))
    assert code == 0
    assert (tmp_path / "data" / FILENAME).is_file()  # DLGRADE_DATA_DIR from conftest


def test_end_of_input_prints_the_summary_and_exits_zero(tmp_path: Path) -> None:
    questions = plan(["gru_params"], {}, 3, seed=4)
    code, out = run_quiz(["-t", "gru_params", "-d", "mixed", "-n", "3", "--seed", "4", "--data-dir", str(tmp_path)],
                         questions[0].answer + "\n")
    assert code == 0 and "Score: 1/1 (100%), stopped early (end of input) after 1 of 3" in out
    code, out = run_quiz(["--data-dir", str(tmp_path)], "")
    assert code == 0 and "No quiz started." in out


def test_stats_after_a_quiz(tmp_path: Path) -> None:
    questions = plan(["conv2d_output", "linear_params"], {}, 4, seed=6)
    run_quiz(["-t", "conv2d_output", "-t", "linear_params", "-d", "mixed", "-n", "4", "--seed", "6",
              "--data-dir", str(tmp_path)], answers_for(questions, wrong=[0]))
    code, out = run_quiz(["stats", "--data-dir", str(tmp_path), "--json"], "")
    rows = {row["topic"]: row for row in json.loads(out)}
    assert code == 0 and sum(r["attempts"] for r in rows.values()) == 4
    assert sum(r["correct"] for r in rows.values()) == 3
    assert rows[questions[0].topic.name]["weekly"][-1] is not None
    code, out = run_quiz(["stats", "--data-dir", str(tmp_path)], "")
    assert code == 0 and "conv2d_output" in out and "3/4 correct overall" in out
    code, out = run_quiz(["--data-dir", str(tmp_path), "stats"], "")  # the group's option works too
    assert code == 0 and "3/4 correct overall" in out


def test_stats_without_data(tmp_path: Path) -> None:
    code, out = run_quiz(["stats", "--data-dir", str(tmp_path / "empty")], "")
    assert code == 0 and "No quiz answers stored yet" in out


def test_quiz_path_imports_no_torch_sympy_or_rich(tmp_path: Path) -> None:
    script = (
        "import io, sys\n"
        "sys.stdin = io.StringIO('1\\nq\\n')\n"
        "from grader.cli import main\n"
        f"main(['quiz', '-t', 'conv2d_output', '-d', 'easy', '-n', '2', '--data-dir', {str(tmp_path)!r}])\n"
        "print('LOADED', sorted(m for m in ('torch', 'sympy', 'rich', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "LOADED []" in out and "Question 1/2" in out


def test_ctrl_c_prints_the_summary_and_exits_130(tmp_path: Path, monkeypatch: object) -> None:
    from question_bank import quiz as quiz_module

    questions = plan(["linear_params"], {}, 3, seed=8)
    replies = iter([questions[0].answer])

    def ask(self: object, prompt: str) -> str:
        try:
            return next(replies)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(quiz_module.TerminalIO, "ask", ask)  # type: ignore[attr-defined]
    result = CliRunner().invoke(quiz, ["-t", "linear_params", "-d", "mixed", "-n", "3", "--seed", "8",
                                       "--data-dir", str(tmp_path)])
    assert result.exit_code == 130
    assert "stopped early (interrupted) after 1 of 3" in result.output and "Progress saved" in result.output
