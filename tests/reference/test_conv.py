"""reference/conv.py equals torch: conv2d, conv_transpose2d and max_pool2d
(outputs and the gradients of input, weight and bias) over a randomised
sweep of shapes and arguments (non-square inputs and kernels, stride,
padding, dilation, groups including depthwise, batch 1, one channel, int
and (h, w) arguments); Conv2d / ConvTranspose2d load torch's state_dict;
invalid arguments raise ValueError. CPU, and CUDA when present."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reference.conv import Conv2d, ConvTranspose2d, conv2d, conv_transpose2d, max_pool2d

# float64 sums of at most ~100 products of O(1) values agree with torch to
# ~1e-14 whatever the summation order; 1e-10 leaves room and is still far
# below any real mistake (a wrong tap changes results by O(1)).
TIGHT = dict(rtol=1e-10, atol=1e-10)
SWEEP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _randn(gen, *shape, device):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(device)


def _arg(pair, as_int):
    """The argument as torch users pass it: an int when both axes agree and we chose so, else a tuple."""
    return pair[0] if as_int and pair[0] == pair[1] else tuple(pair)


@st.composite
def pairs(draw, low, high):
    """An (h, w) pair; half the time both equal, so the int form is exercised too."""
    h = draw(st.integers(low, high))
    return (h, h) if draw(st.booleans()) else (h, draw(st.integers(low, high)))


def _compare(ours, theirs, inputs, gen, device):
    """Outputs equal, then the gradients of every input for one random upstream gradient."""
    torch.testing.assert_close(ours, theirs, **TIGHT)
    upstream = _randn(gen, *theirs.shape, device=device)
    got = torch.autograd.grad(ours, inputs, upstream)
    want = torch.autograd.grad(theirs, inputs, upstream)
    for g, w, name in zip(got, want, ("x", "weight", "bias")):
        torch.testing.assert_close(g, w, **TIGHT, msg=lambda m, n=name: f"grad of {n}: {m}")


@st.composite
def conv2d_cases(draw):
    groups = draw(st.integers(1, 3))
    per_in = draw(st.sampled_from([1, 1, 2, 3]))              # 1 with groups > 1: depthwise
    per_out = draw(st.integers(1, 3))
    k, s, p, d = draw(pairs(1, 4)), draw(pairs(1, 3)), draw(pairs(0, 3)), draw(pairs(1, 3))
    # the smallest input whose padded size still covers the kernel's reach, plus a random margin
    size = [max(1, d[a] * (k[a] - 1) + 1 - 2 * p[a]) + draw(st.integers(0, 4)) for a in (0, 1)]
    as_int = draw(st.booleans())
    return dict(N=draw(st.integers(1, 3)), C_in=groups * per_in, C_out=groups * per_out, H=size[0], W=size[1],
                k=k, bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31 - 1)),
                kwargs=dict(stride=_arg(s, as_int), padding=_arg(p, as_int), dilation=_arg(d, as_int),
                            groups=groups))


@SWEEP
@given(case=conv2d_cases())
@example(case=dict(N=1, C_in=1, C_out=1, H=5, W=3, k=(2, 3), bias=True, seed=1,          # batch 1, one channel
                   kwargs=dict(stride=3, padding=2, dilation=1, groups=1)))
@example(case=dict(N=2, C_in=3, C_out=6, H=7, W=6, k=(3, 3), bias=False, seed=2,         # depthwise, x2 channels
                   kwargs=dict(stride=(1, 2), padding=(2, 1), dilation=2, groups=3)))
def test_conv2d_matches_torch(case, device):
    gen = torch.Generator().manual_seed(case["seed"])
    x = _randn(gen, case["N"], case["C_in"], case["H"], case["W"], device=device).requires_grad_()
    w = _randn(gen, case["C_out"], case["C_in"] // case["kwargs"]["groups"], *case["k"],
               device=device).requires_grad_()
    b = _randn(gen, case["C_out"], device=device).requires_grad_() if case["bias"] else None
    inputs = [t for t in (x, w, b) if t is not None]
    _compare(conv2d(x, w, b, **case["kwargs"]), F.conv2d(x, w, b, **case["kwargs"]), inputs, gen, device)


@st.composite
def conv_transpose2d_cases(draw):
    k, s, p, d = draw(pairs(1, 4)), draw(pairs(1, 3)), draw(pairs(0, 3)), draw(pairs(1, 3))
    # torch: output_padding smaller than the stride or the dilation, per axis
    op = tuple(draw(st.integers(0, max(s[a], d[a]) - 1)) for a in (0, 1))
    # the smallest input whose output survives the cropping: (i - 1)s - 2p + d(k - 1) + op + 1 >= 1
    size = [1 + max(0, -(-(2 * p[a] - d[a] * (k[a] - 1) - op[a]) // s[a])) + draw(st.integers(0, 3))
            for a in (0, 1)]
    as_int = draw(st.booleans())
    return dict(N=draw(st.integers(1, 3)), C_in=draw(st.integers(1, 4)), C_out=draw(st.integers(1, 4)),
                H=size[0], W=size[1], k=k, bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31 - 1)),
                kwargs=dict(stride=_arg(s, as_int), padding=_arg(p, as_int), output_padding=_arg(op, as_int),
                            dilation=_arg(d, as_int)))


@SWEEP
@given(case=conv_transpose2d_cases())
@example(case=dict(N=1, C_in=1, C_out=1, H=3, W=2, k=(2, 2), bias=True, seed=3,          # stride > kernel: gaps
                   kwargs=dict(stride=3, padding=0, output_padding=2, dilation=1)))
@example(case=dict(N=2, C_in=2, C_out=3, H=4, W=5, k=(3, 2), bias=True, seed=4,          # crop beyond the reach
                   kwargs=dict(stride=(2, 1), padding=(3, 2), output_padding=(1, 0), dilation=(1, 2))))
def test_conv_transpose2d_matches_torch(case, device):
    gen = torch.Generator().manual_seed(case["seed"])
    x = _randn(gen, case["N"], case["C_in"], case["H"], case["W"], device=device).requires_grad_()
    w = _randn(gen, case["C_in"], case["C_out"], *case["k"], device=device).requires_grad_()
    b = _randn(gen, case["C_out"], device=device).requires_grad_() if case["bias"] else None
    inputs = [t for t in (x, w, b) if t is not None]
    _compare(conv_transpose2d(x, w, b, **case["kwargs"]), F.conv_transpose2d(x, w, b, **case["kwargs"]),
             inputs, gen, device)


@st.composite
def max_pool2d_cases(draw):
    k = draw(pairs(1, 4))
    p = draw(st.integers(0, min(k) // 2))                      # torch: at most half the kernel
    stride = draw(st.one_of(st.none(), pairs(1, 3)))
    size = [max(1, k[a] - 2 * p) + draw(st.integers(0, 4)) for a in (0, 1)]
    as_int = draw(st.booleans())
    kwargs = dict(kernel_size=_arg(k, as_int), padding=p)
    if stride is not None or draw(st.booleans()):              # None passed explicitly, or left out
        kwargs["stride"] = None if stride is None else _arg(stride, as_int)
    return dict(N=draw(st.integers(1, 3)), C=draw(st.integers(1, 3)), H=size[0], W=size[1],
                shift=draw(st.sampled_from([0.0, -5.0])), seed=draw(st.integers(0, 2**31 - 1)), kwargs=kwargs)


@SWEEP
@given(case=max_pool2d_cases())
def test_max_pool2d_matches_torch(case, device):
    gen = torch.Generator().manual_seed(case["seed"])
    # shift -5: every value negative, so padding with zeros instead of -inf would show
    x = (_randn(gen, case["N"], case["C"], case["H"], case["W"], device=device) + case["shift"]).requires_grad_()
    _compare(max_pool2d(x, **case["kwargs"]), F.max_pool2d(x, **case["kwargs"]), [x], gen, device)


def test_max_pool2d_gradient_on_ties_goes_to_the_first_maximum(device):
    x = torch.tensor([[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 3.0, 3.0], [0.0, 0.0, 0.0, 0.0]],
                     dtype=torch.float64, device=device).expand(2, 2, 3, 4).contiguous().requires_grad_()
    for kwargs in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)):
        _compare(max_pool2d(x, **kwargs), F.max_pool2d(x, **kwargs), [x], torch.Generator().manual_seed(0), device)


@st.composite
def module_cases(draw):
    transposed = draw(st.booleans())
    groups = 1 if transposed else draw(st.integers(1, 3))
    k, s, p, d = draw(pairs(1, 3)), draw(pairs(1, 2)), draw(pairs(0, 1)), draw(pairs(1, 2))
    kwargs = dict(stride=s, padding=p, dilation=d, bias=draw(st.booleans()))
    if transposed:
        kwargs["output_padding"] = tuple(draw(st.integers(0, max(s[a], d[a]) - 1)) for a in (0, 1))
    else:
        kwargs["groups"] = groups
    # covers the reach and survives cropping (both kinds), plus a margin
    size = [2 * p[a] + d[a] * (k[a] - 1) + 1 + draw(st.integers(0, 2)) for a in (0, 1)]
    return dict(transposed=transposed, C_in=groups * draw(st.integers(1, 3)), C_out=groups * draw(st.integers(1, 3)),
                k=k, kwargs=kwargs, size=size, seed=draw(st.integers(0, 2**31 - 1)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=module_cases())
def test_modules_load_torch_state_dict_and_match(case, device):
    ours_cls, theirs_cls = (ConvTranspose2d, torch.nn.ConvTranspose2d) if case["transposed"] else (Conv2d, torch.nn.Conv2d)
    torch.manual_seed(case["seed"])
    theirs = theirs_cls(case["C_in"], case["C_out"], case["k"], **case["kwargs"]).to(device, torch.float64)
    ours = ours_cls(case["C_in"], case["C_out"], case["k"], **case["kwargs"]).to(device, torch.float64)
    assert {n: p.shape for n, p in ours.named_parameters()} == {n: p.shape for n, p in theirs.named_parameters()}
    assert ours.load_state_dict(theirs.state_dict()) is not None   # strict: same keys, same shapes
    if not case["kwargs"]["bias"]:
        assert ours.bias is None
    gen = torch.Generator().manual_seed(case["seed"])
    x = _randn(gen, 2, case["C_in"], *case["size"], device=device).requires_grad_()
    inputs = [x] + [p for p in (theirs.weight, theirs.bias) if p is not None]
    ours_inputs = [x] + [p for p in (ours.weight, ours.bias) if p is not None]
    out, want = ours(x), theirs(x)
    torch.testing.assert_close(out, want, **TIGHT)
    upstream = _randn(gen, *want.shape, device=device)
    for g, w in zip(torch.autograd.grad(out, ours_inputs, upstream), torch.autograd.grad(want, inputs, upstream)):
        torch.testing.assert_close(g, w, **TIGHT)


def test_default_parameters_are_float32_like_torch():
    for ours, theirs in ((Conv2d(4, 6, (3, 2), groups=2, bias=False), torch.nn.Conv2d(4, 6, (3, 2), groups=2, bias=False)),
                         (ConvTranspose2d(3, 5, 2), torch.nn.ConvTranspose2d(3, 5, 2))):
        assert {k: (v.shape, v.dtype) for k, v in ours.state_dict().items()} == \
               {k: (v.shape, v.dtype) for k, v in theirs.state_dict().items()}
        assert all(isinstance(p, torch.nn.Parameter) for p in ours.parameters())


X = torch.zeros(1, 2, 5, 5)


@pytest.mark.parametrize("call,match", [
    (lambda: conv2d(torch.zeros(2, 5, 5), torch.zeros(1, 2, 3, 3)), "expected 4D input"),
    (lambda: conv2d(X, torch.zeros(1, 3, 3, 3)), "expected input with 3 channels"),
    (lambda: conv2d(X, torch.zeros(3, 1, 3, 3), groups=2), "groups must be"),
    (lambda: conv2d(X, torch.zeros(1, 2, 7, 3)), "exceeds the padded input"),
    (lambda: conv2d(X, torch.zeros(1, 2, 3, 3), stride=0), "stride must be >= 1"),
    (lambda: conv2d(X, torch.zeros(1, 2, 3, 3), padding=(1, 2, 3)), "padding must be an int or a pair"),
    (lambda: conv2d(X, torch.zeros(1, 2, 3, 3), padding="same"), "padding must be an int or a pair"),
    (lambda: conv2d(X, torch.zeros(4, 2, 3, 3), bias=torch.zeros(3)), "expected bias of shape"),
    (lambda: conv_transpose2d(X, torch.zeros(3, 2, 3, 3)), "expected weight of shape"),
    (lambda: conv_transpose2d(X, torch.zeros(2, 2, 3, 3), stride=2, output_padding=2), "output_padding"),
    (lambda: conv_transpose2d(X, torch.zeros(2, 2, 1, 1), padding=3), "crops the whole output"),
    (lambda: max_pool2d(X, 3, padding=2), "at most half the kernel"),
    (lambda: max_pool2d(X, 8), "larger than the padded input"),
    (lambda: Conv2d(4, 6, 3, groups=4), "groups=4 must divide"),
])
def test_invalid_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call", [
    lambda: F.conv2d(X, torch.zeros(1, 3, 3, 3)),
    lambda: F.conv2d(X, torch.zeros(1, 2, 7, 3)),
    lambda: F.conv_transpose2d(X, torch.zeros(2, 2, 3, 3), stride=2, output_padding=2),
    lambda: F.max_pool2d(X, 3, padding=2),
])
def test_torch_rejects_the_same_arguments(call):
    """The ValueErrors above are for arguments torch itself refuses (not stricter than torch)."""
    with pytest.raises(RuntimeError):
        call()
