"""Alice: everything right. Targets built once per call with new_full, one
helper builds both networks (ReLU, width 128), and train_step names its two
phases."""
import torch
from torch import nn
from torch.nn import functional as F


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    on_real = F.binary_cross_entropy_with_logits(real_logits, real_logits.new_full(real_logits.shape, real_label))
    on_fake = F.binary_cross_entropy_with_logits(fake_logits, fake_logits.new_zeros(fake_logits.shape))
    return on_real + on_fake


def generator_loss(fake_logits):
    # non-saturating: the fakes should be called real
    return F.binary_cross_entropy_with_logits(fake_logits, fake_logits.new_ones(fake_logits.shape))


def make_mlp(n_in, n_out, width=128):
    return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, n_out))


class Generator(nn.Module):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.mlp = make_mlp(latent_dim, out_dim)

    def forward(self, z):
        return self.mlp(z)


class Discriminator(nn.Module):
    def __init__(self, in_dim=2):
        super().__init__()
        self.mlp = make_mlp(in_dim, 1)

    def forward(self, x):
        return self.mlp(x)


def train_step(G, D, opt_g, opt_d, real, latent_dim):
    fake = G(torch.randn(real.shape[0], latent_dim))

    # 1. the discriminator: real against fake, with the generator held fixed
    d_loss = discriminator_loss(D(real), D(fake.detach()))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    # 2. the generator: fool the discriminator as it is now
    g_loss = generator_loss(D(fake))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
