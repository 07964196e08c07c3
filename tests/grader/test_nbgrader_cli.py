"""`dlgrade nbgrader ...` on the command line: what it writes, one-line
errors, help with an example."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from helpers import ROOT
from grader import assignments
from grader.cli import cli, main
from grader.nbgrader.cli import nbgrader


def dlgrade(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``dlgrade ARGS`` through the console entry point: (status, stdout, stderr)."""
    try:
        main(list(args))
        status = 0
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_init_writes_config_notebook_and_helper_for_every_assignment(tmp_path, capsys):
    status, out, err = dlgrade(capsys, "nbgrader", "init", str(tmp_path / "course"))
    assert status == 0, err
    root = tmp_path / "course"
    assert "DlgradeVerdict" in (root / "nbgrader_config.py").read_text()
    for name in assignments.available():
        nb = json.loads((root / "source" / name / f"{name}.ipynb").read_text())
        assert nb["metadata"]["dlgrade"] == {"assignment": name}
        assert (root / "source" / name / "dlgrade_selfcheck.py").read_text() == \
            (ROOT / "grader" / "nbgrader" / "selfcheck.py").read_text()
    assert sorted(p.name for p in (root / "source").iterdir()) == sorted(assignments.available())
    assert "next: cd" in out


def test_init_refuses_a_non_empty_directory_in_one_line(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    status, out, err = dlgrade(capsys, "nbgrader", "init", str(tmp_path))
    assert status == 2
    assert err.strip().count("\n") == 0 and "is not empty; pass --force" in err and "Traceback" not in err


def test_init_force_rewrites_generated_files_and_keeps_the_rest(tmp_path, capsys):
    assert dlgrade(capsys, "nbgrader", "init", str(tmp_path), "-a", "batchnorm")[0] == 0
    notebook = tmp_path / "source" / "batchnorm" / "batchnorm.ipynb"
    notebook.write_text("edited")
    (tmp_path / "gradebook.db").write_text("keep me")
    status, _, err = dlgrade(capsys, "nbgrader", "init", str(tmp_path), "-a", "batchnorm", "--force")
    assert status == 0, err
    assert json.loads(notebook.read_text())["nbformat"] == 4
    assert (tmp_path / "gradebook.db").read_text() == "keep me"


def test_init_into_a_file_or_for_an_unknown_assignment_fails_in_one_line(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    status, _, err = dlgrade(capsys, "nbgrader", "init", str(target))
    assert status == 2 and "exists and is not a directory" in err and err.strip().count("\n") == 0
    status, _, err = dlgrade(capsys, "nbgrader", "init", str(tmp_path / "new"), "-a", "nosuch")
    assert status == 2 and "nosuch" in err and "Traceback" not in err


def test_init_execute_keeps_nbgraders_kernel_step(tmp_path, capsys):
    assert dlgrade(capsys, "nbgrader", "init", str(tmp_path), "--execute", "--course-id", "dl101")[0] == 0
    config = (tmp_path / "nbgrader_config.py").read_text()
    assert "'nbgrader.preprocessors.Execute'," in config and "UNSANDBOXED" in config
    assert "c.CourseDirectory.course_id = 'dl101'" in config


def test_extract_prints_the_code_dlgrade_grades(tmp_path, capsys):
    assert dlgrade(capsys, "nbgrader", "init", str(tmp_path), "-a", "batchnorm")[0] == 0
    status, out, err = dlgrade(capsys, "nbgrader", "extract", str(tmp_path / "source/batchnorm/batchnorm.ipynb"))
    assert status == 0, err
    assert "class BatchNorm2d(nn.Module):" in out and "run_checks" not in out
    status, _, err = dlgrade(capsys, "nbgrader", "extract", str(tmp_path / "missing.ipynb"))
    assert status == 2 and "cannot read" in err and err.strip().count("\n") == 0
    (tmp_path / "bad.ipynb").write_text("not json")
    status, _, err = dlgrade(capsys, "nbgrader", "extract", str(tmp_path / "bad.ipynb"))
    assert status == 2 and "is not a notebook" in err


@pytest.mark.parametrize("command", [[], *[[name] for name in nbgrader.commands]])
def test_every_nbgrader_command_has_an_example_in_its_help(command):
    result = CliRunner().invoke(cli, ["nbgrader", *command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
