"""The ``vae`` oracle: reparameterize and vae_loss from torch's primitives
(a different route from the reference's: addcmul; per-sample sums of
``F.binary_cross_entropy(reduction="none")`` and of the KL written as
0.5 * (mu^2 + sigma^2 - 1 - log sigma^2), then the mean), and a small VAE
for the property checks (one fused head for mu and logvar). Not shipped
to students (see ``grader/oracles/__init__.py``)."""

from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar):
    return torch.addcmul(mu, torch.exp(0.5 * logvar), torch.randn_like(mu))


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    N = x.shape[0]
    reconstruction = F.binary_cross_entropy(x_recon, x, reduction="none").reshape(N, -1).sum(1)
    kl = 0.5 * (mu.square() + logvar.exp() - 1.0 - logvar).sum(1)
    return (reconstruction + beta * kl).mean()


class VAE(nn.Module):
    def __init__(self, input_dim=64, latent_dim=8):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(input_dim, 64), nn.ReLU())
        self.heads = nn.Linear(64, 2 * latent_dim)
        self.generate = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(), nn.Linear(64, input_dim))

    def encode(self, x):
        return self.heads(self.hidden(x)).chunk(2, dim=1)

    def decode(self, z):
        return torch.sigmoid(self.generate(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar


def oracle() -> SimpleNamespace:
    """The namespace the probes run on, as on a submission."""
    return SimpleNamespace(reparameterize=reparameterize, vae_loss=vae_loss, VAE=VAE)
