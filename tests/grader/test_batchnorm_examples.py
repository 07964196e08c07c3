"""The batchnorm demo students (examples/batchnorm/) score as the README
shows, on the visible checks: the parts they lose and the mistake named."""

from __future__ import annotations

from helpers import graded_example


def test_alice_gets_full_marks(sandboxed):
    results, lost, _ = graded_example("batchnorm", "alice")
    assert results.score == results.max_score, lost


def test_bob_the_course_notes_version_loses_everything_and_is_told_why(sandboxed):
    results, _, _ = graded_example("batchnorm", "bob")
    assert results.score == 0
    text = "\n".join(t.output for t in results.tests)
    assert "no attribute 'weight'" in text                       # gamma/beta instead of torch's names
    assert "running_mean after step 1 of 2 (train mode): expected shape (2,), got (1, 2, 1, 1)" in text


def test_carol_loses_only_eval_mode(sandboxed):
    results, lost, named = graded_example("batchnorm", "carol")
    assert named == {"batch-stats-in-eval"}
    assert "forward" not in lost and "eval mode" in lost


def test_dave_is_told_the_forbidden_call(sandboxed):
    results, _, _ = graded_example("batchnorm", "dave")
    assert results.score == 0
    assert all("torch.nn.functional.batch_norm" in t.output for t in results.tests)


def test_eve_the_cheat_gains_nothing_from_her_tricks(sandboxed):
    results, lost, _ = graded_example("batchnorm", "eve")
    assert results.score <= 0.5            # only the honest module-structure check can pass
    assert lost >= {"forward", "running statistics", "eval mode", "gradients"}
