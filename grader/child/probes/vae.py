"""Probes for the ``vae`` assignment: ``reparameterize``, ``vae_loss`` and
the student-designed ``VAE``.

``reparameterize`` and ``vae_loss`` are functions with one right answer:
their probes observe the results (and gradients) on seeded inputs, for
comparison with the oracle's. The noise is ``torch.randn_like(mu)`` from
torch's global generator, so the probe seeds it (``torch.manual_seed``)
right before the call, on both sides, inside ``fork_rng`` so that the
grader's own random state is left as it was.

The ``VAE``'s layers are the student's design, so its probes observe raw
outputs from which the parent derives what every correct VAE shares
(``grader/checks/vae.py``): shapes and dtypes, decoded values in [0, 1],
``forward`` equal to ``decode(mu + exp(0.5 * logvar) * eps)`` under one
seed, gradients reaching every parameter, and, after training on noisy
binary prototypes (``vae_data``), held-out statistics. Verdicts are never
computed here, in the student's process: only raw tensors leave it.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import torch

from . import vae_data
from .common import dtype_of, grad_or_none, randn

# The probe's own sampling path, bound before any submission is imported: a
# submission that replaces torch.randn_like or torch.exp changes its own
# sampling, not the path its forward is compared with.
_randn_like = torch.randn_like
_exp = torch.exp

UPSTREAM_SEED = 7919   # offset of the upstream gradients' seeds from the probe's seed
NOISE_OFFSET = 10      # offset of the global seed set before each VAE call
EPS_OFFSET = 5         # offset of the held-out noise's seed in the training probe


def _backward(terms: Sequence[tuple[Any, tuple[int, ...]]], seed: int, dtype: str) -> None:
    """Back-propagate ``sum_k (t_k * u_k).sum()`` for seeded upstream ``u_k`` of
    each term's *expected* shape; a term of another shape, or without autograd
    history, contributes nothing (its gradients then show the mistake)."""
    loss = None
    for k, (t, shape) in enumerate(terms):
        if type(t) is not torch.Tensor or not t.requires_grad or tuple(t.shape) != tuple(shape):
            continue
        upstream = randn(tuple(shape) or (1,), seed + UPSTREAM_SEED + k, dtype).reshape(tuple(shape))
        term = (t * upstream).sum()
        loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()


def _items(value: Any, n: int, what: str) -> tuple:
    """``value`` as a tuple of ``n`` items; TypeError naming ``what`` otherwise."""
    if not isinstance(value, (tuple, list)) or len(value) != n:
        size = f" of length {len(value)}" if isinstance(value, (tuple, list)) else ""
        raise TypeError(f"{what} must return {n} values, got {type(value).__name__}{size}")
    return tuple(value)


# ------------------------------------------------------------- functions
def reparameterize(api: Any, shape: list[int], seed: int, noise_seed: int, dtype: str = "float64",
                   backward: bool = False, logvar_scale: float = 1.0, logvar_shift: float = 0.0) -> dict:
    """``reparameterize(mu, logvar)`` right after ``torch.manual_seed(noise_seed)``.

    Observes ``z`` and, with ``backward``, the gradients of ``mu`` and
    ``logvar`` for a seeded upstream gradient on ``z``.
    """
    shape = tuple(shape)
    mu = randn(shape, seed, dtype).requires_grad_(backward)
    logvar = randn(shape, seed + 1, dtype, scale=logvar_scale, shift=logvar_shift).requires_grad_(backward)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(noise_seed)
        z = api.reparameterize(mu, logvar)
    obs: dict[str, Any] = {"z": z}
    if backward:
        _backward([(z, shape)], seed, dtype)
        obs["grad_mu"] = grad_or_none(mu)
        obs["grad_logvar"] = grad_or_none(logvar)
    return obs


def _loss_inputs(x_shape: Sequence[int], latent_dim: int, seed: int, dtype: str, binary: bool):
    gen = torch.Generator().manual_seed(int(seed))
    x = torch.rand(*x_shape, generator=gen, dtype=torch.float64)
    x = (x < 0.5).double() if binary else x
    x_recon = torch.sigmoid(randn(x_shape, seed + 1, "float64", scale=1.5))
    N = x_shape[0]
    mu = randn((N, latent_dim), seed + 2, "float64")
    logvar = randn((N, latent_dim), seed + 3, "float64", scale=0.8)
    return tuple(t.to(dtype_of(dtype)) for t in (x_recon, x, mu, logvar))


def loss(api: Any, x_shape: list[int], latent_dim: int, seed: int, betas: Sequence[float | None] = (None,),
         dtype: str = "float64", binary: bool = True, backward: bool = False, per_sample: bool = False) -> dict:
    """``vae_loss(x_recon, x, mu, logvar[, beta=b])`` for each ``b`` of ``betas``
    (``None``: the default) on seeded inputs: ``x`` binary or in [0, 1],
    ``x_recon = sigmoid(1.5 * randn)``, ``mu ~ N(0, 1)``, ``logvar ~ N(0, 0.8²)``.

    Observes ``loss`` (``None``) or ``loss (beta=b)``; with ``backward``, the
    gradients of ``x_recon``, ``mu`` and ``logvar`` of the first loss; with
    ``per_sample``, the loss of each sample alone (a batch of one), from
    which the parent derives whether the batch's loss is their mean.
    """
    x_recon, x, mu, logvar = _loss_inputs(x_shape, latent_dim, seed, dtype, binary)
    for t in (x_recon, mu, logvar):
        t.requires_grad_(backward)
    obs: dict[str, Any] = {}
    first = None
    for beta in betas:
        value = api.vae_loss(x_recon, x, mu, logvar) if beta is None else \
            api.vae_loss(x_recon, x, mu, logvar, beta=beta)
        obs[loss_key(beta)] = value
        first = value if first is None else first
    if backward:
        _backward([(first, ())], seed, dtype)
        obs.update(grad_x_recon=grad_or_none(x_recon), grad_mu=grad_or_none(mu), grad_logvar=grad_or_none(logvar))
    if per_sample:
        with torch.no_grad():
            obs["one-sample losses"] = [api.vae_loss(x_recon[i:i + 1], x[i:i + 1], mu[i:i + 1], logvar[i:i + 1])
                                        for i in range(x_shape[0])]
    return obs


def loss_key(beta: float | None) -> str:
    return "loss" if beta is None else f"loss (beta={beta:g})"


# ------------------------------------------------------------- the module
def _build(api: Any, seed: int, input_dim: int | None, latent_dim: int | None, dtype: str) -> Any:
    """``VAE()`` with the defaults, or ``VAE(input_dim=..., latent_dim=...)``,
    its initialisation seeded; converted to ``dtype``."""
    kwargs = {k: v for k, v in (("input_dim", input_dim), ("latent_dim", latent_dim)) if v is not None}
    torch.manual_seed(seed)
    model = api.VAE(**kwargs)
    return model.to(dtype_of(dtype)) if dtype != "float32" else model


def _binary(shape: Sequence[int], seed: int, dtype: str) -> torch.Tensor:
    gen = torch.Generator().manual_seed(int(seed))
    return (torch.rand(*shape, generator=gen) < 0.5).to(dtype_of(dtype))


def structure(api: Any, N: int, seed: int, input_dim: int | None = None, latent_dim: int | None = None,
              dtype: str = "float32") -> dict:
    """``encode``, ``decode`` and ``forward`` of a fresh ``VAE`` (training mode)
    on seeded binary ``x`` ``(N, D)`` and ``z ~ N(0, 1)`` ``(N, L)``.

    The global generator is seeded with the same value before ``encode(x)``,
    before ``forward(x)`` and before the probe's own path ``mu, logvar =
    encode(x); decode(mu + exp(0.5 * logvar) * torch.randn_like(mu))``, so
    that a correct forward draws the same numbers in the same order
    (dropout included) and returns the same ``x_recon``. Observes every
    returned tensor, that path's output, and ``decode(mu)`` (what a
    forward that does not sample would give).
    """
    D, L = input_dim or 64, latent_dim or 8
    x = _binary((N, D), seed + 1, dtype)
    z = randn((N, L), seed + 2, dtype)
    noise = seed + NOISE_OFFSET
    obs: dict[str, Any] = {}
    with torch.random.fork_rng(devices=[]):
        model = _build(api, seed, input_dim, latent_dim, dtype)
        torch.manual_seed(noise)
        obs["encode mu"], obs["encode logvar"] = _items(model.encode(x), 2, "VAE.encode")
        torch.manual_seed(noise)
        obs["x_recon"], obs["mu"], obs["logvar"] = _items(model(x), 3, "VAE.forward")
        torch.manual_seed(noise)
        mu, logvar = _items(model.encode(x), 2, "VAE.encode")
        obs["decode(sampled z)"] = model.decode(mu + _exp(0.5 * logvar) * _randn_like(mu))
        torch.manual_seed(noise)
        mu, _ = _items(model.encode(x), 2, "VAE.encode")
        obs["decode(mu)"] = model.decode(mu)
        torch.manual_seed(noise)
        obs["decode(z)"] = model.decode(z)
    return obs


def gradients(api: Any, N: int, seed: int, input_dim: int | None = None, latent_dim: int | None = None,
              dtype: str = "float32") -> dict:
    """Back-propagation through a fresh ``VAE``'s ``forward``.

    First a seeded upstream gradient on ``x_recon`` alone: the gradients
    that reach ``mu`` and ``logvar`` then came through the sample ``z``.
    Then seeded upstream gradients on ``mu`` and ``logvar`` as well. Observes
    those two gradients, and every registered parameter's gradient.
    """
    D, L = input_dim or 64, latent_dim or 8
    x = _binary((N, D), seed + 1, dtype)
    with torch.random.fork_rng(devices=[]):
        model = _build(api, seed, input_dim, latent_dim, dtype)
        torch.manual_seed(seed + NOISE_OFFSET)
        x_recon, mu, logvar = _items(model(x), 3, "VAE.forward")
    obs: dict[str, Any] = {}
    for name, t in (("mu", mu), ("logvar", logvar)):
        if type(t) is torch.Tensor and t.requires_grad:
            t.retain_grad()
    if type(x_recon) is torch.Tensor and x_recon.requires_grad and tuple(x_recon.shape) == (N, D):
        (x_recon * randn((N, D), seed + UPSTREAM_SEED, dtype)).sum().backward(retain_graph=True)
    obs["mu.grad through z"] = grad_or_none(mu) if type(mu) is torch.Tensor else None
    obs["logvar.grad through z"] = grad_or_none(logvar) if type(logvar) is torch.Tensor else None
    _backward([(mu, (N, L)), (logvar, (N, L))], seed + 1, dtype)
    obs["parameter grads"] = {name: grad_or_none(p) for name, p in model.named_parameters()}
    return obs


def _held_out(model: Any, x: torch.Tensor, eps: torch.Tensor) -> dict:
    """In eval mode, without gradients: ``mu, logvar = encode(x)``, the sample
    ``z = mu + exp(0.5 * logvar) * eps`` and ``decode(z)``, and ``decode(mu)``."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            mu, logvar = _items(model.encode(x), 2, "VAE.encode")
            z = mu + _exp(0.5 * logvar) * eps.to(mu.dtype)
            return {"mu": mu, "logvar": logvar, "z": z, "decode(z)": model.decode(z), "decode(mu)": model.decode(mu)}
    finally:
        model.train(was_training)


