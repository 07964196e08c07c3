"""Hidden checks for ``gan``: other shapes (1-D logits, a batch of one),
other label smoothing, other module sizes, other seeds, optimisers and
latent sizes for train_step, and training on another ring (6 modes,
off-centre and turned, a 3-D latent) than the visible one, so
that a generator fitted to the visible ring by hand does not pass. Not
shipped in the student bundle."""

from __future__ import annotations

from ..check import HIDDEN
from ..checks.gan import ADAM, EXPLAIN, SGD, learn_check, loss_check, module_check, step_check

OTHER_RING = {"modes": 6, "radius": 2.0, "std": 0.15, "centre": [0.5, -0.5], "phase": 0.3}
SGD_MOMENTUM = {"kind": "SGD", "lr": 0.05, "momentum": 0.9}

CHECKS = (
    # discriminator_loss: 2.5 points
    loss_check("2.1", "discriminator_loss: 1-D logits, one real against five fakes, real_label=0.75", 1.0,
               "discriminator_loss", shapes=[(1,), (5,)], seed=101, scale=1.5, real_label=0.75,
               visibility=HIDDEN, explain=EXPLAIN["smoothing"] + " " + EXPLAIN["d_loss"]),
    loss_check("2.2", "discriminator_loss: float32, (32, 1) logits, the default real_label", 1.0,
               "discriminator_loss", shapes=[(32, 1), (32, 1)], seed=102, scale=3.0, dtype="float32",
               visibility=HIDDEN, explain=EXPLAIN["d_loss"] + " " + EXPLAIN["loss_grads"]),
    loss_check("2.3", "discriminator_loss with label smoothing on logits up to |60| in float32", 0.5,
               "discriminator_loss", shapes=[(6, 1), (9, 1)], seed=103, scale=30.0, real_label=0.9,
               dtype="float32", keys=("loss",), visibility=HIDDEN, explain=EXPLAIN["stable"]),
    # generator_loss: 1.5 points
    loss_check("2.4", "generator_loss: 1-D logits, value and gradient", 1.0,
               "generator_loss", shapes=[(7,)], seed=104, scale=2.5, visibility=HIDDEN,
               explain=EXPLAIN["g_loss"] + " " + EXPLAIN["loss_grads"]),
    loss_check("2.5", "generator_loss on logits up to |60| in float32", 0.5,
               "generator_loss", shapes=[(10, 1)], seed=105, scale=30.0, dtype="float32", keys=("loss",),
               visibility=HIDDEN, explain=EXPLAIN["stable"]),
    # the modules: 1 point each
    module_check("2.6", "Generator: other sizes, a batch of three", 1.0,
                 "Generator", [{"latent_dim": 5, "out_dim": 3}, {"latent_dim": 1}], N=3, seed=106,
                 visibility=HIDDEN),
    module_check("2.7", "Discriminator: other sizes, a batch of three", 1.0,
                 "Discriminator", [{"in_dim": 3}, {"in_dim": 1}], N=3, seed=107, visibility=HIDDEN),
    # train_step: 2.5 points
    step_check("2.8", "train_step with Adam in float64, latent_dim=4 (4 steps)", 1.0, what="parameters",
               seed=108, steps=4, N=5, latent_dim=4, hidden=4, opt=ADAM, visibility=HIDDEN),
    step_check("2.9", "train_step with SGD and momentum, a batch of one (3 steps)", 1.0, what="parameters",
               seed=109, steps=3, N=1, latent_dim=2, hidden=3, opt=SGD_MOMENTUM, visibility=HIDDEN),
    step_check("2.10", "train_step returns (d_loss, g_loss) as Python floats (Adam, float32)", 0.5,
               what="returns", seed=110, steps=2, N=6, latent_dim=3, hidden=4, opt=ADAM, dtype="float32",
               visibility=HIDDEN),
    # training: 1.5 points
    learn_check("2.11", "training: your GAN learns another ring (6 modes, off-centre, 3-D latent)", 1.5,
                seed=111, ring=OTHER_RING, latent_dim=3, visibility=HIDDEN,
                explain=EXPLAIN["training"].replace("a ring of 8 Gaussians (radius 2, std 0.15)",
                                                    "a ring of 6 Gaussians (radius 2, std 0.15, centre "
                                                    "(0.5, -0.5), latent_dim=3)")),
)
