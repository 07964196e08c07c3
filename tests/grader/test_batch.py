"""Grading a class: results.json per student, a gradebook, nothing lost."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from helpers import FIXTURES, ROOT
from grader import batch
from grader.errors import UsageError


def test_batch_writes_results_and_gradebook(tmp_path, sandboxed):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    shutil.copy(ROOT / "reference" / "batchnorm.py", subs / "alice" / "batchnorm.py")
    shutil.copy(FIXTURES / "batchnorm" / "buggy" / "biased_running_var.py", subs / "bob.py")
    (subs / "carol").mkdir()  # handed in nothing usable
    (subs / "carol" / "notes.txt").write_text("sorry")
    seen = []
    entries = batch.grade_all("batchnorm", subs, tmp_path / "out", jobs=2, include_hidden=False,
                              on_done=lambda e: seen.append(e.student))
    assert sorted(seen) == ["alice", "bob", "carol"]
    by_name = {e.student: e for e in entries}
    assert by_name["alice"].results.score == 10.0
    assert 0 < by_name["bob"].results.score < 10.0
    assert by_name["carol"].results is None and "without batchnorm.py" in by_name["carol"].error
    for name in ("alice", "bob", "carol"):
        payload = json.loads((tmp_path / "out" / name / "results.json").read_text())
        assert {"score", "max_score", "execution_time", "output", "tests"} <= set(payload)
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))
    assert [r["student"] for r in rows] == ["alice", "bob", "carol"]
    assert rows[0]["score"] == "10" and rows[0]["1.1 train-mode forward"] == "1.5"
    assert rows[2]["status"].startswith("error:")


def test_batch_refuses_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(UsageError, match="not a folder"):
        batch.discover("batchnorm", tmp_path / "nope")
    with pytest.raises(UsageError, match="holds no submissions"):
        batch.discover("batchnorm", tmp_path)


def test_one_student_cannot_read_another(tmp_path, sandboxed):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "victim.py").write_text("ANSWER = 'victim-secret-42'\n")
    (subs / "thief.py").write_text(
        "import os\nfrom torch import nn\n"
        "def _look():\n"
        "    hits = []\n"
        "    for root, dirs, files in os.walk('/'):\n"
        "        dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev', 'usr')]\n"
        "        for f in files:\n"
        "            if f.endswith('.py') and 'victim' in f:\n"
        "                hits.append(os.path.join(root, f))\n"
        "    return hits\n"
        "class BatchNorm2d(nn.Module):\n"
        "    def __init__(self, *a, **k):\n"
        "        super().__init__()\n"
        "        raise RuntimeError('FOUND ' + repr(_look()))\n")
    entries = batch.grade_all("batchnorm", subs, tmp_path / "out", jobs=1, include_hidden=False)
    thief = next(e for e in entries if e.student == "thief")
    assert "FOUND []" in thief.results.tests[0].output
