"""Hidden checks for ``vae``: other shapes, seeds, betas and data than the
visible ones (a 3-D latent for reparameterize, 4-D images and continuous
targets for the loss, beta = 0, VAE(input_dim=20, latent_dim=3) in float64,
training on other prototypes with a 4-D latent). Not shipped in the
student bundle."""

from __future__ import annotations

from ..check import HIDDEN
from ..checks.vae import (EXPLAIN, FORWARD_KEYS, GRADIENT_KEYS, LOSS_GRADS, STRUCTURE_KEYS, derive_gradients,
                          derive_structure, loss, module, reparameterize, training)

CHECKS = (
    # reparameterize: 2.5 points
    reparameterize("2.1", "reparameterize: a 3-D shape, wide log-variances (float64)", 1.0,
                   shape=(2, 3, 5), seed=101, noise_seed=2101, visibility=HIDDEN,
                   args={"logvar_scale": 2.0, "logvar_shift": -1.0}),
    reparameterize("2.2", "reparameterize: gradients, other sizes", 1.0,
                   shape=(7, 3), seed=102, noise_seed=2102, backward=True, keys=("z", "grad_mu", "grad_logvar"),
                   visibility=HIDDEN, explain=EXPLAIN["reparameterize_grads"]),
    reparameterize("2.3", "reparameterize in float32, one sample", 0.5,
                   shape=(1, 16), seed=103, noise_seed=2103, dtype="float32", backward=True,
                   keys=("z", "grad_mu", "grad_logvar"), visibility=HIDDEN,
                   explain=EXPLAIN["reparameterize"] + " " + EXPLAIN["dtype"]),
    # vae_loss: 3.5 points
    loss("2.4", "vae_loss: images (N, 1, 6, 6), continuous targets in [0, 1]", 1.0,
         x_shape=(3, 1, 6, 6), latent_dim=4, seed=104, binary=False, visibility=HIDDEN),
    loss("2.5", "vae_loss: beta = 0 (reconstruction only) and beta = 2.5", 1.0,
         x_shape=(4, 20), latent_dim=5, seed=105, betas=(0.0, 2.5), visibility=HIDDEN,
         explain=EXPLAIN["loss"] + " " + EXPLAIN["beta"]),
    loss("2.6", "vae_loss: the mean over a batch of 9", 0.5,
         x_shape=(9, 2, 4), latent_dim=3, seed=106, per_sample=True, keys=("one-sample losses ratio",),
         visibility=HIDDEN, explain=EXPLAIN["batch_mean"]),
    loss("2.7", "vae_loss: gradients with beta = 2 on 4-D images, and in float32", 1.0,
         x_shape=(2, 3, 2, 2), latent_dim=2, seed=107, betas=(2.0,), backward=True, dtype="float32",
         keys=("loss (beta=2)",) + LOSS_GRADS, visibility=HIDDEN, explain=EXPLAIN["loss_grads"]),
    # VAE: 2.5 points
    module("2.8", "VAE(input_dim=20, latent_dim=3) in float64: shapes, dtypes, decode in [0, 1]", 1.0,
           "structure", STRUCTURE_KEYS, derive_structure, N=6, seed=108, input_dim=20, latent_dim=3,
           dtype="float64", visibility=HIDDEN, explain=EXPLAIN["structure"]),
    module("2.9", "VAE(input_dim=20, latent_dim=3): forward samples z with reparameterize (float64)", 1.0,
           "structure", FORWARD_KEYS, derive_structure, N=3, seed=109, input_dim=20, latent_dim=3,
           dtype="float64", visibility=HIDDEN, explain=EXPLAIN["forward"]),
    module("2.10", "VAE(input_dim=30, latent_dim=2): gradients reach every parameter", 0.5, "gradients",
           GRADIENT_KEYS, derive_gradients, N=7, seed=110, input_dim=30, latent_dim=2, visibility=HIDDEN,
           explain=EXPLAIN["gradients"]),
    # training: 1.5 points
    training("2.11", "VAE(input_dim=36, latent_dim=4) trains on other noisy prototypes", 1.5,
             data={"K": 6, "D": 36, "flip": 0.05, "prototype_seed": 4321}, latent_dim=4, seed=111,
             test_seed=2111, visibility=HIDDEN),
)
