"""Shared fixtures: no test touches the real user data directory or a real secret."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLGRADE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DLGRADE_EXAM_SECRET", raising=False)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "student_id,name,email\n"
        "s001,Ada Lovelace,ada@example.org\n"
        's002,"Bobby <b>Tables</b> & *Co*",bobby@example.org\n'
        "s003,=HYPERLINK(\"x\"),c@example.org\n",
        encoding="utf-8",
    )
    return path
