"""Comparison checks type, shape, dtype, finiteness, values and autograd
history, and says precisely what differs."""

from __future__ import annotations

import numpy as np
import torch

from grader.check import FLOAT32, FLOAT64
from grader.child import protocol
from grader.compare import compare, compare_value


def obs(value):
    return protocol.decode(protocol.encode(value))


def test_equal_tensors_pass_and_tiny_float64_noise_is_tolerated():
    x = torch.randn(2, 3, 4, 4, dtype=torch.float64)
    assert compare_value(obs(x), obs(x * (1 + 1e-12)), FLOAT64) is None


def test_value_errors_report_location_count_and_channels():
    x = torch.randn(2, 3, 4, 4, dtype=torch.float64)
    y = x.clone()
    y[1, 2, 3, 0] += 0.5
    message = compare_value(obs(x), obs(y), FLOAT64)
    assert "max abs error 0.5 at index [1, 2, 3, 0]" in message
    assert "1 of 96 elements off" in message and "channels affected: 2" in message


def test_shape_dtype_type_and_none_are_reported_before_values():
    x = torch.zeros(2, 3, dtype=torch.float64)
    assert "expected shape (2, 3), got (3, 2)" in compare_value(obs(x), obs(x.T.contiguous()), FLOAT64)
    assert "expected dtype torch.float64, got torch.float32" in compare_value(obs(x), obs(x.float()), FLOAT64)
    assert "got None" in compare_value(obs(x), obs(None), FLOAT64)
    assert "got a list" in compare_value(obs(x), obs([0.0]), FLOAT64)


def test_nan_is_reported_with_advice():
    x = torch.ones(4, dtype=torch.float64)
    y = x.clone()
    y[2] = float("nan")
    assert "NaN at 1 of 4 positions (first at [2])" in compare_value(obs(x), obs(y), FLOAT64)


def test_an_infinite_expected_value_is_matched_by_the_same_infinity_only():
    expected = obs(torch.tensor([1.0, float("inf"), -float("inf")]))
    assert compare_value(expected, obs(torch.tensor([1.0, float("inf"), -float("inf")])), FLOAT32) is None
    for got in ([1.0, 1.386, -float("inf")], [1.0, float("inf"), 0.0], [1.0, -float("inf"), -float("inf")]):
        assert "1 of 3 elements off" in compare_value(expected, obs(torch.tensor(got)), FLOAT32)
    assert compare_value(obs(torch.tensor(float("inf"))), obs(torch.tensor(1.386)), FLOAT32) is not None


def test_autograd_history_must_match_torch():
    leaf = torch.ones(3, dtype=torch.float64, requires_grad=True)
    with_history = obs(leaf * 2)
    without = obs((leaf * 2).detach())
    assert "no autograd history" in compare_value(with_history, without, FLOAT64)
    assert "carries autograd history" in compare_value(without, with_history, FLOAT64)


def test_float32_tolerance_accepts_rounding_but_not_a_real_difference():
    x = torch.randn(100, dtype=torch.float32)
    assert compare_value(obs(x), obs(x.double().add(1e-7).float()), FLOAT32) is None
    assert compare_value(obs(x), obs(x * 1.01), FLOAT32) is not None


def test_structured_values_compare_exactly():
    expected = obs({"parameters": {"bias": [3], "weight": [3]}})
    got = obs({"parameters": {"weight": [3]}})
    (problem,) = compare(expected, got, None, FLOAT64)
    assert problem.key == "parameters" and "missing bias" in problem.message


def test_a_lying_subclass_never_passes():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    x = torch.zeros(3)
    message = compare_value(obs(x), obs(x.as_subclass(Liar)), FLOAT32)
    assert message and "subclass" in message


def test_int_tensors_compare_exactly():
    a = torch.tensor([1, 2, 3])
    assert compare_value(obs(a), obs(torch.tensor([1, 2, 4])), FLOAT64).startswith("values differ")
    assert np.array_equal(obs(a).array, [1, 2, 3])


def test_declared_layout_names_time_steps_and_no_false_channels():
    from grader.compare import compare

    out = torch.zeros(5, 2, 3, dtype=torch.float64)      # (L, N, H)
    bad = out.clone()
    bad[3:, 1, 0] = 1.0
    (problem,) = compare({"out": obs(out)}, {"out": obs(bad)}, None, FLOAT64, {"out": "LNH"})
    assert "time steps affected: 3, 4" in problem.message
    assert "channels" not in problem.message
    (plain,) = compare({"out": obs(out)}, {"out": obs(bad)}, None, FLOAT64)
    assert "channels" not in plain.message and "time steps" not in plain.message
