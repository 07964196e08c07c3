"""The gan training checks (1.10 visible, 2.11 hidden), in-process.

The criterion (grader/checks/gan.py, derive_learn) was fixed from a sweep
of 8 designs x 16 seeds x 2 rings (all passed, the lowest best checkpoint
31%, the bar 20%); these tests repeat the parts that must not drift:

* the oracle's networks pass both checks (a failing oracle would fail
  every student);
* a small design (width 32, ReLU: the slowest learner measured) passes on
  other seeds than the checks' own;
* the bugs that break learning fail, at every checkpoint: discriminator
  labels swapped, the generator trained towards the discriminator's fake
  target, the generator's loss on a detached fake;
* a generator that ignores training (already on the ring before it, as a
  hand-made one is) fails: the samples must improve; one collapsed onto a
  single point fails even on a mode;
* malformed observations give a verdict, never a crash.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

import reference.gan as ref
from grader import fingerprints, pipeline
from grader.assignments import get
from grader.checks.gan import derive_learn
from grader.child.probes import gan_data
from grader.child.protocol import Tensor
from grader.mistakes.gan import MISTAKES

GAN = get("gan")
VISIBLE, HIDDEN = [c for c in GAN.visible + GAN.hidden() if c.probe == "learn"]
KEY = "samples near the modes"


def _verdict(api, check) -> str:
    return check.observe(fingerprints.run_probe("gan", api, check), strict=True)[KEY]


@pytest.mark.parametrize("check", [VISIBLE, HIDDEN], ids=["visible", "hidden"])
def test_the_oracle_learns_both_rings(check):
    assert pipeline.oracle_observations("gan", check) == {KEY: "yes"}


def _small(width=32):
    def mlp(n_in, n_out):
        return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                             nn.Linear(width, n_out))

    class Generator(nn.Module):
        def __init__(self, latent_dim=2, out_dim=2):
            super().__init__()
            self.net = mlp(latent_dim, out_dim)

        def forward(self, z):
            return self.net(z)

    class Discriminator(nn.Module):
        def __init__(self, in_dim=2):
            super().__init__()
            self.net = mlp(in_dim, 1)

        def forward(self, x):
            return self.net(x)

    return SimpleNamespace(Generator=Generator, Discriminator=Discriminator, train_step=ref.train_step)


@pytest.mark.parametrize("check,seed", [(VISIBLE, 5), (HIDDEN, 6)], ids=["visible", "hidden"])
def test_a_small_design_learns_on_other_seeds(check, seed):
    assert _verdict(_small(), dataclasses.replace(check, args={**check.args, "seed": seed})) == "yes"


@pytest.mark.parametrize("mistake", ["labels-swapped", "generator-targets-zero", "g-loss-on-detached-fake"])
def test_bugs_that_break_learning_fail(mistake):
    bug = next(m for m in MISTAKES if m.id == mistake).build()
    api = SimpleNamespace(Generator=ref.Generator, Discriminator=ref.Discriminator, train_step=bug.train_step)
    verdict = _verdict(api, VISIBLE)
    assert verdict.startswith("no: at best 0% near a mode"), verdict


class RingGenerator(nn.Module):
    """Hand-made: maps z onto the visible ring's modes, whatever training does."""

    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.unused_scale = nn.Parameter(torch.zeros(()))

    def forward(self, z):
        centres = gan_data.centres().to(z.dtype)
        which = (torch.sigmoid(z[:, 0]) * 8).long().clamp(max=7)
        return centres[which] + 0.05 * z[:, :2] + self.unused_scale * z[:, :2]


def test_a_generator_that_does_not_learn_fails_even_on_the_ring():
    api = SimpleNamespace(Generator=RingGenerator, Discriminator=ref.Discriminator, train_step=ref.train_step)
    verdict = _verdict(api, VISIBLE)
    assert verdict.startswith("no: at best 10") and verdict.endswith("above the start (100%)"), verdict


def _raw(before, after):
    raw = {"before": before}
    raw.update({f"after step {t}": after for t in VISIBLE.args["checkpoints"]})
    return raw


def _tensor(array):
    return Tensor(np.asarray(array, dtype=np.float32), "float32", "cpu", False)


def test_any_checkpoint_counts():
    n = VISIBLE.args["samples"]
    origin = _tensor(np.zeros((n, 2)))
    on_modes = _tensor(gan_data.centres().numpy()[np.arange(n) % 8])
    raw = _raw(origin, origin)
    raw["after step 600"] = on_modes
    assert derive_learn(VISIBLE.args, raw) == {KEY: "yes"}
    assert derive_learn(VISIBLE.args, _raw(origin, origin))[KEY].startswith("no: at best 0%")


def test_a_generator_collapsed_onto_one_point_does_not_pass_by_sitting_on_a_mode():
    n = VISIBLE.args["samples"]
    one_mode = _tensor(gan_data.centres().numpy()[np.zeros(n, dtype=int)])
    two_modes = _tensor(gan_data.centres().numpy()[np.arange(n) % 2])
    origin = _tensor(np.zeros((n, 2)))
    verdict = derive_learn(VISIBLE.args, _raw(origin, one_mode))[KEY]
    assert verdict.startswith("no: at best 100%") and "on 1 mode;" in verdict, verdict
    assert len(repr(verdict)) <= 120, "shown whole by compare (it cuts a longer one)"
    assert derive_learn(VISIBLE.args, _raw(origin, two_modes)) == {KEY: "yes"}


@pytest.mark.parametrize("bad,message", [
    (_tensor(np.zeros((3, 2))), "expected shape (1000, 2)"),
    ("not a tensor", "not a tensor (str)"),
    (_tensor(np.full((1000, 2), np.nan)), "no: at best 0%"),
])
def test_malformed_samples_give_a_verdict(bad, message):
    n = VISIBLE.args["samples"]
    verdict = derive_learn(VISIBLE.args, _raw(_tensor(np.zeros((n, 2))), bad))[KEY]
    assert verdict.startswith("no: ") and message in verdict, verdict
