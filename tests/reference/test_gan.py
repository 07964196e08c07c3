"""reference/gan.py against independent formulations.

* The losses equal torch's ``F.binary_cross_entropy_with_logits`` and the
  log-sigmoid algebra ``BCE(s, y) = -(y logsigmoid(s) + (1 - y)
  logsigmoid(-s))``, values and gradients, over a randomised sweep of
  shapes (1-D, (N, 1), batches of one, real and fake batches of different
  sizes), real_label in [0.7, 1] and dtypes; they stay finite on logits
  of any size in float32; real_label outside [0, 1] raises ValueError.
* ``Generator`` and ``Discriminator`` have the SPEC's shapes and follow
  the module's dtype.
* ``train_step`` equals the SPEC's sequence written out by hand (same
  seed: same noise), with SGD and Adam, float32 and float64: every
  parameter after three steps and the returned Python floats.
* The reference learns the ring of eight Gaussians.

CPU, and CUDA when present (``torch.device`` as the default device, so
that SPEC's ``torch.randn(real.shape[0], latent_dim)`` draws there).
"""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from torch import nn

from grader.child.probes import gan_data
from reference.gan import Discriminator, Generator, discriminator_loss, generator_loss, train_step

# Each loss is a mean of O(1) terms; float64 agrees with torch's kernel to
# ~1e-16 relative, float32 to ~1e-7. The bounds sit far above that and far
# below any real mistake (averaging instead of summing halves the loss).
TOL = {torch.float64: dict(rtol=1e-12, atol=1e-12), torch.float32: dict(rtol=1e-5, atol=1e-6)}
SWEEP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _bce_log_sigmoid(logits, target):
    """The algebra, written apart from the reference's softplus form."""
    return -(target * F.logsigmoid(logits) + (1 - target) * F.logsigmoid(-logits)).mean()


def _leaf(gen, shape, dtype, device, scale):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(device, dtype).requires_grad_()


def _value_and_grads(fn, leaves):
    copies = [leaf.detach().clone().requires_grad_() for leaf in leaves]
    value = fn(*copies)
    value.backward()
    return value.detach(), [c.grad for c in copies]


def _assert_same(got, want, dtype):
    (gv, gg), (wv, wg) = got, want
    assert gv.shape == wv.shape == () and gv.dtype == wv.dtype == dtype
    torch.testing.assert_close(gv, wv, **TOL[dtype])
    for g, w in zip(gg, wg):
        torch.testing.assert_close(g, w, **TOL[dtype])


shapes = st.tuples(st.integers(1, 16), st.sampled_from([(), (1,)]))


@SWEEP
@given(real=shapes, n_fake=st.integers(1, 16), real_label=st.floats(0.7, 1.0), seed=st.integers(0, 2**31 - 1),
       double=st.booleans(), scale=st.sampled_from([0.1, 1.0, 5.0]))
@example(real=(1, ()), n_fake=5, real_label=0.75, seed=0, double=True, scale=1.0)
@example(real=(6, (1,)), n_fake=4, real_label=1.0, seed=1, double=False, scale=5.0)
def test_discriminator_loss_equals_torch_and_the_log_sigmoid_algebra(device, real, n_fake, real_label, seed,
                                                                      double, scale):
    dtype = torch.float64 if double else torch.float32
    gen = torch.Generator().manual_seed(seed)
    (n_real, tail) = real
    leaves = [_leaf(gen, (n_real, *tail), dtype, device, scale), _leaf(gen, (n_fake, *tail), dtype, device, scale)]
    got = _value_and_grads(lambda r, f: discriminator_loss(r, f, real_label=real_label), leaves)
    torch_ = _value_and_grads(lambda r, f: F.binary_cross_entropy_with_logits(r, torch.full_like(r, real_label))
                              + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)), leaves)
    algebra = _value_and_grads(lambda r, f: _bce_log_sigmoid(r, real_label) + _bce_log_sigmoid(f, 0.0), leaves)
    _assert_same(got, torch_, dtype)
    _assert_same(got, algebra, dtype)


