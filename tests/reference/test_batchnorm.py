"""reference/batchnorm.py equals torch.nn.BatchNorm2d: outputs, gradients of
input and parameters, running statistics over several steps, eval mode; many
shapes, momenta and eps; float32 and float64; CPU and CUDA when present."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.batchnorm import BatchNorm2d

TOL = {torch.float64: dict(rtol=1e-9, atol=1e-10), torch.float32: dict(rtol=2e-4, atol=2e-5)}


def _pair(C, eps, momentum, dtype, device, seed):
    ours = BatchNorm2d(C, eps=eps, momentum=momentum).to(device=device, dtype=dtype)
    theirs = torch.nn.BatchNorm2d(C, eps=eps, momentum=momentum).to(device=device, dtype=dtype)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        w = torch.randn(C, generator=gen, dtype=torch.float64) * 0.5 + 1
        b = torch.randn(C, generator=gen, dtype=torch.float64) * 0.5
        for m in (ours, theirs):
            m.weight.copy_(w)
            m.bias.copy_(b)
    return ours, theirs, gen


def _run_and_compare(shapes, modes, C, eps, momentum, dtype, device, seed):
    ours, theirs, gen = _pair(C, eps, momentum, dtype, device, seed)
    tol = TOL[dtype]
    for shape, mode in zip(shapes, modes):
        x = (torch.randn(*shape, generator=gen, dtype=torch.float64) * 2 + 0.5).to(device=device, dtype=dtype)
        up = torch.randn(*shape, generator=gen, dtype=torch.float64).to(device=device, dtype=dtype)
        outs = []
        for m in (ours, theirs):
            m.train(mode == "train")
            m.zero_grad()
            xi = x.clone().requires_grad_(True)
            y = m(xi)
            y.backward(up)
            outs.append((y.detach(), xi.grad, m.weight.grad, m.bias.grad,
                         m.running_mean.clone(), m.running_var.clone()))
        for got, want, what in zip(outs[0], outs[1], ("out", "grad_x", "grad_w", "grad_b", "rm", "rv")):
            torch.testing.assert_close(got, want, **tol, msg=lambda m, w=what: f"{w}: {m}")
    assert not ours.running_mean.requires_grad and not ours.running_var.requires_grad


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 2, 1, 2), (5, 1, 3, 3), (2, 4, 1, 1), (3, 6, 7, 2)])
def test_matches_torch_over_steps_and_eval(shape, dtype, device):
    N, C, H, W = shape
    shapes = [shape, (N + 1, C, H, W), (N, C, H + 1, W), shape]
    _run_and_compare(shapes, ["train", "train", "train", "eval"], C, 1e-5, 0.1, dtype, device, seed=sum(shape))


@settings(max_examples=40, deadline=None)
@given(N=st.integers(1, 4), C=st.integers(1, 5), H=st.integers(1, 5), W=st.integers(1, 5),
       eps=st.sampled_from([1e-5, 1e-3, 0.1, 1.0]), momentum=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**31 - 1), dtype=st.sampled_from([torch.float64, torch.float32]))
def test_matches_torch_property(N, C, H, W, eps, momentum, seed, dtype):
    if N * H * W < 2:
        N = 2  # torch itself refuses one value per channel in training mode
    shapes = [(N, C, H, W), (N, C, H, W), (max(N - 1, 1), C, H + 1, W)]
    _run_and_compare(shapes, ["train", "train", "eval"], C, eps, momentum, dtype, "cpu", seed)


def test_parameters_buffers_and_state_dict_like_torch():
    ours, theirs = BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    assert {n for n, _ in ours.named_parameters()} == {"weight", "bias"}
    assert {n for n, _ in ours.named_buffers()} == {"running_mean", "running_var"}
    ours.load_state_dict(theirs.state_dict(), strict=False)
    assert set(theirs.state_dict()) - set(ours.state_dict()) == {"num_batches_tracked"}


def test_rejects_non_4d_and_single_value_per_channel():
    with pytest.raises(ValueError, match="expected 4D input"):
        BatchNorm2d(3)(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm2d(3)(torch.randn(1, 3, 1, 1))
