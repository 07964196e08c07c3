"""Synthetic binary data for the ``vae`` probes, made in code from a seed.

*Noisy prototypes*: ``K`` random binary images of ``D`` pixels (each pixel
on with probability 1/2, drawn from ``prototype_seed``); a sample picks one
prototype uniformly and flips each pixel independently with probability
``flip``. Nothing is downloaded, and everything a check needs to judge a
model is known in closed form:

* the data's entropy, :func:`entropy` = log K + D·h(flip) nats, where h is
  the binary entropy (exact up to the negligible chance that a sample is
  equally close to two prototypes, which are ~D/2 pixels apart): no model's
  expected negative log-likelihood, hence no negative ELBO, goes below it;
* the latent-free baseline, :func:`baseline`: the expected BCE of the
  best model that ignores the latent (a per-pixel Bernoulli at the data's
  marginal means) on the given samples. A VAE whose posterior collapses
  (KL = 0) can do no better.

The same functions run in the child (to make the training and held-out
samples) and in the parent (to regenerate the held-out samples and judge
the model): a recipe is a plain dict, so it travels in a check's args.
"""

from __future__ import annotations

import math
from typing import Mapping

import torch


def prototypes(recipe: Mapping) -> torch.Tensor:
    """The ``(K, D)`` binary prototypes of ``recipe`` (float64)."""
    gen = torch.Generator().manual_seed(int(recipe["prototype_seed"]))
    return (torch.rand(int(recipe["K"]), int(recipe["D"]), generator=gen, dtype=torch.float64) < 0.5).double()


def sample(recipe: Mapping, n: int, gen: torch.Generator) -> torch.Tensor:
    """``n`` noisy samples ``(n, D)`` in {0, 1} (float32), drawn from ``gen``."""
    protos = prototypes(recipe)
    k = torch.randint(protos.shape[0], (n,), generator=gen)
    flips = (torch.rand(n, protos.shape[1], generator=gen, dtype=torch.float64) < float(recipe["flip"])).double()
    return ((protos[k] + flips) % 2).float()


def held_out(recipe: Mapping, n: int, seed: int) -> torch.Tensor:
    """The held-out samples of a check: ``n`` samples from their own seed."""
    return sample(recipe, n, torch.Generator().manual_seed(int(seed)))


def _h(p: float) -> float:
    return -(p * math.log(p) + (1 - p) * math.log(1 - p))


def entropy(recipe: Mapping) -> float:
    """The data's entropy in nats per sample: log K + D·h(flip)."""
    return math.log(int(recipe["K"])) + int(recipe["D"]) * _h(float(recipe["flip"]))


def marginals(recipe: Mapping) -> torch.Tensor:
    """Each pixel's probability of being on, ``(D,)``: the mean over the
    prototypes of (1 - flip) where the prototype is on, flip where off."""
    flip = float(recipe["flip"])
    return (prototypes(recipe) * (1 - 2 * flip) + flip).mean(0)


def baseline(recipe: Mapping, x: torch.Tensor) -> float:
    """Mean over the samples ``x`` of the BCE (summed over pixels) of the
    per-pixel marginals: the latent-free baseline, in nats per sample."""
    p = marginals(recipe).clamp(1e-6, 1 - 1e-6)
    x = x.double()
    return float(-(x * p.log() + (1 - x) * (1 - p).log()).sum(1).mean())
