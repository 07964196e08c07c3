"""Judging answers: exact integers, tolerant reals, shapes, formulas, known slips."""

from __future__ import annotations

import time

import pytest

from question_bank.check import check_answer, domain_points
from question_bank.deadline import CheckTimeout, deadline
from question_bank.question import Question, make_question


def first(topic: str, **params: object) -> Question:
    """The first question of ``topic`` whose params include ``params``."""
    for seed in range(5000):
        q = make_question(topic, seed)
        if all(q.params.get(k) == v for k, v in params.items()):
            return q
    raise LookupError(params)


def test_integer_equivalent_forms() -> None:
    q = make_question("conv2d_output", 42)  # answer 29
    for text in ("29", "29.0", "58/2", "2.9e1", "(29 + 2*1 - 3)//1 + 1", "30 - 1", "sqrt(841)"):
        assert check_answer(q, text).correct, text
    for text in ("28", "29.5", "30", "29.0001"):
        verdict = check_answer(q, text)
        assert not verdict.correct and verdict.status == "wrong", text


def test_json_shape() -> None:
    verdict = check_answer(make_question("conv2d_output", 42), "29").to_json()
    assert verdict["correct"] is True and isinstance(verdict["feedback"], str)


def test_unreadable_answers_are_rejected_not_raised() -> None:
    q = make_question("lstm_params", 1)
    for text in ("__import__('os').system('true')", "9**9**9**9", "x" * 10**6, "", "1/0", "(1, 2)"):
        verdict = check_answer(q, text)
        assert verdict.status == "rejected" and not verdict.correct
        assert verdict.feedback.startswith("Could not read your answer") and "\n" not in verdict.feedback


def test_slip_feedback_names_the_mistake() -> None:
    q = first("conv2d_params", bias=True)
    no_bias = q.value - q.params["out_channels"]
    verdict = check_answer(q, str(no_bias))
    assert not verdict.correct and "bias" in verdict.feedback and q.answer in verdict.feedback

    lstm = first("lstm_params", bias=True)
    one_bias = lstm.value - 4 * lstm.params["hidden_size"] * lstm.params["num_layers"] * (
        2 if lstm.params["bidirectional"] else 1)
    assert "two bias vectors" in check_answer(lstm, str(one_bias)).feedback

    bn = first("batchnorm_params", count="buffers", track_running_stats=True)
    assert "num_batches_tracked" in check_answer(bn, str(2 * bn.params["num_features"])).feedback


def test_pool_ceil_rule_slip() -> None:
    from question_bank.arith import pool_last_window_dropped, pool_out_unclipped

    for seed in range(2000):
        q = make_question("pool2d_output", seed)
        p = q.params
        if pool_last_window_dropped(p["in_size"], p["kernel_size"], p["stride"], p["padding"], p["ceil_mode"]):
            raw = pool_out_unclipped(p["in_size"], p["kernel_size"], p["stride"], p["padding"], True)
            assert "right padding" in check_answer(q, str(raw)).feedback
            return
    pytest.fail("no ceil-mode question drops its last window")


def test_real_tolerance_is_relative_and_stated() -> None:
    q = make_question("edge_length_fraction", 42)
    exact = q.value
    assert check_answer(q, repr(exact * (1 + 0.0009))).correct
    assert check_answer(q, repr(exact * (1 - 0.0009))).correct
    verdict = check_answer(q, repr(exact * 1.002))
    assert not verdict.correct and "0.1%" in verdict.feedback
    # an exact expression is fine too
    assert check_answer(q, f"{q.params['fraction']}**(1/{q.params['dims']})").correct


def test_tiny_real_answers_use_relative_tolerance() -> None:
    q = first("hypersphere_volume_ratio", dims=20)
    assert q.value < 1e-7
    assert check_answer(q, repr(q.value * 1.0005)).correct
    assert not check_answer(q, "0").correct


