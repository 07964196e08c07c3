"""Known BatchNorm2d mistakes, each a one-flag variant of a plain
implementation (written for fingerprinting only, not as a model answer)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import torch
from torch import nn

from . import Mistake

CHANNEL_AXES = (0, 2, 3)


class _Variant(nn.Module):
    """BatchNorm2d with switchable bugs (class attributes set per mistake)."""

    unbiased_norm = False        # normalise with the unbiased variance
    biased_running = False       # track the biased variance
    inverted_momentum = False    # running = momentum*running + (1-momentum)*batch
    batch_stats_in_eval = False  # eval mode still uses batch statistics
    axes = CHANNEL_AXES          # axes reduced for the statistics
    eps_outside_sqrt = False     # / (sqrt(var) + eps)
    no_running_update = False    # running statistics never change
    ignore_affine = False        # weight and bias never applied
    update_in_eval = False       # running statistics also updated in eval mode
    no_eps_in_eval = False       # eval divides by sqrt(running_var) without eps
    affine_buffers = False       # weight and bias are buffers, not parameters
    bessel_n_is_batch = False    # unbiased correction with n = N instead of N*H*W
    running_in_train = False     # training mode normalises with the running statistics
    fixed_momentum = None        # momentum hard-coded to this value
    fixed_eps = None             # eps hard-coded to this value

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps = eps if self.fixed_eps is None else self.fixed_eps
        self.momentum = momentum if self.fixed_momentum is None else self.fixed_momentum
        if self.affine_buffers:
            self.register_buffer("weight", torch.ones(num_features))
            self.register_buffer("bias", torch.zeros(num_features))
        else:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def _batch_stats(self, x: torch.Tensor):
        mean = x.mean(dim=self.axes, keepdim=True)
        biased = ((x - mean) ** 2).mean(dim=self.axes, keepdim=True)
        n = x.shape[0] if self.bessel_n_is_batch else x.numel() // mean.numel()
        unbiased = biased * n / max(n - 1, 1)
        return mean, biased, unbiased

    def _track(self, mean: torch.Tensor, biased: torch.Tensor, unbiased: torch.Tensor) -> None:
        if self.no_running_update:
            return
        track_var = biased if self.biased_running else unbiased
        m = self.momentum
        with torch.no_grad():
            for buf, stat in ((self.running_mean, mean), (self.running_var, track_var)):
                stat = _per_channel(stat, buf.shape[0])
                if stat is None:  # this mistake cannot say what the buffers would hold
                    raise ValueError("statistics are not per channel")
                new = m * buf + (1 - m) * stat if self.inverted_momentum else (1 - m) * buf + m * stat
                buf.copy_(new)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        C = x.shape[1]
        use_batch = self.training or self.batch_stats_in_eval
        if use_batch or self.update_in_eval:
            mean, biased, unbiased = self._batch_stats(x)
            if self.training or self.update_in_eval:
                self._track(mean, biased, unbiased)
        if use_batch and not (self.running_in_train and self.training):
            var = unbiased if self.unbiased_norm else biased
        else:
            mean = self.running_mean.view(1, C, 1, 1)
            var = self.running_var.view(1, C, 1, 1)
        eps = 0.0 if (self.no_eps_in_eval and not use_batch) else self.eps
        denom = torch.sqrt(var) + eps if self.eps_outside_sqrt else torch.sqrt(var + eps)
        y = (x - mean) / denom
        if self.ignore_affine:
            return y
        return y * self.weight.view(1, C, 1, 1) + self.bias.view(1, C, 1, 1)


def _per_channel(stat: torch.Tensor, C: int) -> torch.Tensor | None:
    """Reduce a statistic of any layout to (C,) the way a student who used
    wrong axes would most plausibly have stored it; None if impossible."""
    if stat.dim() == 4 and stat.shape[1] == C:
        return stat.mean(dim=(0, 2, 3)) if stat.numel() != C else stat.reshape(C)
    return None


def _variant(**flags: Any):
    def build() -> SimpleNamespace:
        cls = type("BatchNorm2d", (_Variant,), dict(flags))
        return SimpleNamespace(BatchNorm2d=cls)

    return build


MISTAKES = (
    Mistake("unbiased-normalisation", "normalised with the unbiased variance",
            "In training mode torch normalises with the biased batch variance, "
            "mean((x - mean)**2) over N·H·W values (torch.var(..., unbiased=False) or "
            "correction=0); the unbiased estimate (divide by n-1) is only what it stores "
            "in running_var.", _variant(unbiased_norm=True)),
    Mistake("biased-running-var", "stored the biased variance in running_var",
            "torch stores the unbiased estimate in running_var: n/(n-1)·σ² with "
            "n = N·H·W, while it normalises the batch with the biased σ².",
            _variant(biased_running=True)),
    Mistake("inverted-momentum", "weighted the running statistics the wrong way round",
            "torch's momentum is the weight of the *new* batch: "
            "running = (1 - momentum)·running + momentum·batch_stat (the opposite of the "
            "optimiser convention).", _variant(inverted_momentum=True)),
    Mistake("batch-stats-in-eval", "used batch statistics in evaluation mode",
            "In eval mode (self.training is False) torch normalises with running_mean "
            "and running_var, not with the statistics of the current batch.",
            _variant(batch_stats_in_eval=True)),
    Mistake("instance-norm-axes", "computed statistics per sample and channel (over H, W only)",
            "BatchNorm2d computes one mean and variance per channel over the batch and "
            "both spatial axes: reduce over dims (0, 2, 3), not (2, 3).",
            _variant(axes=(2, 3))),
    Mistake("layer-norm-axes", "computed statistics per sample (over C, H, W)",
            "BatchNorm2d computes one mean and variance per channel: reduce over dims "
            "(0, 2, 3), not (1, 2, 3).", _variant(axes=(1, 2, 3))),
    Mistake("batch-axis-only", "computed statistics over the batch axis only",
            "BatchNorm2d also reduces over the spatial axes: one mean and variance per "
            "channel over dims (0, 2, 3), not per position over dim 0.", _variant(axes=(0,))),
    Mistake("eps-outside-sqrt", "added eps outside the square root",
            "torch divides by sqrt(var + eps), not sqrt(var) + eps.",
            _variant(eps_outside_sqrt=True)),
    Mistake("no-running-update", "never updated the running statistics",
            "In training mode every forward pass updates running_mean and running_var "
            "in place (or by reassigning the registered buffers).",
            _variant(no_running_update=True)),
    Mistake("affine-ignored", "did not apply weight and bias",
            "The output is x_hat * weight + bias, per channel.", _variant(ignore_affine=True)),
    Mistake("update-in-eval", "updated the running statistics in evaluation mode",
            "In eval mode torch leaves running_mean and running_var unchanged.",
            _variant(update_in_eval=True, batch_stats_in_eval=False)),
    Mistake("no-eps-in-eval", "left eps out in evaluation mode",
            "Eval mode divides by sqrt(running_var + eps) too.", _variant(no_eps_in_eval=True)),
    Mistake("affine-not-learnable", "made weight and bias plain tensors (not nn.Parameter)",
            "torch's weight and bias are nn.Parameter objects: they appear in parameters(), receive "
            "gradients, and make the output part of the autograd graph.", _variant(affine_buffers=True)),
    Mistake("bessel-n-is-batch", "used n = N (the batch size) in the unbiased correction",
            "Each channel's statistics are over n = N·H·W values, so running_var takes "
            "var·n/(n-1) with that n, not with N alone.", _variant(bessel_n_is_batch=True)),
    Mistake("running-stats-in-train", "normalised with the running statistics in training mode",
            "In training mode torch normalises with the current batch's mean and biased variance; "
            "the running statistics are only updated there, and used in eval mode.",
            _variant(running_in_train=True)),
    Mistake("momentum-ignored", "ignored the momentum argument (always 0.1)",
            "Use the momentum given to the constructor (self.momentum), not a constant.",
            _variant(fixed_momentum=0.1)),
    Mistake("eps-ignored", "ignored the eps argument (always 1e-5)",
            "Use the eps given to the constructor (self.eps), not a constant.", _variant(fixed_eps=1e-5)),
)
