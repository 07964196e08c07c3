"""The vae demo students (examples/vae/) score as their docstrings say, on
the visible checks: partial credit per part, and the mistake named."""

from __future__ import annotations

import re

from helpers import graded_example


def _graded(student: str):
    return graded_example("vae", student)


def test_alice_gets_full_marks(sandboxed):
    results, lost, _ = _graded("alice")
    assert results.score == results.max_score, lost


def test_bob_loses_the_loss_and_training_and_is_told_why(sandboxed):
    results, lost, named = _graded("bob")
    assert lost == {"vae_loss", "training"}
    assert named == {"bce-mean-over-pixels"}
    training = next(t for t in results.tests if t.check.group == "training")
    ratio = float(re.search(r"decode\(mu\) is ([0-9.]+) times as far", training.output).group(1))
    assert ratio > 0.9, training.output       # the posterior collapsed: reconstructions ignore their input


def test_carol_loses_what_logits_touch(sandboxed):
    results, lost, named = _graded("carol")
    assert lost == {"vae_loss", "VAE", "training"}
    assert named == {"decoder-logits"}
    assert [t.check.number for t in results.tests if t.check.group == "VAE" and not t.passed] == ["1.8"]
