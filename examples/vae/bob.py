"""Bob: copies a tutorial's loss with F.binary_cross_entropy's default
reduction, which averages over the pixels as well as the batch. His loss
values are off, and in training the KL term, now 64 times heavier than the
reconstruction, wins: the posterior collapses and reconstructions ignore
their input. reparameterize and the VAE's structure are right."""
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar):
    return mu + torch.randn_like(mu) * torch.exp(logvar * 0.5)


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    recon = F.binary_cross_entropy(x_recon, x)
    kl = torch.mean(-0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp(), dim=1))
    return recon + beta * kl


class VAE(nn.Module):
    def __init__(self, input_dim=64, latent_dim=8):
        super().__init__()
        self.l1 = nn.Linear(input_dim, 200)
        self.l21 = nn.Linear(200, latent_dim)
        self.l22 = nn.Linear(200, latent_dim)
        self.l3 = nn.Linear(latent_dim, 200)
        self.l4 = nn.Linear(200, input_dim)

    def encode(self, x):
        h = F.relu(self.l1(x))
        return self.l21(h), self.l22(h)

    def decode(self, z):
        return torch.sigmoid(self.l4(F.relu(self.l3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar
