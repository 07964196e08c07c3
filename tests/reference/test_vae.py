"""reference/vae.py against independent formulations: reparameterize equals
torch.distributions.Normal(mu, std).rsample() under the same seed, with
the gradients of the trick in closed form and the right distribution;
vae_loss equals a per-sample BCE written out plus beta times
torch.distributions.kl_divergence against N(0, I), batch-averaged, over a
randomised sweep of shapes (2-D to 4-D), betas and dtypes, gradients
included; the VAE's shapes, ranges and forward under a seed; it trains (the
loss falls); bad shapes raise ValueError. CPU, and CUDA when present."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from torch.distributions import Normal, kl_divergence

from reference.vae import VAE, reparameterize, vae_loss

# float64: a loss sums at most a few hundred O(1) terms, which float64 gets
# to ~1e-14 relative in any order; float32 to ~1e-6. Every mistake the
# grader knows moves the loss by more than 1e-2 relative.
TOL = {torch.float64: dict(rtol=1e-10, atol=1e-10), torch.float32: dict(rtol=2e-5, atol=2e-5)}
SWEEP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DTYPES = st.sampled_from([torch.float32, torch.float64])


@pytest.fixture(autouse=True, scope="module")
def ieee_float32_on_cuda():
    """The float32 tolerance is for IEEE float32; TF32 matmuls (~1e-3) are not."""
    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32 = before


def _gaussian_inputs(seed, shape, dtype, device, logvar_scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    mu = torch.randn(*shape, generator=gen, dtype=torch.float64)
    logvar = torch.randn(*shape, generator=gen, dtype=torch.float64) * logvar_scale
    return mu.to(device=device, dtype=dtype), logvar.to(device=device, dtype=dtype)


# ------------------------------------------------------------ reparameterize
@SWEEP
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=3), dtype=DTYPES, seed=st.integers(0, 2**16),
       scale=st.floats(0.1, 3.0))
@example(shape=[4, 6], dtype=torch.float64, seed=0, scale=1.0)
def test_reparameterize_is_a_normal_rsample_and_its_gradients_follow_the_trick(device, shape, dtype, seed, scale):
    mu, logvar = _gaussian_inputs(seed, shape, dtype, device, scale)
    mu.requires_grad_(True)
    logvar.requires_grad_(True)
    torch.manual_seed(seed)
    if device == "cuda":
        torch.cuda.manual_seed(seed)
    z = reparameterize(mu, logvar)
    torch.manual_seed(seed)
    if device == "cuda":
        torch.cuda.manual_seed(seed)
    expected = Normal(mu.detach(), torch.exp(0.5 * logvar.detach())).rsample()
    assert z.dtype == dtype and z.shape == mu.shape and z.device == mu.device
    torch.testing.assert_close(z.detach(), expected, **TOL[dtype])
    upstream = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 1),
                           dtype=torch.float64).to(device=device, dtype=dtype)
    (z * upstream).sum().backward()
    # dz/dmu = 1; dz/dlogvar = 0.5 * sigma * eps = 0.5 * (z - mu)
    torch.testing.assert_close(mu.grad, upstream, **TOL[dtype])
    torch.testing.assert_close(logvar.grad, upstream * 0.5 * (z - mu).detach(), **TOL[dtype])


def test_reparameterize_draws_from_the_posterior(device):
    n = 40000
    mu = torch.tensor([1.5, -2.0], dtype=torch.float64, device=device).expand(n, 2)
    logvar = torch.tensor([math.log(0.25), math.log(4.0)], dtype=torch.float64, device=device).expand(n, 2)
    torch.manual_seed(0)
    z = reparameterize(mu, logvar)
    std = torch.tensor([0.5, 2.0], dtype=torch.float64, device=device)
    # the sample mean is within 5 standard errors, the sample std within 3% (5 standard errors: ~0.7% each)
    assert ((z.mean(0) - mu[0]).abs() < 5 * std / math.sqrt(n)).all()
    assert ((z.std(0) / std - 1).abs() < 0.03).all()


def test_reparameterize_noise_follows_the_global_seed_and_mu_s_dtype(device):
    mu, logvar = _gaussian_inputs(1, (3, 7), torch.float64, device)
    torch.manual_seed(5)
    if device == "cuda":
        torch.cuda.manual_seed(5)
    a = reparameterize(mu, logvar)
    torch.manual_seed(5)
    if device == "cuda":
        torch.cuda.manual_seed(5)
    eps = torch.randn_like(mu)
    torch.testing.assert_close(a, mu + torch.exp(0.5 * logvar) * eps, rtol=1e-14, atol=0)
    assert not torch.equal(a, reparameterize(mu, logvar))       # fresh noise on the next call


# --------------------------------------------------------------- vae_loss
def _independent_loss(x_recon, x, mu, logvar, beta):
    """The negative ELBO written another way: BCE by hand, KL from torch.distributions."""
    n = x.shape[0]
    bce = -(x * torch.log(x_recon) + (1 - x) * torch.log1p(-x_recon)).reshape(n, -1).sum(1)
    kl = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(torch.zeros_like(mu), torch.ones_like(mu)))
    return (bce + beta * kl.sum(1)).mean()


@SWEEP
@given(n=st.integers(1, 6), rest=st.lists(st.integers(1, 5), min_size=1, max_size=3), latent=st.integers(1, 6),
       beta=st.one_of(st.none(), st.floats(0.0, 5.0)), binary=st.booleans(), dtype=DTYPES,
       seed=st.integers(0, 2**16))
@example(n=6, rest=[64], latent=8, beta=None, binary=True, dtype=torch.float64, seed=0)
def test_vae_loss_equals_the_independent_negative_elbo_with_gradients(device, n, rest, latent, beta, binary, dtype,
                                                                      seed):
    gen = torch.Generator().manual_seed(seed)
    shape = (n, *rest)
    x = torch.rand(*shape, generator=gen, dtype=torch.float64)
    x = (x < 0.5).double() if binary else x
    x_recon = torch.sigmoid(1.5 * torch.randn(*shape, generator=gen, dtype=torch.float64))
    mu = torch.randn(n, latent, generator=gen, dtype=torch.float64)
    logvar = 0.8 * torch.randn(n, latent, generator=gen, dtype=torch.float64)
    ours = [t.to(device=device, dtype=dtype).requires_grad_(t is not x) for t in (x_recon, x, mu, logvar)]
    theirs = [t.to(device=device, dtype=dtype).requires_grad_(t is not x) for t in (x_recon, x, mu, logvar)]
    got = vae_loss(*ours) if beta is None else vae_loss(*ours, beta=beta)
    expected = _independent_loss(*theirs, 1.0 if beta is None else beta)
    assert got.shape == () and got.dtype == dtype
    torch.testing.assert_close(got, expected, **TOL[dtype])
    got.backward()
    expected.backward()
    for a, b in zip(ours, theirs):
        if a.requires_grad:
            torch.testing.assert_close(a.grad, b.grad, **TOL[dtype])


def test_the_reconstruction_term_is_f_binary_cross_entropy_summed_per_sample(device):
    gen = torch.Generator().manual_seed(4)
    x = (torch.rand(5, 3, 4, generator=gen) < 0.5).double().to(device)
    x_recon = torch.rand(5, 3, 4, generator=gen, dtype=torch.float64).clamp(0.05, 0.95).to(device)
    mu = torch.zeros(5, 2, dtype=torch.float64, device=device)
    # at the prior (mu = 0, logvar = 0) the KL is 0, whatever beta
    for beta in (0.0, 1.0, 7.0):
        torch.testing.assert_close(vae_loss(x_recon, x, mu, mu, beta=beta),
                                   F.binary_cross_entropy(x_recon, x, reduction="sum") / 5, rtol=1e-12, atol=0)


def test_the_loss_is_a_batch_mean():
    gen = torch.Generator().manual_seed(8)
    x = (torch.rand(7, 10, generator=gen) < 0.5).double()
    x_recon = torch.sigmoid(torch.randn(7, 10, generator=gen, dtype=torch.float64))
    mu, logvar = torch.randn(2, 7, 3, generator=gen, dtype=torch.float64)
    singles = [vae_loss(x_recon[i:i + 1], x[i:i + 1], mu[i:i + 1], logvar[i:i + 1], beta=2.0) for i in range(7)]
    torch.testing.assert_close(vae_loss(x_recon, x, mu, logvar, beta=2.0), torch.stack(singles).mean(),
                               rtol=1e-12, atol=0)


def test_the_docstring_example():
    loss = vae_loss(torch.tensor([[0.5, 0.5]]), torch.tensor([[1.0, 0.0]]), torch.zeros(1, 3), torch.zeros(1, 3))
    assert round(loss.item(), 4) == round(2 * math.log(2), 4) == 1.3863


@pytest.mark.parametrize("args,problem", [
    ((torch.rand(2, 3), torch.rand(2, 4), torch.zeros(2, 1), torch.zeros(2, 1)), "x_recon and x"),
    ((torch.rand(2, 3), torch.rand(2, 3), torch.zeros(2, 1), torch.zeros(2, 2)), "mu and logvar"),
    ((torch.rand(2, 3), torch.rand(2, 3), torch.zeros(3, 1), torch.zeros(3, 1)), "N = 2"),
])
def test_vae_loss_rejects_mismatched_shapes(args, problem):
    with pytest.raises(ValueError, match=problem):
        vae_loss(*args)


def test_reparameterize_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        reparameterize(torch.zeros(2, 3), torch.zeros(2, 4))


# -------------------------------------------------------------------- VAE
@pytest.mark.parametrize("input_dim,latent_dim", [(64, 8), (20, 3)])
def test_vae_shapes_ranges_and_forward_under_a_seed(device, input_dim, latent_dim):
    torch.manual_seed(0)
    model = VAE(input_dim=input_dim, latent_dim=latent_dim).to(device=device, dtype=torch.float64)
    x = (torch.rand(5, input_dim, device=device) < 0.5).double()
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, latent_dim)
    probabilities = model.decode(3 * torch.randn(5, latent_dim, dtype=torch.float64, device=device))
    assert probabilities.shape == (5, input_dim) and ((probabilities > 0) & (probabilities < 1)).all()
    torch.manual_seed(3)
    if device == "cuda":
        torch.cuda.manual_seed(3)
    x_recon, mu2, logvar2 = model(x)
    torch.manual_seed(3)
    if device == "cuda":
        torch.cuda.manual_seed(3)
    torch.testing.assert_close(x_recon, model.decode(reparameterize(mu, logvar)), rtol=1e-14, atol=0)
    torch.testing.assert_close((mu2, logvar2), (mu, logvar), rtol=0, atol=0)
    with pytest.raises(ValueError, match=f"\\(N, {input_dim}\\)"):
        model.encode(x[:, 1:])
    with pytest.raises(ValueError, match=f"\\(N, {latent_dim}\\)"):
        model.decode(mu[:, 1:])


def test_the_vae_trains(device):
    """150 Adam steps on noisy copies of 4 random 8x8 binary prototypes: the
    loss falls well below its start (an untrained decoder's BCE is about
    64 log 2 = 44 nats) and below what per-pixel means alone give."""
    gen = torch.Generator().manual_seed(0)
    prototypes = (torch.rand(4, 64, generator=gen) < 0.5).float()

    def batch(n):
        flips = (torch.rand(n, 64, generator=gen) < 0.05).float()
        return ((prototypes[torch.randint(4, (n,), generator=gen)] + flips) % 2).to(device)

    torch.manual_seed(0)
    model = VAE().to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    x_test = batch(256)
    with torch.no_grad():
        x_recon, mu, logvar = model(x_test)
        start = vae_loss(x_recon, x_test, mu, logvar)
    for _ in range(150):
        x = batch(64)
        x_recon, mu, logvar = model(x)
        loss = vae_loss(x_recon, x, mu, logvar)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        x_recon, mu, logvar = model(x_test)
        end = vae_loss(x_recon, x_test, mu, logvar)
        p = x_test.mean(0).clamp(1e-3, 1 - 1e-3).expand_as(x_test)
        means_only = F.binary_cross_entropy(p, x_test, reduction="sum") / len(x_test)
    assert end < 0.6 * start and end < 0.75 * means_only, (start.item(), end.item(), means_only.item())
