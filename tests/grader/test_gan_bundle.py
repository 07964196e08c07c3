"""gan from the student bundle: no oracle code inside (it would be the
solution of train_step and the losses), yet `dlgrade check` grades the
reference in full from the recorded oracle observations, the training
check included (its verdict is derived from recorded raw samples), and
names mistakes from recorded fingerprints, a derived one included."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import FIXTURES, ROOT, run_from_bundle
from grader import assignments, bundle, fingerprints


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("gan-bundle") / "student"
    bundle.write_bundle(out)
    return out


def test_no_oracle_code_in_the_bundle_but_its_observations(built):
    assert not (built / "grader" / "oracles").exists()
    recorded = json.loads((built / "grader" / "fingerprint_data" / "gan.json").read_text())["oracle"]
    assert set(recorded) == {fingerprints.probe_key(c) for c in assignments.get("gan").visible}


def test_check_grades_the_reference_in_full_from_the_bundle(built, tmp_path, sandboxed):
    submission = tmp_path / "gan.py"
    shutil.copy(ROOT / "reference" / "gan.py", submission)
    done = run_from_bundle(built, "check", "gan", str(submission), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["score"] == payload["max_score"] == 10.0


@pytest.mark.parametrize("fixture,mistake", [("no_detach_retain_graph", "no-detach-zero-grad-first"),
                                             ("sigmoid_discriminator", "sigmoid-on-discriminator")])
def test_the_bundle_names_gan_mistakes(built, tmp_path, sandboxed, fixture, mistake):
    done = run_from_bundle(built, "check", "gan", str(FIXTURES / "gan" / "buggy" / f"{fixture}.py"), "--json",
                           cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tags = {tag for t in json.loads(done.stdout)["tests"] for tag in t.get("tags", [])}
    assert mistake in tags
