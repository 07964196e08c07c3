"""The ``gan`` oracle: the two losses from ``F.binary_cross_entropy_with_logits``
(a different route from the reference's softplus algebra), ``train_step`` in
SPEC §1's order, and small networks that learn the rings, for the property
and training checks (2-layer Tanh MLPs, width 64: measured on both rings at
16 seeds, the best checkpoint never below 81%). Not shipped to students (see
``grader/oracles/__init__.py``)."""

from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    on_real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_label))
    on_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return on_real + on_fake


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def _mlp(n_in, n_out):
    return nn.Sequential(nn.Linear(n_in, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, n_out))


class Generator(nn.Module):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.body = _mlp(latent_dim, out_dim)

    def forward(self, z):
        return self.body(z)


class Discriminator(nn.Module):
    def __init__(self, in_dim=2):
        super().__init__()
        self.body = _mlp(in_dim, 1)

    def forward(self, x):
        return self.body(x)


def train_step(G, D, opt_g, opt_d, real, latent_dim):
    z = torch.randn(real.shape[0], latent_dim)
    fake = G(z)
    # the discriminator's step, on a detached fake: it trains D alone
    loss_d = discriminator_loss(D(real), D(fake.detach()))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    # the generator's step, against the discriminator as updated
    loss_g = generator_loss(D(fake))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()


def oracle() -> SimpleNamespace:
    """The namespace the probes run on, as on a submission."""
    return SimpleNamespace(discriminator_loss=discriminator_loss, generator_loss=generator_loss,
                           Generator=Generator, Discriminator=Discriminator, train_step=train_step)
