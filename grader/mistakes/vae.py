"""Known reparameterize / vae_loss / VAE mistakes, each a one-flag variant
of a plain implementation (written for fingerprinting only, not as a
model answer)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import Mistake


class _Bugs:
    """The switches; every variant sets one of them (class attributes)."""

    std = "exp(0.5 * logvar)"      # or "exp(logvar)", "logvar"
    eps = "randn_like"             # or "randn float32" (torch.randn(mu.shape)), "rand_like" (uniform)
    kl_sign = 1.0                  # -1: the KL term subtracted
    kl_one = True                  # False: -0.5 * sum(logvar - mu**2 - exp(logvar))
    kl_factor = 0.5                # 1.0: the 0.5 left out
    kl_over_latent = "sum"         # "mean": averaged over the latent dimensions
    batch = "mean"                 # "sum": summed over the batch
    bce_over_pixels = "sum"        # "mean": F.binary_cross_entropy's default reduction (mean over all)
    bce_swapped = False            # F.binary_cross_entropy(x, x_recon)
    beta_used = True               # False: beta never multiplies the KL term
    logits = False                 # decode returns logits; the loss takes BCE with logits
    sample = True                  # False: forward decodes mu (z not sampled)


def _reparameterize(bugs: type[_Bugs], mu, logvar):
    std = {"exp(0.5 * logvar)": lambda: torch.exp(0.5 * logvar), "exp(logvar)": lambda: torch.exp(logvar),
           "logvar": lambda: logvar}[bugs.std]()
    eps = {"randn_like": lambda: torch.randn_like(mu), "randn float32": lambda: torch.randn(mu.shape),
           "rand_like": lambda: torch.rand_like(mu)}[bugs.eps]()
    return mu + std * eps


def _vae_loss(bugs: type[_Bugs], x_recon, x, mu, logvar, beta=1.0):
    N = x.shape[0]
    if bugs.logits:
        reconstruction = F.binary_cross_entropy_with_logits(x_recon, x, reduction="none")
    elif bugs.bce_swapped:
        reconstruction = F.binary_cross_entropy(x, x_recon, reduction="none")
    else:
        reconstruction = F.binary_cross_entropy(x_recon, x, reduction="none")
    reconstruction = reconstruction.reshape(N, -1)
    terms = (1 if bugs.kl_one else 0) + logvar - mu.pow(2) - logvar.exp()
    kl = -bugs.kl_factor * (terms.mean(1) if bugs.kl_over_latent == "mean" else terms.sum(1))
    weight = beta if bugs.beta_used else 1.0
    kl = bugs.kl_sign * weight * kl
    if bugs.bce_over_pixels == "mean":
        return reconstruction.mean() + kl.mean()
    per_sample = reconstruction.sum(1) + kl
    return per_sample.sum() if bugs.batch == "sum" else per_sample.mean()


class _VAE(nn.Module):
    bugs: type[_Bugs] = _Bugs

    def __init__(self, input_dim=64, latent_dim=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 48), nn.Tanh())
        self.mu = nn.Linear(48, latent_dim)
        self.logvar = nn.Linear(48, latent_dim)
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 48), nn.Tanh(), nn.Linear(48, input_dim))

    def encode(self, x):
        h = self.encoder(x)
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        logits = self.decoder(z)
        return logits if self.bugs.logits else torch.sigmoid(logits)

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = _reparameterize(self.bugs, mu, logvar) if self.bugs.sample else mu
        return self.decode(z), mu, logvar


def _variant(**flags: Any):
    def build() -> SimpleNamespace:
        bugs = type("Bugs", (_Bugs,), dict(flags))
        return SimpleNamespace(reparameterize=lambda mu, logvar: _reparameterize(bugs, mu, logvar),
                               vae_loss=lambda *a, **k: _vae_loss(bugs, *a, **k),
                               VAE=type("VAE", (_VAE,), {"bugs": bugs}))

    return build


MISTAKES = (
    Mistake("std-exp-logvar", "used exp(logvar) as the standard deviation",
            "logvar is the log of the variance sigma**2, so sigma = exp(0.5 * logvar) (the square root of "
            "exp(logvar)).", _variant(std="exp(logvar)")),
    Mistake("logvar-as-std", "used logvar itself as the standard deviation",
            "The encoder's second output is log(sigma**2), which may be negative: the standard deviation "
            "is exp(0.5 * logvar).", _variant(std="logvar")),
    Mistake("eps-float32", "drew eps with torch.randn(mu.shape), in float32 whatever mu's dtype",
            "torch.randn(shape) draws float32 numbers, which for 16 or more are other numbers than a "
            "float64 draw: eps = torch.randn_like(mu) follows mu's dtype (and device).",
            _variant(eps="randn float32")),
    Mistake("eps-uniform", "drew eps from a uniform distribution (torch.rand_like)",
            "eps must be standard normal, torch.randn_like(mu); torch.rand_like draws from U(0, 1).",
            _variant(eps="rand_like")),
    Mistake("kl-sign-flipped", "subtracted the KL term instead of adding it",
            "The negative ELBO is reconstruction + KL with KL = -0.5 * sum(1 + logvar - mu**2 - "
            "exp(logvar)) >= 0; subtracting it rewards posteriors far from the prior, without bound.",
            _variant(kl_sign=-1.0)),
    Mistake("kl-missing-one", "left the 1 out of the KL term",
            "KL = -0.5 * sum(1 + logvar - mu**2 - exp(logvar)): without the 1 the loss is off by "
            "latent_dim / 2 and the KL is no longer zero when the posterior equals the prior.",
            _variant(kl_one=False)),
    Mistake("kl-not-halved", "left out the factor 0.5 of the KL term",
            "The closed-form KL between N(mu, sigma**2) and N(0, 1) is 0.5 * (sigma**2 + mu**2 - 1 - "
            "log sigma**2): -0.5 * sum(1 + logvar - mu**2 - exp(logvar)).", _variant(kl_factor=1.0)),
    Mistake("kl-mean-over-latent", "averaged the KL over the latent dimensions instead of summing",
            "The KL of a diagonal Gaussian is the sum of the per-dimension KLs: sum over the latent "
            "dimensions, then take the mean over the batch.", _variant(kl_over_latent="mean")),
    Mistake("loss-summed-over-batch", "summed the loss over the batch instead of averaging it",
            "vae_loss is the mean over the batch of the per-sample negative ELBO: divide the total by "
            "N = x.shape[0].", _variant(batch="sum")),
    Mistake("bce-mean-over-pixels", "averaged the BCE over the pixels (F.binary_cross_entropy's default "
            "reduction)", "The reconstruction term is -log p(x|z), summed over all pixels of a sample: "
            "F.binary_cross_entropy(x_recon, x, reduction='sum') / N. Its default reduction='mean' also "
            "divides by the number of pixels, which lets the KL term dominate (the posterior collapses).",
            _variant(bce_over_pixels="mean")),
    Mistake("beta-ignored", "never used beta", "beta multiplies the KL term: loss = BCE + beta * KL per "
            "sample (beta = 1 is the plain ELBO).", _variant(beta_used=False)),
    Mistake("bce-arguments-swapped", "swapped x_recon and x in the binary cross-entropy",
            "F.binary_cross_entropy(input, target) takes the predicted probabilities first: "
            "F.binary_cross_entropy(x_recon, x, ...).", _variant(bce_swapped=True)),
    Mistake("decoder-logits", "returned logits from decode (and took BCE with logits in the loss)",
            "decode returns probabilities in (0, 1) (a sigmoid at the end), and vae_loss takes those "
            "probabilities: F.binary_cross_entropy, not binary_cross_entropy_with_logits.",
            _variant(logits=True)),
    Mistake("forward-no-sampling", "decoded mu in forward instead of a sample z",
            "forward samples z = reparameterize(mu, logvar) and decodes z: decoding mu skips the noise, so "
            "the KL term no longer trades against reconstruction (an auto-encoder, not a VAE).",
            _variant(sample=False)),
)

# The variants' common base with every switch off: passes every check
# (tests/grader/test_checks_vae.py), so each flag is exactly one bug.
CORRECT = _variant()
