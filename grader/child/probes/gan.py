"""Probes for the ``gan`` assignment: the two losses, the two free-design
modules and ``train_step``.

* ``loss``: one call of ``discriminator_loss`` or ``generator_loss`` on
  seeded logits; the value and the gradients of the logits.
* ``module``: what a ``Generator`` or ``Discriminator`` of the student's
  design returns (raw tensors: outputs, the gradients its parameters
  receive, outputs after ``.double()``, a discriminator's outputs on
  inputs and parameters stretched).
  The parent derives the properties every correct design shares
  (``grader/checks/gan.py``); nothing is judged here.
* ``train_step``: the student's ``train_step`` on the probe's *own* small
  networks (``nn.Sequential`` of ``nn.Linear`` and ``nn.Tanh`` with seeded
  weights) and optimisers, after ``torch.manual_seed(seed)`` (the step
  draws its noise from the global generator): the returned losses and
  every parameter after the first and the last step. Exact, so every
  change of order shows.
* ``learn``: the student's ``Generator``, ``Discriminator`` and
  ``train_step`` trained on a ring of Gaussians (``gan_data.py``); the
  generator's samples before and at checkpoints, for the parent to judge.

The free-design probes (``module``, ``learn``) draw their inputs, noise and
data with ``gan_data``'s functions, bound before the submission is
imported: a submission that replaces ``torch.randn`` for everyone cannot
make them predictable. (The exact probes need no such care: whatever a
submission does to its own process, the expected numbers come from the
grader's.)
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import torch
from torch import nn

from . import gan_data
from .common import dtype_of, grad_or_none, randn, snapshot

MODULES = ("Generator", "Discriminator")
UPSTREAM_SEED = 7919   # offset of the upstream gradient's seed
REAL_SEED = 100        # offset of the real batches' seed
WEIGHT_SCALE = 0.5     # the probe networks' weights: tanh away from saturation


# ------------------------------------------------------------------ losses
def loss(api: Any, fn: str, seed: int, shapes: list, scale: float = 1.0, real_label: float | None = None,
         dtype: str = "float64", backward: bool = True) -> dict:
    """``discriminator_loss(real_logits, fake_logits[, real_label=...])`` or
    ``generator_loss(fake_logits)`` on seeded logits (``randn * scale``, one
    recipe shape per argument); observes ``loss`` and, with ``backward``,
    the gradient of each logits tensor. ``real_label`` is passed by keyword
    and only when the recipe gives it, so the default is exercised too."""
    if fn == "discriminator_loss":
        names = ("real_logits", "fake_logits")
    elif fn == "generator_loss":
        names = ("fake_logits",)
    else:
        raise ValueError(f"unknown loss {fn!r}")
    logits = {name: randn(shape, seed + k, dtype, scale=scale).requires_grad_(backward)
              for k, (name, shape) in enumerate(zip(names, shapes))}
    kwargs = {} if real_label is None else {"real_label": real_label}
    value = getattr(api, fn)(*logits.values(), **kwargs)
    obs: dict[str, Any] = {"loss": value}
    if backward:
        if type(value) is torch.Tensor and value.requires_grad and value.numel() == 1:
            value.sum().backward()
        for name, leaf in logits.items():
            obs[f"grad_{name}"] = grad_or_none(leaf)
    return obs


# ----------------------------------------------------------------- modules
def label(cls: str, init: dict) -> str:
    """``Generator(latent_dim=3, out_dim=4)``: how the check built it."""
    return f"{cls}({', '.join(f'{k}={v!r}' for k, v in init.items())})"


def input_size(cls: str, init: dict) -> int:
    """The width of what ``cls(**init)`` takes: its latent_dim or in_dim (default 2)."""
    if cls not in MODULES:
        raise ValueError(f"unknown module {cls!r}")
    return int(init.get("latent_dim" if cls == "Generator" else "in_dim", 2))


def module(api: Any, cls: str, configs: list, N: int, seed: int, scales: list) -> dict:
    """Build ``cls(**init)`` for each configuration (keyword arguments only,
    none for the defaults) and observe, keyed by how it was built:

    * ``output``: the module applied to a seeded float32 batch ``(N, in)``;
    * ``gradients``: each named parameter's gradient after back-propagating
      a seeded upstream gradient through that output (``None``: none came);
    * ``output on another batch``: without gradients, on an independent
      draw (a generator with batch normalisation gives the same output for
      a batch and its multiples, not for another batch);
    * ``output after .double()``: the module converted, on the same batch
      in float64;
    * a Discriminator's ``stretched outputs``: without gradients, on 64
      seeded points multiplied by each of ``scales``, then the same with
      every parameter multiplied by 10 (in place: the module is not used
      after). A logit leaves [0, 1] there, a sigmoid never does (measured
      on 6000 initialisations of 10 designs, 1 and 2 inputs: every logit
      design left [0, 1]; without the parameters x10, 3-layer Tanh ones
      stayed inside in up to 17% of them).
    """
    obs: dict[str, Any] = {}
    for k, init in enumerate(configs):
        name = label(cls, init)
        m = getattr(api, cls)(**init)
        width = input_size(cls, init)
        x = gan_data.normal((N, width), seed + 10 * k)
        out = m(x)
        obs[f"{name}: output"] = out
        if type(out) is torch.Tensor and out.requires_grad:
            upstream = gan_data.normal([int(s) for s in out.shape], seed + 10 * k + UPSTREAM_SEED)
            (out * upstream).sum().backward()
        obs[f"{name}: gradients"] = {p_name: grad_or_none(p) for p_name, p in m.named_parameters()}
        with torch.no_grad():
            obs[f"{name}: output on another batch"] = snapshot(m(gan_data.normal((N, width), seed + 10 * k + 1)))
        try:   # its own key: unregistered layers that stay float32 cost this observation only
            obs[f"{name}: output after .double()"] = m.double()(x.double())
        except Exception as exc:  # noqa: BLE001 - the submission's error, reported as such
            obs[f"{name}: output after .double()"] = {"raised": f"{type(exc).__name__}: {exc}"[:300]}
            m = getattr(api, cls)(**init)
        if cls == "Discriminator":
            obs[f"{name}: stretched outputs"] = _stretched(m, width, seed + 10 * k + 2, scales)
    return obs


@torch.no_grad()
def _stretched(m: Any, width: int, seed: int, scales: list) -> list:
    """``m`` on 64 seeded points times each scale, then again with every
    parameter times 10, in the module's own dtype."""
    dtype = next((p.dtype for p in m.parameters()), torch.float32)
    points = gan_data.normal((64, width), seed).to(dtype)
    outputs = [snapshot(m(points * s)) for s in scales]
    for p in m.parameters():
        p.mul_(10)
    return outputs + [snapshot(m(points * s)) for s in scales]


