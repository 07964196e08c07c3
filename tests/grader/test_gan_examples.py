"""The gan demo students (examples/gan/) score as their docstrings say, on
the visible checks: the parts they lose, and the mistake named."""

from __future__ import annotations

from helpers import graded_example


def _graded(student: str):
    return graded_example("gan", student)


def test_alice_gets_full_marks(sandboxed):
    results, lost, _ = _graded("alice")
    assert results.score == results.max_score, lost


def test_bob_uses_the_saturating_loss_and_still_learns(sandboxed):
    results, lost, named = _graded("bob")
    assert lost == {"generator_loss", "train_step"}
    assert named == {"saturating-generator-loss"}


def test_carol_leaks_the_discriminators_loss_into_the_generator(sandboxed):
    results, lost, named = _graded("carol")
    assert lost == {"train_step"}
    assert named == {"no-detach-zero-grad-first"}
    assert [t.check.number for t in results.tests if not t.passed] == ["1.7", "1.8"]   # her returns are right
