"""The command line: help with examples everywhere, JSON per SPEC §3,
one-line errors without tracebacks, a fast start without torch."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from helpers import FIXTURES, ROOT
from grader.cli import COMMANDS, cli

TEST_KEYS = {"name", "number", "score", "max_score", "status", "output", "visibility"}


def _all_commands():
    runner = CliRunner()
    ctx = click.Context(cli)
    out = []

    def walk(command, path):
        out.append((path, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), path + [name])

    for name in COMMANDS:
        walk(cli.get_command(ctx, name), [name])
    return runner, out


def test_every_command_has_help_with_an_example():
    runner, commands = _all_commands()
    missing = []
    for path, _ in commands:
        result = runner.invoke(cli, path + ["--help"])
        assert result.exit_code == 0, (path, result.output)
        if "Example" not in result.output:
            missing.append(" ".join(path))
    assert missing == [], f"commands without an example in --help: {missing}"


def run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_help_starts_without_importing_torch():
    code = ("import sys; from grader.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules, 'torch imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_grade_json_follows_spec_section_3(sandboxed):
    done = run("grade", "batchnorm", str(FIXTURES / "batchnorm" / "buggy" / "biased_running_var.py"), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(payload)
    assert payload["score"] == sum(t["score"] for t in payload["tests"])
    assert payload["max_score"] == 20.0 and 0 < payload["score"] < 20
    for test in payload["tests"]:
        assert TEST_KEYS <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden")
        assert (test["score"] == test["max_score"]) == (test["status"] == "passed")
    failed = [t for t in payload["tests"] if t["status"] == "failed"]
    assert any("unbiased estimate" in t["output"] for t in failed)


def test_check_runs_visible_checks_only_and_prints_a_table(sandboxed):
    done = run("check", "batchnorm", str(ROOT / "reference" / "batchnorm.py"))
    assert done.returncode == 0, done.stderr
    assert "total" in done.stdout and "10 / 10" in done.stdout
    assert "(hidden)" not in done.stdout


def test_grade_accepts_a_folder_holding_the_assignment(tmp_path, sandboxed):
    (tmp_path / "batchnorm.py").write_text((ROOT / "reference" / "batchnorm.py").read_text())
    done = run("grade", "batchnorm", str(tmp_path), "--json", "--visible-only")
    assert json.loads(done.stdout)["score"] == 10.0


@pytest.mark.parametrize("args,needle", [
    (["grade", "batchnorm", "/no/such/file.py"], "no such file"),
    (["grade", "nosuch", "x.py"], "Invalid value"),
    (["grade", "batchnorm", str(ROOT / "tests")], "without batchnorm.py"),
    (["grade"], "Missing argument"),
])
def test_usage_errors_are_one_line_without_traceback(args, needle):
    done = run(*args)
    assert done.returncode != 0
    assert needle in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stdout == ""


def test_an_assignment_not_in_this_version_is_a_one_line_error(monkeypatch, capsys):
    """Every assignment of SPEC §1 is available now; the registry still allows one that is not."""
    from grader import assignments
    from grader.cli import main

    monkeypatch.setitem(assignments.REGISTRY, "gan", None)
    with pytest.raises(SystemExit) as exit_:
        main(["grade", "gan", str(ROOT / "reference" / "gan.py")])
    err = capsys.readouterr().err
    assert exit_.value.code != 0 and "not available in this version yet" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