class Adam:
    """Adam (Kingma & Ba; torch.optim.Adam's defaults: betas 0.9 and 0.999,
    eps 1e-8, no weight decay), in a few foreach operations. torch.optim's
    own constructor imports torch._dynamo on first use (1.1 s), a third of
    a training check's time in the sandbox."""

    def __init__(self, params: list, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.betas, self.eps, self.t = lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        (b1, b2), self.t = self.betas, self.t + 1
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.params]
        torch._foreach_lerp_(self.m, grads, 1 - b1)                  # m = b1 m + (1 - b1) g
        torch._foreach_mul_(self.v, b2)
        torch._foreach_addcmul_(self.v, grads, grads, 1 - b2)         # v = b2 v + (1 - b2) g^2
        denom = torch._foreach_sqrt(self.v)
        torch._foreach_div_(denom, math.sqrt(1 - b2 ** self.t))
        torch._foreach_add_(denom, self.eps)                          # sqrt(v_hat) + eps
        torch._foreach_addcdiv_(self.params, self.m, denom, -self.lr / (1 - b1 ** self.t))


def train(api: Any, data: Mapping, latent_dim: int, steps: int, batch: int, lr: float, seed: int, n_test: int,
          test_seed: int) -> dict:
    """Train a fresh ``VAE(input_dim=D, latent_dim)`` with Adam for ``steps``
    steps of ``batch`` new samples of ``data`` (noisy prototypes), each step
    minimising the submission's own ``vae_loss`` of its ``forward``.

    Observes, before and after training, the held-out statistics of
    :func:`_held_out` on ``n_test`` samples from ``test_seed``, with ``eps``
    from the probe's own generator; the parent regenerates the samples and
    the noise, checks ``z``, and computes the negative ELBO itself.
    """
    D = int(data["D"])
    x_test = vae_data.held_out(data, n_test, test_seed)
    eps = randn((n_test, latent_dim), seed + EPS_OFFSET, "float32")
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.random.fork_rng(devices=[]):
        model = _build(api, seed, D, latent_dim, "float32")
        parameters = list(model.parameters())
        if not parameters:
            raise ValueError("VAE has no registered parameters, so nothing can be trained: build its layers "
                             "as attributes (self.fc = nn.Linear(...)) or in nn.Sequential / nn.ModuleList")
        start = _held_out(model, x_test, eps)
        adam = Adam(parameters, lr)
        model.train()
        for _ in range(steps):
            x = vae_data.sample(data, batch, gen)
            x_recon, mu, logvar = _items(model(x), 3, "VAE.forward")
            value = api.vae_loss(x_recon, x, mu, logvar)
            adam.zero_grad()
            value.backward()
            adam.step()
        end = _held_out(model, x_test, eps)
    return {"start": start, "end": end}


PROBES = {"reparameterize": reparameterize, "loss": loss, "structure": structure, "gradients": gradients,
          "train": train}
