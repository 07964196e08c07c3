"""The run-time tripwire (grader/child/tripwire.py), in-process.

A CompositeImplicitAutograd ATen operator (aten.lstm_cell, aten.gru_cell,
aten.lstm in float64 on the CPU...) decomposes into plain operators before
the dispatch hook sees it; the function hook matches the ATen patterns
against operators called from Python, however they were reached (a local
alias of torch escapes the static scan), so such a call is still caught.
"""

from __future__ import annotations

import pytest
import torch

from grader.child.tripwire import Tripwire

X, H, W_IH, W_HH = torch.randn(2, 3), torch.randn(2, 4), torch.randn(16, 3), torch.randn(16, 4)


def _hits(aten_patterns, run, functions=()) -> list[str]:
    wire = Tripwire(functions, aten_patterns)
    with wire:
        run()
    return wire.take()


def _through_local_alias(form):
    def run():
        t = torch                      # the static scan does not follow local aliases
        packet = t.ops.aten.lstm_cell
        op = {"packet": packet, "overload": packet.default, "packet._op": packet._op,
              "overload._op": packet.default._op}[form]
        op(X, [H, H], W_IH, W_HH)

    return run


def test_the_dispatch_hook_alone_misses_a_composite_operator():
    """Why the function hook matches ATen patterns too: below it, nothing named lstm runs."""
    seen = []

    class Ops(torch.utils._python_dispatch.TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.append(func.__name__)
            return func(*args, **(kwargs or {}))

    with Ops():
        torch.ops.aten.lstm_cell(X, [H, H], W_IH, W_HH)
    assert seen and not any("lstm" in name for name in seen), seen


@pytest.mark.parametrize("form", ["packet", "overload", "packet._op", "overload._op"])
def test_composite_aten_operator_called_from_python_is_caught(form):
    assert _hits([r"lstm"], _through_local_alias(form)) == ["torch.ops.aten.lstm_cell"]


def test_allowed_aten_operators_and_other_patterns_are_left_alone():
    assert _hits([r"gru"], _through_local_alias("packet")) == []
    assert _hits([r"lstm"], lambda: torch.ops.aten.mm(X, W_IH.T)) == []


def test_function_identity_hits_are_unchanged():
    assert _hits([], lambda: torch.lstm_cell(X, (H, H), W_IH, W_HH), functions=["torch.lstm*"]) == \
        ["torch.lstm_cell"]


def test_a_tripwire_with_nothing_forbidden_installs_no_hooks():
    """An assignment that forbids nothing (gan) runs its training checks at full speed."""
    from torch.overrides import _get_current_function_mode_stack
    from torch.utils._python_dispatch import _get_current_dispatch_mode_stack

    with Tripwire([], []) as wire:
        assert _get_current_function_mode_stack() == [] and _get_current_dispatch_mode_stack() == []
        torch.lstm_cell(X, (H, H), W_IH, W_HH)
    assert wire.take() == []
    with Tripwire([], [r"lstm"]):
        assert len(_get_current_function_mode_stack()) == 1 and len(_get_current_dispatch_mode_stack()) == 1
    assert _get_current_function_mode_stack() == [] and _get_current_dispatch_mode_stack() == []
