"""Alice: correct. She reads the pixels as a 1-D signal: a small Conv1d
encoder (any input_dim works), separate mu and logvar heads, and a decoder
that ends in a sigmoid; her loss takes per-sample terms, then the mean."""
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar):
    sigma = (0.5 * logvar).exp()
    noise = torch.randn_like(mu)
    return mu + sigma * noise


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    batch = x.shape[0]
    reconstruction = F.binary_cross_entropy(x_recon.view(batch, -1), x.view(batch, -1), reduction="none").sum(1)
    kl = (mu.pow(2) + logvar.exp() - logvar - 1).sum(1) / 2
    return (reconstruction + beta * kl).mean()


class VAE(nn.Module):
    def __init__(self, input_dim=64, latent_dim=8):
        super().__init__()
        self.features = nn.Sequential(nn.Conv1d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.Flatten(),
                                      nn.Linear(8 * input_dim, 96), nn.ReLU())
        self.mu = nn.Linear(96, latent_dim)
        self.logvar = nn.Linear(96, latent_dim)
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 96), nn.ReLU(), nn.Linear(96, input_dim))

    def encode(self, x):
        h = self.features(x.unsqueeze(1))       # (N, 1, D) -> (N, 96)
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        return torch.sigmoid(self.decoder(z))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = reparameterize(mu, logvar)
        return self.decode(z), mu, logvar
