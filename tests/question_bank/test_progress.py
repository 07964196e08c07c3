"""The SQLite progress store and where it lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import ProgressError
from question_bank.progress import FILENAME, Progress, data_dir
from question_bank.stats import topic_stats

DAY = 24 * 3600.0


def record(store: Progress, topic: str, correct: bool, when: float, hinted: bool = False) -> int:
    return store.record(session="s", question_id=f"{topic}/1", topic=topic, level=1, correct=correct,
                        hinted=hinted, answer="42", when=when)


def test_records_survive_reopening(tmp_path: Path) -> None:
    with Progress(tmp_path) as store:
        assert record(store, "conv2d_output", True, 1.0) == 2
        assert record(store, "conv2d_output", True, 2.0) == 3
        assert record(store, "lstm_params", False, 3.0) == 1
    with Progress(tmp_path) as store:
        assert store.boxes() == {"conv2d_output": 3, "lstm_params": 1}
        attempts = store.attempts()
    assert [(a.topic, a.correct) for a in attempts] == [("conv2d_output", True), ("conv2d_output", True),
                                                        ("lstm_params", False)]
    assert (tmp_path / FILENAME).is_file()


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLGRADE_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("DLGRADE_DATA_DIR")
    assert "dlgrade" in str(data_dir(None))


def test_unusable_location_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ProgressError, match="cannot open progress file"):
        Progress(blocker / "sub")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / FILENAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProgressError):
        Progress(corrupt)


def test_weekly_accuracy(tmp_path: Path) -> None:
    now = 100 * DAY
    with Progress(tmp_path) as store:
        record(store, "a", False, now - 24 * DAY)  # three weeks ago
        record(store, "a", True, now - 10 * DAY)   # last week
        record(store, "a", True, now - 1 * DAY)    # this week
        record(store, "a", True, now - 2 * DAY)
        record(store, "b", False, now - 3 * DAY)
        rows = topic_stats(store.attempts(), store.boxes(), now=now, weeks=4)
    by_topic = {r.topic: r for r in rows}
    assert by_topic["a"].attempts == 4 and by_topic["a"].accuracy == 0.75
    assert by_topic["a"].weekly == [0.0, None, 1.0, 1.0]
    assert by_topic["b"].weekly == [None, None, None, 0.0]
    assert rows[0].topic == "b"  # weakest (box 1) first
