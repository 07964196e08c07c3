"""Carol: her first train_step crashed ("Trying to backward through the graph
a second time") because she never detached the fake; she added
retain_graph=True and, tidying up, zeroed both optimisers once at the top.
Now D's loss also flows into G's gradients before G steps. Her losses and
networks (Tanh, width 64) are right."""
import torch
import torch.nn.functional as F
from torch import nn

bce = nn.BCEWithLogitsLoss()


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    real_term = bce(real_logits, torch.full_like(real_logits, real_label))
    return real_term + bce(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits):
    return bce(fake_logits, torch.ones_like(fake_logits))


class Generator(nn.Module):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(latent_dim, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                                    nn.Linear(64, out_dim))

    def forward(self, z):
        return self.layers(z)


class Discriminator(nn.Module):
    def __init__(self, in_dim=2):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(in_dim, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                                    nn.Linear(64, 1))

    def forward(self, x):
        return self.layers(x)


def train_step(G, D, opt_g, opt_d, real, latent_dim):
    opt_d.zero_grad()
    opt_g.zero_grad()
    fake = G(torch.randn(real.shape[0], latent_dim))
    d_loss = discriminator_loss(D(real), D(fake))
    d_loss.backward(retain_graph=True)
    opt_d.step()
    g_loss = generator_loss(D(fake))
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
