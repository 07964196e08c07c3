"""The conv demo students (examples/conv/) score as their docstrings say,
on the visible checks: partial credit per function, the mistake named, the
forbidden call named."""

from __future__ import annotations

import pytest

from helpers import graded_example


def _graded(student: str):
    results, lost, _ = graded_example("conv", student)
    return results, lost, results.tests


@pytest.mark.parametrize("student", ["alice", "dave"])
def test_correct_students_get_full_marks(student, sandboxed):
    results, lost, _ = _graded(student)
    assert results.score == results.max_score, lost


def test_bob_loses_only_the_transposed_convolution_and_is_told_why(sandboxed):
    results, lost, tests = _graded("bob")
    assert lost == {"conv_transpose2d", "ConvTranspose2d"}
    assert any("transposed-padding-not-cropped" in t.mistakes for t in tests)


def test_carol_loses_only_what_reaches_f_unfold(sandboxed):
    results, lost, tests = _graded("carol")
    assert lost == {"conv2d", "Conv2d"}
    assert all("torch.nn.functional.unfold" in t.output for t in tests if not t.passed)
