"""The quiz loop, driven by a scripted student."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from question_bank.progress import Progress
from question_bank.quiz import plan, run

from .quiz_helpers import ScriptedIO


@pytest.fixture
def store(tmp_path: Path) -> Progress:
    with Progress(tmp_path) as progress:
        yield progress


def test_all_correct(store: Progress) -> None:
    questions = plan(["conv2d_output", "lstm_params", "network_walk"], {}, 5, seed=1)
    io = ScriptedIO(lambda q: [q.answer])
    summary = run(questions, io, store)
    assert summary.score == 5 and not summary.stopped
    assert "Score: 5/5 (100%)" in summary.render()
    assert len(store.attempts()) == 5 and all(a.correct for a in store.attempts())
    assert all(box >= 2 for box in store.boxes().values())


def test_wrong_answer_shows_the_worked_solution_and_demotes(store: Progress) -> None:
    [question] = plan(["pool2d_output"], {"pool2d_output": 4}, 1, seed=3)
    store.record(session="x", question_id="pool2d_output/1", topic="pool2d_output", level=1, correct=True,
                 hinted=False, answer="1")
    io = ScriptedIO(lambda q: [str(q.value + 1)])
    summary = run([question], io, store)
    assert summary.score == 0
    assert "Worked solution:" in io.text and question.explanation() in io.text
    assert store.boxes()["pool2d_output"] == 1
    assert "Practise next: pool2d_output" in summary.render()


def test_hint_then_correct_keeps_the_box(store: Progress) -> None:
    [question] = plan(["linear_params"], {}, 1, seed=4)
    io = ScriptedIO(lambda q: ["?", q.answer])
    summary = run([question], io, store)
    assert f"Hint: {question.hint()}" in io.text
    assert summary.outcomes[0].correct and summary.outcomes[0].hinted
    assert store.boxes()["linear_params"] == 1 and store.attempts()[0].hinted
    assert "Hints used: 1" in summary.render()


def test_h_is_a_hint_key_unless_it_is_a_symbol(store: Progress) -> None:
    formula = next(q for s in range(50) for q in plan(["param_count_formula"], {}, 1, seed=s)
                   if "h" in q.answer)
    io = ScriptedIO(lambda q: ["h", q.answer])
    summary = run([formula], io, store)
    assert "Hint:" not in io.text  # 'h' was judged as an answer (wrong), not a hint request
    assert not summary.outcomes[0].correct


def test_unreadable_answer_is_asked_again_not_recorded(store: Progress) -> None:
    [question] = plan(["gru_params"], {}, 1, seed=5)
    io = ScriptedIO(lambda q: ["__import__('os')", "", q.answer])
    summary = run([question], io, store)
    assert "Try again." in io.text and summary.score == 1
    assert len(store.attempts()) == 1


def test_skip_counts_as_wrong_and_shows_the_answer(store: Progress) -> None:
    [question] = plan(["mha_params"], {}, 1, seed=6)
    io = ScriptedIO(lambda q: ["s"])
    summary = run([question], io, store)
    assert summary.outcomes[0].skipped and not summary.outcomes[0].correct
    assert f"The answer is {question.answer}" in io.text


def test_quit_stops_and_keeps_what_was_answered(store: Progress) -> None:
    questions = plan(["conv2d_params", "linear_params", "lstm_params"], {}, 4, seed=7)
    replies = iter([[questions[0].answer], ["q"]])
    summary = run(questions, ScriptedIO(lambda q: next(replies)), store)
    assert summary.stopped == "quit" and len(summary.outcomes) == 1
    assert len(store.attempts()) == 1
    assert "stopped early (quit) after 1 of 4" in summary.render()


@pytest.mark.parametrize(("signal", "reason"), [("<EOF>", "end of input"), ("<CTRL-C>", "interrupted")])
def test_end_of_input_and_ctrl_c_save_progress(store: Progress, signal: str, reason: str) -> None:
    questions = plan(["conv2d_output", "pool2d_output", "linear_params"], {}, 3, seed=8)
    replies = iter([[questions[0].answer], [signal]])
    summary = run(questions, ScriptedIO(lambda q: next(replies)), store)
    assert summary.stopped == reason and summary.score == 1
    assert len(store.attempts()) == 1


def test_plan_is_reproducible_and_respects_difficulty() -> None:
    topics = ["conv2d_output", "receptive_field", "edge_length_fraction"]
    first = [q.id for q in plan(topics, {}, 8, level=3, seed=11)]
    assert first == [q.id for q in plan(topics, {}, 8, level=3, seed=11)]
    assert all(q.difficulty == "hard" for q in plan(topics, {}, 8, level=3, seed=11))
    assert first != [q.id for q in plan(topics, {}, 8, level=3, seed=12)]


def test_plan_favours_weak_topics() -> None:
    topics = ["conv2d_output", "linear_params", "gru_params"]
    drawn = Counter(q.topic.name for q in plan(topics, {"conv2d_output": 1, "linear_params": 5, "gru_params": 5},
                                                300, seed=13))
    assert drawn["conv2d_output"] > 1.5 * max(drawn["linear_params"], drawn["gru_params"])
