"""vae from the student bundle: no oracle code inside (it would be a
solution), yet `dlgrade check` grades the reference in full from the
recorded oracle observations and names a mistake from recorded
fingerprints."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import FIXTURES, ROOT, run_from_bundle
from grader import bundle


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("vae-bundle") / "student"
    bundle.write_bundle(out)
    return out


def test_no_oracle_code_in_the_bundle(built):
    assert not (built / "grader" / "oracles").exists()
    assert "oracle" in json.loads((built / "grader" / "fingerprint_data" / "vae.json").read_text())


def test_check_grades_the_reference_in_full_from_the_bundle(built, tmp_path, sandboxed):
    submission = tmp_path / "vae.py"
    shutil.copy(ROOT / "reference" / "vae.py", submission)
    done = run_from_bundle(built, "check", "vae", str(submission), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["score"] == payload["max_score"] == 10.0


def test_the_bundle_names_a_vae_mistake(built, tmp_path, sandboxed):
    buggy = FIXTURES / "vae" / "buggy" / "kl_sign_flipped.py"
    done = run_from_bundle(built, "check", "vae", str(buggy), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tags = {tag for t in json.loads(done.stdout)["tests"] for tag in t.get("tags", [])}
    assert "kl-sign-flipped" in tags
