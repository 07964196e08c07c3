"""reference/lstm.py equals torch: LSTMCell against nn.LSTMCell and LSTM
against a one-layer nn.LSTM (outputs, h_n, c_n, and the gradients of the
input, the initial state and every parameter) over a randomised sweep of
sizes (sequence length 1, batch 1), batch_first both ways, bias=False for
the cell, a given initial state or None; parameter names and shapes as
torch's; unbatched input; bad shapes raise ValueError. float64 tight,
float32 looser; CPU, and CUDA when present."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reference.lstm import LSTM, LSTMCell

# float64: each output is a chain of at most ~8 steps of (4H x (I + H))
# matrix products of O(1) values and sigmoid/tanh (Lipschitz <= 1), which
# float64 reproduces to ~1e-15 whatever the summation order; 1e-10 leaves
# room and is far below any real mistake (a swapped gate changes O(0.1)).
# float32 agrees to ~1e-6 relative; the bound sits two orders above.
TOL = {torch.float64: dict(rtol=1e-10, atol=1e-10), torch.float32: dict(rtol=1e-4, atol=1e-5)}
SWEEP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True, scope="module")
def ieee_float32_on_cuda():
    """cuDNN's RNN kernels may use TF32 (10-bit mantissa, ~1e-3 relative) for
    float32 on Ampere and later; the float32 tolerance above is for IEEE
    float32, which is what the reference is compared against."""
    before = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = before


def _randn(gen, shape, dtype, device, scale=1.0):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(device=device, dtype=dtype)


def _twins(ours_cls, theirs, gen, dtype, device):
    """``ours_cls`` built like torch's ``theirs``, both holding the same seeded parameters
    (scale 0.6: gates stay away from saturation, so every mistake would show)."""
    theirs = theirs.to(device=device, dtype=dtype)
    state = {k: _randn(gen, v.shape, dtype, device, 0.6) for k, v in theirs.state_dict().items()}
    ours = ours_cls().to(device=device, dtype=dtype)
    theirs.load_state_dict(state)
    ours.load_state_dict(state)          # strict: same names, same shapes
    return ours, theirs


def _assert_same(got, want, dtype, what):
    torch.testing.assert_close(got, want, **TOL[dtype], msg=lambda m: f"{what}: {m}")


def _compare(ours, theirs, x, state, gen, dtype, device, outputs):
    """Call both on leaf copies of ``x`` and ``state``; compare every output, then the
    gradients of x, the state and all parameters for random upstream gradients."""
    runs = []
    for module in (ours, theirs):
        xi = x.clone().requires_grad_(True)
        si = None if state is None else tuple(s.clone().requires_grad_(True) for s in state)
        out = outputs(module(xi) if si is None else module(xi, si))
        runs.append((module, xi, si, out))
    (_, _, _, got), (_, _, _, want) = runs
    names = ("output", "h_n", "c_n") if len(want) == 3 else ("h", "c")
    for g, w, name in zip(got, want, names):
        assert g.shape == w.shape, (name, g.shape, w.shape)
        _assert_same(g, w, dtype, name)
    upstream = [_randn(gen, w.shape, dtype, device) for w in want]
    grads = []
    for module, xi, si, out in runs:
        module.zero_grad()
        sum((o * u).sum() for o, u in zip(out, upstream)).backward()
        grads.append([("x", xi.grad)] + ([] if si is None else [("h0", si[0].grad), ("c0", si[1].grad)])
                     + [(n, p.grad) for n, p in sorted(module.named_parameters())])
    assert [n for n, _ in grads[0]] == [n for n, _ in grads[1]]
    for (name, g), (_, w) in zip(*grads):
        assert g is not None, f"no gradient for {name}"
        _assert_same(g, w, dtype, f"grad of {name}")


@st.composite
def cell_cases(draw):
    return dict(N=draw(st.integers(1, 4)), I=draw(st.integers(1, 6)), H=draw(st.integers(1, 6)),
                bias=draw(st.booleans()), with_state=draw(st.booleans()),
                dtype=draw(st.sampled_from([torch.float64, torch.float64, torch.float32])),
                seed=draw(st.integers(0, 2**31 - 1)))


@SWEEP
@given(case=cell_cases())
@example(case=dict(N=1, I=3, H=2, bias=False, with_state=True, dtype=torch.float64, seed=1))  # batch 1, no bias
@example(case=dict(N=3, I=1, H=1, bias=True, with_state=False, dtype=torch.float64, seed=2))  # H = I = 1
def test_cell_matches_torch(case, device):
    gen = torch.Generator().manual_seed(case["seed"])
    N, I, H, dtype = case["N"], case["I"], case["H"], case["dtype"]
    ours, theirs = _twins(lambda: LSTMCell(I, H, bias=case["bias"]),
                          torch.nn.LSTMCell(I, H, bias=case["bias"]), gen, dtype, device)
    x = _randn(gen, (N, I), dtype, device)
    state = (_randn(gen, (N, H), dtype, device), _randn(gen, (N, H), dtype, device)) if case["with_state"] else None
    _compare(ours, theirs, x, state, gen, dtype, device, outputs=lambda hc: tuple(hc))


@st.composite
def sequence_cases(draw):
    return dict(L=draw(st.integers(1, 7)), N=draw(st.integers(1, 4)), I=draw(st.integers(1, 5)),
                H=draw(st.integers(1, 5)), batch_first=draw(st.booleans()), with_state=draw(st.booleans()),
                dtype=draw(st.sampled_from([torch.float64, torch.float64, torch.float32])),
                seed=draw(st.integers(0, 2**31 - 1)))


@SWEEP
@given(case=sequence_cases())
@example(case=dict(L=1, N=1, I=2, H=3, batch_first=True, with_state=True, dtype=torch.float64, seed=3))
@example(case=dict(L=1, N=3, I=2, H=3, batch_first=False, with_state=False, dtype=torch.float64, seed=4))
@example(case=dict(L=6, N=1, I=4, H=2, batch_first=True, with_state=False, dtype=torch.float64, seed=5))
@example(case=dict(L=8, N=3, I=3, H=4, batch_first=False, with_state=True, dtype=torch.float64, seed=6))
def test_lstm_matches_torch(case, device):
    gen = torch.Generator().manual_seed(case["seed"])
    L, N, I, H, dtype, bf = case["L"], case["N"], case["I"], case["H"], case["dtype"], case["batch_first"]
    ours, theirs = _twins(lambda: LSTM(I, H, batch_first=bf), torch.nn.LSTM(I, H, batch_first=bf),
                          gen, dtype, device)
    x = _randn(gen, (N, L, I) if bf else (L, N, I), dtype, device)
    state = ((_randn(gen, (1, N, H), dtype, device), _randn(gen, (1, N, H), dtype, device))
             if case["with_state"] else None)
    _compare(ours, theirs, x, state, gen, dtype, device, outputs=lambda r: (r[0], r[1][0], r[1][1]))


def test_output_layout_and_last_state(device):
    """output[t] is h_t: its last step is h_n (along dim 1 with batch_first)."""
    x = torch.randn(2, 5, 3, device=device)
    out, (h_n, c_n) = LSTM(3, 4, batch_first=True).to(device)(x)
    assert out.shape == (2, 5, 4) and h_n.shape == c_n.shape == (1, 2, 4)
    torch.testing.assert_close(out[:, -1], h_n[0], rtol=0, atol=0)


def test_parameters_and_state_dict_like_torch():
    for ours, theirs in [(LSTMCell(3, 5), torch.nn.LSTMCell(3, 5)),
                         (LSTMCell(3, 5, bias=False), torch.nn.LSTMCell(3, 5, bias=False)),
                         (LSTM(3, 5), torch.nn.LSTM(3, 5)), (LSTM(2, 4, batch_first=True), torch.nn.LSTM(2, 4))]:
        mine = {n: (p.shape, p.dtype) for n, p in ours.named_parameters()}
        assert mine == {n: (p.shape, p.dtype) for n, p in theirs.named_parameters()}
        assert all(type(p) is torch.nn.Parameter for p in ours.parameters())
        assert list(ours.state_dict()) == list(theirs.state_dict())
        ours.load_state_dict(theirs.state_dict())
    assert LSTMCell(3, 5, bias=False).bias_ih is None


def test_initialisation_like_torch():
    """Every parameter ~ U(-1/sqrt(H), 1/sqrt(H)): inside the bound, and spread over it."""
    torch.manual_seed(0)
    for module in (LSTMCell(30, 25), LSTM(30, 25)):
        for name, p in module.named_parameters():
            assert p.abs().max() <= 1 / 25 ** 0.5, name
            assert p.abs().max() > 0.9 / 25 ** 0.5, name      # not a narrower range


def test_unbatched_input_like_torch():
    torch.manual_seed(0)
    cell, tcell = LSTMCell(3, 4).double(), torch.nn.LSTMCell(3, 4).double()
    cell.load_state_dict(tcell.state_dict())
    x, h, c = (torch.randn(n, dtype=torch.float64) for n in (3, 4, 4))
    for got, want in zip(cell(x, (h, c)), tcell(x, (h, c))):
        assert got.shape == (4,)
        torch.testing.assert_close(got, want, **TOL[torch.float64])
    lstm, tlstm = LSTM(3, 4).double(), torch.nn.LSTM(3, 4).double()
    lstm.load_state_dict(tlstm.state_dict())
    x = torch.randn(5, 3, dtype=torch.float64)
    (out, (h_n, c_n)), (tout, (th, tc)) = lstm(x), tlstm(x)
    assert out.shape == (5, 4) and h_n.shape == (1, 4)
    for got, want in ((out, tout), (h_n, th), (c_n, tc)):
        torch.testing.assert_close(got, want, **TOL[torch.float64])


@pytest.mark.parametrize("call,match", [
    (lambda: LSTMCell(3, 4)(torch.randn(2, 5)), r"expected input of shape \(N, 3\)"),
    (lambda: LSTMCell(3, 4)(torch.randn(2, 2, 3)), r"expected input of shape \(N, 3\)"),
    (lambda: LSTMCell(3, 4)(torch.randn(2, 3), (torch.zeros(2, 4), torch.zeros(3, 4))), r"expected c of shape"),
    (lambda: LSTMCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 4)), r"as a pair \(h, c\)"),
    (lambda: LSTM(3, 4)(torch.randn(5, 2, 4)), r"expected input of shape \(L, N, 3\)"),
    (lambda: LSTM(3, 4, batch_first=True)(torch.randn(5, 2)), r"expected input of shape \(N, L, 3\)"),
    (lambda: LSTM(3, 4)(torch.randn(5, 2, 3), (torch.zeros(2, 4), torch.zeros(2, 4))),
     r"expected h of shape \(1, 2, 4\)"),
    (lambda: LSTM(3, 4)(torch.randn(0, 2, 3)), r"length >= 1"),
])
def test_bad_shapes_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
