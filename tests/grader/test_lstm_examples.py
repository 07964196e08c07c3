"""The lstm demo students (examples/lstm/) score as their docstrings say, on
the visible checks: the parts they lose and the mistake or call named."""

from __future__ import annotations

from helpers import graded_example


def test_alice_gets_full_marks(sandboxed):
    results, lost, _ = graded_example("lstm", "alice")
    assert results.score == results.max_score, lost


def test_bob_mixes_up_the_gate_order_and_is_told_so(sandboxed):
    results, _, named = graded_example("lstm", "bob")
    assert 0 < results.score < results.max_score
    assert named == {"gate-order-ifog"}


def test_carol_keeps_her_cell_but_not_her_nn_lstm_layer(sandboxed):
    results, lost, _ = graded_example("lstm", "carol")
    assert "LSTMCell" not in lost and "LSTM" in lost
    assert all("torch.nn.LSTM" in t.output for t in results.tests if t.check.group == "LSTM" and not t.passed)
