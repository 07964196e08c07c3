"""Known gan mistakes, each a one-flag variant of a plain implementation
(written for fingerprinting only, not as a model answer).

The variants define the two losses and ``train_step``; only the one
whose bug is in a module (a sigmoid at the end of the discriminator)
defines a module too. The others have no ``Generator`` and no
``Discriminator``, so the module and training probes fail on them at once
and are skipped when a student's failing check is fingerprinted: a
training run per variant would cost seconds, and a free design's samples
never equal a variant's anyway.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import torch
from torch import nn

from . import Mistake


class _Bugs:
    """The switches; every variant sets one of them (class attributes)."""

    real_target = "real_label"     # "one": real_label ignored; "zero": the labels swapped
    fake_target = "zero"           # "one minus real_label"; "real_label": the labels swapped
    combine = "sum"                # "average" of the two means; "one mean" over both batches
    reduce = "mean"                # "sum" over the batch
    naive_bce = False              # log(sigmoid(s)) and log(1 - sigmoid(s)) from probabilities
    generator_target = "one"       # "saturating": minimise log(1 - sigmoid); "zero": D's target
    d_step_first = True            # False: the generator's step comes first
    zero_grad_d = True             # False: opt_d.zero_grad() forgotten
    zero_grad_g = True             # False: opt_g.zero_grad() forgotten
    early_zero_no_detach = False   # both zero_grad at the top, D's loss on D(fake) (retain_graph)
    g_on_detached = False          # g_loss on D(fake.detach()): G gets no gradient
    new_noise_for_g = False        # a second z for the generator's step
    returns = "floats"             # "tensors"; "g first"
    d_sigmoid = False              # the discriminator ends with a sigmoid


def _bce(bugs: type[_Bugs], logits, target):
    if bugs.naive_bce:
        p = torch.sigmoid(logits)
        values = -(target * torch.log(p) + (1 - target) * torch.log(1 - p))
    else:
        values = torch.clamp(logits, min=0) - logits * target + torch.log1p(torch.exp(-logits.abs()))
    return values.sum() if bugs.reduce == "sum" else values.mean()


def _targets(bugs: type[_Bugs], real_logits, fake_logits, real_label):
    real = {"real_label": real_label, "one": 1.0, "zero": 0.0}[bugs.real_target]
    fake = {"zero": 0.0, "one minus real_label": 1.0 - real_label, "real_label": real_label}[bugs.fake_target]
    return torch.full_like(real_logits, real), torch.full_like(fake_logits, fake)


def _namespace(bugs: type[_Bugs]) -> SimpleNamespace:
    def discriminator_loss(real_logits, fake_logits, real_label=1.0):
        real_target, fake_target = _targets(bugs, real_logits, fake_logits, real_label)
        if bugs.combine == "one mean":
            both = torch.cat([real_logits.reshape(-1), fake_logits.reshape(-1)])
            return _bce(bugs, both, torch.cat([real_target.reshape(-1), fake_target.reshape(-1)]))
        total = _bce(bugs, real_logits, real_target) + _bce(bugs, fake_logits, fake_target)
        return total / 2 if bugs.combine == "average" else total

    def generator_loss(fake_logits):
        if bugs.generator_target == "saturating":
            return -_bce(bugs, fake_logits, torch.zeros_like(fake_logits))
        target = 0.0 if bugs.generator_target == "zero" else 1.0
        return _bce(bugs, fake_logits, torch.full_like(fake_logits, target))

    def train_step(G, D, opt_g, opt_d, real, latent_dim):
        z = torch.randn(real.shape[0], latent_dim)
        fake = G(z)
        if bugs.early_zero_no_detach:
            opt_d.zero_grad()
            opt_g.zero_grad()

        def d_step():
            shown = fake if bugs.early_zero_no_detach else fake.detach()
            d_loss = discriminator_loss(D(real), D(shown))
            if bugs.zero_grad_d and not bugs.early_zero_no_detach:
                opt_d.zero_grad()
            d_loss.backward(retain_graph=bugs.early_zero_no_detach)
            opt_d.step()
            return d_loss

        def g_step():
            shown = G(torch.randn(real.shape[0], latent_dim)) if bugs.new_noise_for_g else fake
            g_loss = generator_loss(D(shown.detach() if bugs.g_on_detached else shown))
            if bugs.zero_grad_g and not bugs.early_zero_no_detach:
                opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            return g_loss

        if bugs.d_step_first:
            d_loss = d_step()
            g_loss = g_step()
        else:
            g_loss = g_step()
            d_loss = d_step()
        if bugs.returns == "tensors":
            return d_loss, g_loss
        if bugs.returns == "g first":
            return g_loss.item(), d_loss.item()
        return d_loss.item(), g_loss.item()

    api = SimpleNamespace(discriminator_loss=discriminator_loss, generator_loss=generator_loss,
                          train_step=train_step)
    if bugs.d_sigmoid:
        class Discriminator(nn.Module):
            def __init__(self, in_dim=2):
                super().__init__()
                self.layers = nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())

            def forward(self, x):
                return self.layers(x)

        api.Discriminator = Discriminator
    return api


def _variant(**flags: Any):
    def build() -> SimpleNamespace:
        return _namespace(type("Bugs", (_Bugs,), dict(flags)))

    return build


MISTAKES = (
    Mistake("labels-swapped", "swapped the discriminator's labels (real against 0, fake against real_label)",
            "The discriminator learns to call real points real: real_logits against real_label (1 by "
            "default), fake_logits against 0. Swapped, it rewards the generator for moving away from the data.",
            _variant(real_target="zero", fake_target="real_label")),
    Mistake("real-label-ignored", "ignored real_label (real logits always against 1)",
            "real_label is the target of the real logits: F.binary_cross_entropy_with_logits(real_logits, "
            "torch.full_like(real_logits, real_label)). Below 1 it smooths the real label.",
            _variant(real_target="one")),
    Mistake("fake-label-smoothed", "smoothed the fake label too (fake logits against 1 - real_label)",
            "Label smoothing here is one-sided: only the real target becomes real_label; the fake target "
            "stays 0 (smoothing it would reward fakes for looking a little real).",
            _variant(fake_target="one minus real_label")),
    Mistake("d-loss-averaged", "averaged the two terms of the discriminator's loss",
            "discriminator_loss is the sum of the two means, mean BCE on the real batch + mean BCE on the "
            "fake batch, not half of it.", _variant(combine="average")),
    Mistake("d-loss-one-mean", "took one mean over the real and the fake logits together",
            "discriminator_loss is the sum of two means, one per batch: a single mean over both batches "
            "weighs them by their sizes and halves the loss.", _variant(combine="one mean")),
    Mistake("losses-summed", "summed the binary cross-entropy over the batch instead of averaging",
            "Both losses are means over the batch (F.binary_cross_entropy_with_logits's default "
            "reduction='mean'); a sum grows with the batch size, and so do the steps.",
            _variant(reduce="sum")),
    Mistake("sigmoid-then-log", "took the logarithm of sigmoid(logits), which overflows for large logits",
            "In float32, sigmoid(s) rounds to 1 for s > ~17, so log(1 - sigmoid(s)) = -inf. Work on the logits: "
            "F.binary_cross_entropy_with_logits, or softplus(s) - y * s.", _variant(naive_bce=True)),
    Mistake("saturating-generator-loss", "used the saturating generator loss (minimised log(1 - D(G(z))))",
            "generator_loss is the non-saturating loss: BCE of fake_logits against 1, -mean(log sigmoid(s)). "
            "The minimax form log(1 - sigmoid(s)) has almost no gradient while the discriminator wins.",
            _variant(generator_target="saturating")),
    Mistake("generator-targets-zero", "trained the generator towards the discriminator's target 0 for fakes",
            "The generator wants its fakes called real: generator_loss = BCE of fake_logits against 1. "
            "Against 0 it helps the discriminator and moves away from the data.",
            _variant(generator_target="zero")),
    Mistake("d-step-after-g-step", "made the generator's step before the discriminator's",
            "train_step updates D first (on D(real) and D(fake.detach())), then G against the updated D.",
            _variant(d_step_first=False)),
    Mistake("no-zero-grad-d", "forgot opt_d.zero_grad()",
            "Gradients accumulate in .grad: without opt_d.zero_grad() before d_loss.backward(), D's step "
            "also uses the gradients of earlier steps (and those the generator's loss left in D).",
            _variant(zero_grad_d=False)),
    Mistake("no-zero-grad-g", "forgot opt_g.zero_grad()",
            "Gradients accumulate in .grad: without opt_g.zero_grad() before g_loss.backward(), G's step "
            "also uses the gradients of every earlier step.", _variant(zero_grad_g=False)),
    Mistake("no-detach-zero-grad-first", "zeroed both gradients first and did not detach the fake in D's step",
            "Without fake.detach(), d_loss.backward() also puts the discriminator's loss gradient into G's "
            "parameters; zeroed only at the top, it is still there when G steps. Detach the fake for D, "
            "and zero each optimiser right before its backward.", _variant(early_zero_no_detach=True)),
    Mistake("g-loss-on-detached-fake", "computed the generator's loss on a detached fake",
            "g_loss = generator_loss(D(fake)) with fake not detached: the gradient must flow through D "
            "into G. On fake.detach() no gradient reaches G, and G never learns.",
            _variant(g_on_detached=True)),
    Mistake("new-noise-for-g-step", "drew new noise for the generator's step",
            "train_step draws z once: the same fake = G(z) serves the discriminator's step (detached) and "
            "the generator's step.", _variant(new_noise_for_g=True)),
    Mistake("losses-as-tensors", "returned the losses as tensors",
            "train_step returns Python floats: return d_loss.item(), g_loss.item(). Tensors would keep "
            "their graph alive in a training log.", _variant(returns="tensors")),
    Mistake("returns-g-first", "returned (g_loss, d_loss)",
            "train_step returns the pair in the order (d_loss, g_loss).", _variant(returns="g first")),
    Mistake("sigmoid-on-discriminator", "ended the discriminator with a sigmoid",
            "Discriminator returns logits: the losses apply the sigmoid inside the binary cross-entropy, "
            "stably. A sigmoid at the end squeezes the logits into (0, 1), and the losses then take the "
            "sigmoid a second time.", _variant(d_sigmoid=True)),
)

# The variants' common base with every switch off: equal to the oracle on
# every check it can run (tests/grader/test_checks_gan.py), so each flag is
# exactly one bug.
CORRECT = _variant()
