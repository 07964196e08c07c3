"""Carol: reads that BCE with logits is numerically safer, so her decoder
returns logits and her loss applies binary_cross_entropy_with_logits. It
trains, but decode no longer returns probabilities and vae_loss does not
take them, as the assignment requires: she loses the loss checks, the
decoder's range and training (judged on decode's probabilities)."""
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar):
    std = torch.exp(0.5 * logvar)
    return torch.addcmul(mu, std, torch.randn_like(std))


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    n = len(x)
    nll = F.binary_cross_entropy_with_logits(x_recon, x, reduction="sum") / n
    kl = 0.5 * torch.sum(mu ** 2 + logvar.exp() - 1 - logvar) / n
    return nll + beta * kl


class VAE(nn.Module):
    def __init__(self, input_dim=64, latent_dim=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, 128), nn.SiLU(), nn.Linear(128, 2 * latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 128), nn.SiLU(), nn.Linear(128, input_dim))

    def encode(self, x):
        mu, logvar = self.encoder(x).chunk(2, dim=-1)
        return mu, logvar

    def decode(self, z):
        return self.decoder(z)        # logits

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar
