"""An oracle that would be a solution (grader/oracles) is left out of the
student bundle, which records its observations of the visible checks; the
pipeline reads them when the oracle cannot be imported, and still fails
loudly when neither is there."""

from __future__ import annotations

import dataclasses
import json

import pytest

from grader import bundle, fingerprints, pipeline
from grader.assignments import get

VAE = get("vae")


@pytest.fixture
def no_live_oracle(monkeypatch, tmp_path):
    """The assignment as a bundle sees it: importing the oracle fails; the
    recorded observations live in ``tmp_path`` (returned)."""
    def missing():
        raise ModuleNotFoundError("No module named 'grader.oracles'", name="grader.oracles")

    monkeypatch.setattr(fingerprints, "RECORDED_DIR", tmp_path)
    monkeypatch.setattr(pipeline, "_ORACLE_CACHE", {})
    import grader.assignments

    monkeypatch.setattr(grader.assignments, "get", lambda name: dataclasses.replace(VAE, oracle=missing))
    return tmp_path


def test_recorded_oracle_observations_stand_in_for_the_live_oracle(no_live_oracle):
    checks = VAE.visible[:4] + VAE.visible[7:9]
    live = {c.number: c.observe(fingerprints.run_probe("vae", VAE.oracle(), c)) for c in checks}
    (no_live_oracle / "vae.json").write_text(json.dumps({"mistakes": [], "observations": {},
                                                         "oracle": fingerprints.record_oracle(VAE, checks)}))
    for check in checks:
        got = pipeline.oracle_observations("vae", check)
        assert set(got) == set(live[check.number]), check.number
        assert pipeline.compare(live[check.number], got, None, check.tolerance) == [], check.number


def test_without_a_recording_the_missing_oracle_is_an_error(no_live_oracle):
    with pytest.raises(ModuleNotFoundError):
        pipeline.oracle_observations("vae", VAE.visible[0])


def test_the_bundle_leaves_written_out_oracles_out():
    assert "oracles" in bundle.EXCLUDED_GRADER_PARTS
