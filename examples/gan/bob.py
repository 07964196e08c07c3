"""Bob: takes the minimax objective of the lecture literally. His generator
minimises log(1 - D(G(z))), the saturating loss, written with logsigmoid (so
it is stable); everything else is right. On this easy ring his GAN still
learns, but the loss and train_step checks see the other gradient."""
import torch
import torch.nn.functional as F
from torch import nn


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    # -[y log D(x) + (1 - y) log(1 - D(x))] with log D = logsigmoid(s), log(1 - D) = logsigmoid(-s)
    real = -(real_label * F.logsigmoid(real_logits) + (1 - real_label) * F.logsigmoid(-real_logits)).mean()
    fake = -F.logsigmoid(-fake_logits).mean()
    return real + fake


def generator_loss(fake_logits):
    # min_G log(1 - D(G(z)))
    return F.logsigmoid(-fake_logits).mean()


class Generator(nn.Module):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.hidden = nn.Linear(latent_dim, 64)
        self.hidden2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, out_dim)

    def forward(self, z):
        return self.out(F.leaky_relu(self.hidden2(F.leaky_relu(self.hidden(z), 0.2)), 0.2))


class Discriminator(nn.Module):
    def __init__(self, in_dim=2):
        super().__init__()
        self.hidden = nn.Linear(in_dim, 64)
        self.hidden2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        return self.out(F.leaky_relu(self.hidden2(F.leaky_relu(self.hidden(x), 0.2)), 0.2))


def train_step(G, D, opt_g, opt_d, real, latent_dim):
    z = torch.randn(real.shape[0], latent_dim)
    fake = G(z)
    loss_d = discriminator_loss(D(real), D(fake.detach()))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    loss_g = generator_loss(D(fake))
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    return loss_d.item(), loss_g.item()