@SWEEP
@given(n=st.integers(1, 16), tail=st.sampled_from([(), (1,)]), seed=st.integers(0, 2**31 - 1),
       double=st.booleans(), scale=st.sampled_from([0.1, 1.0, 5.0]))
def test_generator_loss_is_the_non_saturating_loss(device, n, tail, seed, double, scale):
    dtype = torch.float64 if double else torch.float32
    gen = torch.Generator().manual_seed(seed)
    leaves = [_leaf(gen, (n, *tail), dtype, device, scale)]
    got = _value_and_grads(generator_loss, leaves)
    _assert_same(got, _value_and_grads(lambda f: F.binary_cross_entropy_with_logits(f, torch.ones_like(f)), leaves),
                 dtype)
    _assert_same(got, _value_and_grads(lambda f: -F.logsigmoid(f).mean(), leaves), dtype)
    # not the saturating minimax form, whose gradient vanishes where D rejects the fakes
    saturating = _value_and_grads(lambda f: F.logsigmoid(-f).mean(), leaves)
    assert not torch.allclose(got[1][0], saturating[1][0])


def test_the_defaults_label_real_points_one(device):
    gen = torch.Generator().manual_seed(3)
    real, fake = _leaf(gen, (4, 1), torch.float64, device, 2.0), _leaf(gen, (4, 1), torch.float64, device, 2.0)
    assert torch.equal(discriminator_loss(real, fake), discriminator_loss(real, fake, real_label=1.0))
    assert torch.equal(discriminator_loss(real, fake, 0.9), discriminator_loss(real, fake, real_label=0.9))
    assert not torch.allclose(discriminator_loss(real, fake), discriminator_loss(real, fake, real_label=0.9))


@pytest.mark.parametrize("fn", ["discriminator", "generator"])
def test_losses_stay_finite_and_exact_on_huge_logits_in_float32(device, fn):
    logits = torch.tensor([[-200.0], [-40.0], [-17.0], [0.0], [17.0], [40.0], [200.0]], device=device)
    if fn == "discriminator":
        got = discriminator_loss(logits, logits, real_label=0.9)
        want = (F.binary_cross_entropy_with_logits(logits.double(), torch.full_like(logits.double(), 0.9))
                + F.binary_cross_entropy_with_logits(logits.double(), torch.zeros_like(logits.double())))
    else:
        got = generator_loss(logits)
        want = F.binary_cross_entropy_with_logits(logits.double(), torch.ones_like(logits.double()))
    assert torch.isfinite(got)
    torch.testing.assert_close(got.double(), want, rtol=1e-6, atol=0)


@pytest.mark.parametrize("real_label", [-0.1, 1.5])
def test_real_label_outside_0_1_raises(real_label):
    with pytest.raises(ValueError, match=r"real_label in \[0, 1\]"):
        discriminator_loss(torch.zeros(2, 1), torch.zeros(2, 1), real_label=real_label)


# ---------------------------------------------------------------- modules
@pytest.mark.parametrize("latent_dim,out_dim", [(2, 2), (3, 5), (1, 1)])
def test_generator_shapes_and_dtype(device, latent_dim, out_dim):
    G = Generator(latent_dim=latent_dim, out_dim=out_dim).to(device)
    assert G(torch.randn(7, latent_dim, device=device)).shape == (7, out_dim)
    assert G.double()(torch.randn(1, latent_dim, device=device, dtype=torch.float64)).dtype == torch.float64
    assert Generator()(torch.randn(3, 2)).shape == (3, 2)


@pytest.mark.parametrize("in_dim", [2, 5, 1])
def test_discriminator_returns_logits(device, in_dim):
    D = Discriminator(in_dim=in_dim).to(device)
    logits = D(torch.randn(64, in_dim, device=device) * 100)
    assert logits.shape == (64, 1)
    assert ((logits < 0) | (logits > 1)).any(), "no sigmoid: logits are not confined to (0, 1)"
    assert D.double()(torch.randn(2, in_dim, device=device, dtype=torch.float64)).dtype == torch.float64