def test_shape_answers() -> None:
    q = make_question("network_walk", 42)  # (128, 12, 12)
    for text in ("(128, 12, 12)", "128, 12, 12", "128x12x12", "128 × 12 × 12", "(2**7, 24/2, 12)"):
        assert check_answer(q, text).correct, text
    assert "W wrong" in check_answer(q, "(128, 12, 11)").feedback
    assert "3 dimensions" in check_answer(q, "(1, 128, 12, 12)").feedback
    assert check_answer(q, "(128, 12.5, 12)").status == "rejected"


def test_shape_after_flatten_accepts_a_plain_number() -> None:
    for seed in range(3000):
        q = make_question("network_walk", seed)
        if len(q.value) == 1:
            assert check_answer(q, str(q.value[0])).correct
            assert check_answer(q, f"({q.value[0]},)").correct
            return
    pytest.fail("no flatten question found")


def test_formula_equivalent_forms() -> None:
    q = first("conv_output_formula", kernel_size=3, stride=2, padding=0, dilation=1)  # floor((i - 3)/2) + 1
    for text in ("floor((i - 3)/2) + 1", "(i-3)//2 + 1", "(i - 1)//2", "floor((i - 1)/2)", "floor(i/2 - 1/2)"):
        assert check_answer(q, text).correct, text
    for text in ("(i - 3)/2 + 1", "ceil((i - 3)/2) + 1", "i/2", "(i-2)//2"):
        assert not check_answer(q, text).correct, text


def test_formula_stride_one_is_linear() -> None:
    q = first("conv_output_formula", kernel_size=5, stride=1, padding=0, dilation=1)  # i - 4
    assert q.answer == "i - 4"
    for text in ("i - 4", "-4 + i", "(2*i - 8)/2", "i - 5 + 1", "(i-4)//1"):
        assert check_answer(q, text).correct, text
    assert not check_answer(q, "i - 3").correct
    assert check_answer(q, "x - 4").status == "rejected"  # only i is a symbol here


def test_parameter_formulas() -> None:
    q = first("param_count_formula", layer="conv", bias=True)
    for text in ("c_out*c_in*k**2 + c_out", "c_out*(c_in*k^2 + 1)", "(c_in*k*k + 1)*c_out"):
        assert check_answer(q, text).correct, text
    assert "not equivalent" in check_answer(q, "c_out*c_in*k**2").feedback
    grouped = first("param_count_formula", layer="grouped", bias=False)
    assert check_answer(grouped, "c_in*c_out*k**2/g").correct
    assert not check_answer(grouped, "c_in*c_out*k**2").correct


def test_formula_degree_cap_and_symbolic_exponent() -> None:
    q = first("param_count_formula", layer="lstm", bias=True)
    assert check_answer(q, "h**17").status == "rejected"
    assert check_answer(q, "h**i").status == "rejected"
    assert check_answer(q, "((h+1)**8+1)**8").status == "rejected"


def test_formula_checks_are_fast() -> None:
    q = first("param_count_formula", layer="separable", bias=True)
    start = time.perf_counter()
    for text in ("c_in*k**2 + c_in + c_in*c_out + c_out", "(c_in+1)*(c_out+1) + c_in*k**2 - 1", "(k**2+1+c_out)*c_in + c_out"):
        assert check_answer(q, text).correct
    assert time.perf_counter() - start < 5


def test_domain_points() -> None:
    q = first("conv_output_formula", kernel_size=7, padding=0, dilation=1)
    points = domain_points(q)
    assert min(p["i"] for p in points) == 7 and len(points) >= 40
    free = first("param_count_formula", layer="conv")
    assert domain_points(free) == domain_points(free) and len(domain_points(free)) == 48


def test_deadline_interrupts_work() -> None:
    start = time.perf_counter()
    with pytest.raises(CheckTimeout):
        with deadline(0.05) as enforced:
            assert enforced
            while True:
                pass
    assert time.perf_counter() - start < 1


def test_deadline_outside_the_main_thread_is_not_enforced() -> None:
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(deadline(0.01).__enter__()))
    thread.start()
    thread.join()
    assert seen == [False]