# -------------------------------------------------------------- train_step
@contextlib.contextmanager
def default_dtype(dtype: str) -> Iterator[None]:
    """torch's default dtype set to ``dtype`` for the block: SPEC's
    ``torch.randn(real.shape[0], latent_dim)`` then draws noise of the
    networks' dtype (float64 checks compare to ~1e-13, not float32's 1e-6)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype_of(dtype))
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def probe_network(sizes: list, seed: int, dtype: str) -> nn.Sequential:
    """``Linear, Tanh, Linear, ...`` through ``sizes``, with seeded weights."""
    layers: list[nn.Module] = []
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b).to(dtype_of(dtype))
        with torch.no_grad():
            linear.weight.copy_(randn((b, a), seed + 2 * k, dtype, scale=WEIGHT_SCALE))
            linear.bias.copy_(randn((b,), seed + 2 * k + 1, dtype, scale=WEIGHT_SCALE))
        layers += [linear, nn.Tanh()]
    return nn.Sequential(*layers[:-1])


def optimiser(spec: dict, params: Iterator) -> torch.optim.Optimizer:
    kind = spec["kind"]
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.items() if k != "kind"}
    if kind == "SGD":
        return torch.optim.SGD(params, **options)
    if kind == "Adam":
        return torch.optim.Adam(params, **options)
    raise ValueError(f"unknown optimiser {kind!r}")


def _parameters(net: nn.Module) -> dict:
    return {name: snapshot(p) for name, p in net.named_parameters()}


def train_step(api: Any, seed: int, steps: int, N: int, latent_dim: int, data_dim: int, hidden: int,
               opt_g: dict, opt_d: dict, dtype: str = "float64") -> dict:
    """``steps`` calls of the student's ``train_step`` on the probe's own
    ``G`` (latent_dim -> hidden -> data_dim) and ``D`` (data_dim -> hidden
    -> 1) and optimisers, each call on a fresh seeded real batch ``(N,
    data_dim)``, after ``torch.manual_seed(seed)``.

    Observes what each call returned (``step t: (d_loss, g_loss)``, the
    pair as a list) and both networks' parameters after the first and the
    last step (``after step t: G's parameters``...).
    """
    obs: dict[str, Any] = {}
    with default_dtype(dtype):
        G = probe_network([latent_dim, hidden, data_dim], seed, dtype)
        D = probe_network([data_dim, hidden, 1], seed + 50, dtype)
        optimisers = optimiser(opt_g, G.parameters()), optimiser(opt_d, D.parameters())
        reals = [randn((N, data_dim), seed + REAL_SEED + t, dtype, scale=1.5) for t in range(steps)]
        torch.manual_seed(seed)
        for t in range(steps):
            returned = api.train_step(G, D, *optimisers, reals[t], latent_dim)
            if type(returned) in (tuple, list) and len(returned) == 2:
                returned = list(returned)
            obs[f"step {t + 1}: (d_loss, g_loss)"] = returned
            if t in (0, steps - 1):
                obs[f"after step {t + 1}: D's parameters"] = _parameters(D)
                obs[f"after step {t + 1}: G's parameters"] = _parameters(G)
    return obs


# ------------------------------------------------------------------- learn
def learn(api: Any, seed: int, steps: int, batch: int, lr: float, ring: dict, samples: int, checkpoints: list,
          latent_dim: int | None = None) -> dict:
    """Train the student's ``Generator`` and ``Discriminator`` with their
    ``train_step`` on the ring (Adam, ``lr``, betas (0.5, 0.999) for both;
    ``steps`` batches of ``batch`` points) and observe ``G(z)`` for a fixed
    seeded ``z`` of ``samples`` rows before training (``before``) and after
    each of the ``checkpoints`` steps (``after step k``), without gradients,
    the modules left in the mode they train in. GAN training oscillates:
    the parent judges the best checkpoint.

    ``latent_dim`` None builds ``Generator()`` and uses the default latent
    size 2; otherwise ``Generator(latent_dim=latent_dim, out_dim=2)``.
    """
    torch.manual_seed(seed)
    if latent_dim is None:
        G, L = api.Generator(), 2
    else:
        G, L = api.Generator(latent_dim=latent_dim, out_dim=2), latent_dim
    D = api.Discriminator()
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    data = gan_data.sample(steps * batch, seed + REAL_SEED, ring)
    z = gan_data.normal((samples, L), seed + UPSTREAM_SEED)
    obs: dict[str, Any] = {}
    with torch.no_grad():
        obs["before"] = snapshot(G(z))
    for t in range(1, steps + 1):
        api.train_step(G, D, opt_g, opt_d, data[(t - 1) * batch:t * batch], L)
        if t in checkpoints:
            with torch.no_grad():
                obs[f"after step {t}"] = snapshot(G(z))
    return obs


PROBES = {"loss": loss, "module": module, "train_step": train_step, "learn": learn}