# ------------------------------------------------------------- train_step
def _by_hand(G, D, opt_g, opt_d, real, latent_dim):
    """SPEC §1's sequence, one statement per step, with torch's loss."""
    bce = F.binary_cross_entropy_with_logits
    z = torch.randn(real.shape[0], latent_dim)
    fake = G(z)
    real_logits, fake_logits = D(real), D(fake.detach())
    d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    fake_logits = D(fake)
    g_loss = bce(fake_logits, torch.ones_like(fake_logits))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()


OPTIMISERS = {"SGD": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5),
              "Adam": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.5, 0.999))}


@pytest.mark.parametrize("optimiser", sorted(OPTIMISERS))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_train_step_equals_the_spec_sequence_by_hand(device, optimiser, dtype):
    latent_dim, steps = 3, 3
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)   # SPEC's torch.randn(N, latent_dim) draws in the default dtype
    try:
        with torch.device(device):
            torch.manual_seed(0)
            nets = [Generator(latent_dim=latent_dim), Discriminator()]
            reals = [gan_data.sample(16, 10 + t, dtype=dtype).to(device) for t in range(steps)]
            runs = []
            for step in (train_step, _by_hand):
                G, D = copy.deepcopy(nets)
                opt_g, opt_d = OPTIMISERS[optimiser](G.parameters()), OPTIMISERS[optimiser](D.parameters())
                torch.manual_seed(1)
                returned = [step(G, D, opt_g, opt_d, real, latent_dim) for real in reals]
                runs.append((returned, [p.detach() for p in [*G.parameters(), *D.parameters()]]))
    finally:
        torch.set_default_dtype(previous)
    (got, got_params), (want, want_params) = runs
    assert all(type(v) is float for pair in got for v in pair) and len(got[0]) == 2
    flat = [v for pair in want for v in pair]
    assert [v for pair in got for v in pair] == pytest.approx(flat, rel=TOL[dtype]["rtol"], abs=TOL[dtype]["atol"])
    for g, w in zip(got_params, want_params):
        torch.testing.assert_close(g, w, **TOL[dtype])
    assert any(not torch.equal(g, p.detach()) for g, p in zip(got_params, [*nets[0].parameters(),
                                                                          *nets[1].parameters()])), "nothing trained"


def test_train_step_leaves_only_the_generators_loss_in_gs_gradients():
    """fake.detach() in the discriminator's step: G's gradients after the call
    are those of g_loss alone, which a by-hand backward reproduces."""
    torch.manual_seed(0)
    G, D = Generator(), Discriminator()
    real = gan_data.sample(8, 1)
    opt_g, opt_d = torch.optim.SGD(G.parameters(), lr=0.0), torch.optim.SGD(D.parameters(), lr=0.0)
    torch.manual_seed(5)
    train_step(G, D, opt_g, opt_d, real, 2)
    got = [p.grad.clone() for p in G.parameters()]
    torch.manual_seed(5)
    z = torch.randn(8, 2)
    for p in G.parameters():
        p.grad = None
    generator_loss(D(G(z))).backward()
    for g, p in zip(got, G.parameters()):
        torch.testing.assert_close(g, p.grad, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- learning
def test_the_reference_learns_the_ring(device):
    """The visible check's recipe, shortened (400 steps): most samples end near a mode."""
    steps, batch = 400, 64
    with torch.device(device):
        torch.manual_seed(0)
        G, D = Generator(), Discriminator()
        opt_g = torch.optim.Adam(G.parameters(), lr=3e-3, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=3e-3, betas=(0.5, 0.999))
        data = gan_data.sample(steps * batch, 1).to(device)
        z = torch.randn(1000, 2)
        with torch.no_grad():
            before, _ = gan_data.near_modes(G(z).cpu())
        for t in range(steps):
            train_step(G, D, opt_g, opt_d, data[t * batch:(t + 1) * batch], 2)
        with torch.no_grad():
            after, covered = gan_data.near_modes(G(z).cpu())
    assert before < 0.05
    assert after > 0.4 and covered >= 4, (after, covered)
