"""Every question-bank command documents itself with an example."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from question_bank.cli import exam, questions, quiz


def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


COMMANDS = [item for group, name in ((questions, "questions"), (quiz, "quiz"), (exam, "exam"))
            for item in walk(group, (name,))]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_has_an_example(path: tuple[str, ...], command: click.Command) -> None:
    root = {"questions": questions, "quiz": quiz, "exam": exam}[path[0]]
    result = CliRunner().invoke(root, [*path[1:], "--help"])
    assert result.exit_code == 0 and "Example" in result.output
    assert f"dlgrade {' '.join(path)}" in result.output


def test_every_group_is_covered() -> None:
    assert {" ".join(p) for p, _ in COMMANDS} >= {
        "questions generate", "questions check", "questions topics", "quiz stats", "exam papers", "exam key",
        "exam grade", "exam moodle", "exam gift",
    }
