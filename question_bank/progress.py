"""The quiz's local progress: one SQLite file in the user's data directory.

Location, first match wins: the ``--data-dir`` option, the environment
variable ``DLGRADE_DATA_DIR``, then platformdirs' user data directory for
"dlgrade" (e.g. ``~/.local/share/dlgrade`` on Linux). The file is
``progress.sqlite3``; every answer is committed as soon as it is given, so
an interrupted quiz loses nothing.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import ProgressError
from .leitner import FIRST_BOX, next_box

ENV_VAR = "DLGRADE_DATA_DIR"
FILENAME = "progress.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id          INTEGER PRIMARY KEY,
    answered_at REAL    NOT NULL,  -- unix time
    session     TEXT    NOT NULL,
    question_id TEXT    NOT NULL,  -- TOPIC/SEED, regenerates the question
    topic       TEXT    NOT NULL,
    level       INTEGER NOT NULL,  -- 1 easy, 2 medium, 3 hard
    correct     INTEGER NOT NULL,
    hinted      INTEGER NOT NULL,
    answer      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_topic ON attempts (topic, answered_at);
CREATE TABLE IF NOT EXISTS boxes (
    topic      TEXT PRIMARY KEY,
    box        INTEGER NOT NULL,   -- Leitner box, 1 (weak) to 5
    updated_at REAL    NOT NULL
);
"""


def data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """Where progress lives: ``option``, else ``$DLGRADE_DATA_DIR``, else the platform's user data dir."""
    if option:
        return Path(option).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dlgrade", appauthor=False))


@dataclass(frozen=True)
class Attempt:
    """One stored answer."""

    answered_at: float
    question_id: str
    topic: str
    level: int
    correct: bool
    hinted: bool


class Progress:
    """Read and write quiz progress in ``directory/progress.sqlite3``.

    Args:
        directory: created if missing.

    Raises:
        ProgressError: when the file cannot be created, opened or written.

    Example::

        >>> with Progress(tmp_path) as store:  # doctest: +SKIP
        ...     store.boxes()
        {}
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / FILENAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ProgressError(f"cannot open progress file {self.path}: {exc}") from None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def boxes(self) -> dict[str, int]:
        """Leitner box per topic seen so far."""
        return dict(self._query("SELECT topic, box FROM boxes"))

    def record(
        self, *, session: str, question_id: str, topic: str, level: int, correct: bool, hinted: bool,
        answer: str, when: float | None = None,
    ) -> int:
        """Store one answer, move the topic's Leitner box, commit; returns the new box."""
        when = time.time() if when is None else when
        box = next_box(self.boxes().get(topic, FIRST_BOX), correct, hinted)
        try:
            with self._db:
                self._db.execute(
                    "INSERT INTO attempts (answered_at, session, question_id, topic, level, correct, hinted, answer)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (when, session, question_id, topic, level, int(correct), int(hinted), answer[:200]),
                )
                self._db.execute(
                    "INSERT INTO boxes (topic, box, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (topic) DO UPDATE SET box = excluded.box, updated_at = excluded.updated_at",
                    (topic, box, when),
                )
        except sqlite3.Error as exc:
            raise ProgressError(f"cannot write progress file {self.path}: {exc}") from None
        return box

    def attempts(self) -> list[Attempt]:
        """Every stored answer, oldest first."""
        rows = self._query(
            "SELECT answered_at, question_id, topic, level, correct, hinted FROM attempts ORDER BY answered_at, id"
        )
        return [Attempt(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5])) for r in rows]

    def _query(self, sql: str) -> list[tuple]:
        try:
            return self._db.execute(sql).fetchall()
        except sqlite3.Error as exc:
            raise ProgressError(f"cannot read progress file {self.path}: {exc}") from None
