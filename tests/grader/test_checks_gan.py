"""The gan checks, mistakes and derived properties, in-process (no sandbox):

* points add up per part, every part has visible and hidden checks, float
  tolerances follow the dtype, nothing is forbidden (SPEC §1 gan) and the
  tripwire stays off;
* the oracle and the reference agree on every exact check; the mistakes'
  bug-free base equals the oracle on every check it can run (so each flag
  is one bug); every known mistake fails a visible and a hidden check on
  its numbers (not by crashing), and the pipeline's own compare and
  fingerprint steps name it alone on a visible check; each has a buggy
  fixture that declares it;
* the derived module properties: the reference's design has them, and a
  sigmoid at the end of the discriminator, a parameter left out of forward,
  layers kept in a plain list and a generator that ignores z each lose
  the property meant for them.
The training checks have their own file, test_gan_training.py.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

import pytest
import torch
from torch import nn

import reference.gan as ref
from helpers import expectation, fixture_files, named_mistakes
from grader import fingerprints, pipeline
from grader.assignments import get
from grader.check import FLOAT32, FLOAT64, HIDDEN, VISIBLE
from grader.child.tripwire import Tripwire
from grader.compare import compare
from grader.mistakes.gan import CORRECT, MISTAKES

GAN = get("gan")
CHECKS = GAN.visible + GAN.hidden()
# The training checks cost a second each and have their own tests; none of the mistakes has a Generator.
FAST = tuple(c for c in CHECKS if c.probe != "learn")


def test_points_per_part_and_visibility():
    points = defaultdict(float)
    for check in CHECKS:
        points[check.group, check.visibility] += check.points
    assert dict(points) == {
        ("discriminator_loss", VISIBLE): 2.5, ("generator_loss", VISIBLE): 1.0, ("Generator", VISIBLE): 1.0,
        ("Discriminator", VISIBLE): 1.0, ("train_step", VISIBLE): 3.0, ("training", VISIBLE): 1.5,
        ("discriminator_loss", HIDDEN): 2.5, ("generator_loss", HIDDEN): 1.5, ("Generator", HIDDEN): 1.0,
        ("Discriminator", HIDDEN): 1.0, ("train_step", HIDDEN): 2.5, ("training", HIDDEN): 1.5}
    assert set(GAN.groups) == {c.group for c in CHECKS}


def test_tolerance_follows_the_dtype_and_property_checks_derive():
    for check in CHECKS:
        if check.probe in ("module", "learn"):
            assert check.derive is not None and check.keys is None, check.number
        else:
            expected = FLOAT32 if check.args.get("dtype") == "float32" else FLOAT64
            assert check.tolerance == expected and check.derive is None, check.number


def test_nothing_is_forbidden_and_the_tripwire_is_off():
    assert GAN.forbidden_functions == () and GAN.forbidden_aten == () and GAN.forbidden_prefixes == ()
    from torch.overrides import _get_current_function_mode_stack

    with Tripwire(GAN.forbidden_functions, GAN.forbidden_aten):
        assert _get_current_function_mode_stack() == []


def test_training_checks_use_other_rings_and_latent_sizes_hidden():
    visible, hidden = [c for c in CHECKS if c.probe == "learn"]
    assert visible.visibility == VISIBLE and hidden.visibility == HIDDEN
    assert visible.args["ring"] != hidden.args["ring"] and "latent_dim" in hidden.args
    assert visible.timeout >= 30 and hidden.timeout >= 30


def _problems(api, check):
    got = check.observe(fingerprints.run_probe("gan", api, check))
    return compare(pipeline.oracle_observations("gan", check), got, check.keys, check.tolerance)


def _verdicts(api, checks=FAST) -> dict[str, str]:
    """Check number -> "passed", "failed" (on its numbers) or "raised"."""
    verdicts = {}
    for check in checks:
        try:
            verdicts[check.number] = "failed" if _problems(api, check) else "passed"
        except Exception:  # noqa: BLE001 - a variant without modules cannot run their probes
            verdicts[check.number] = "raised"
    return verdicts


def test_the_reference_passes_every_check_but_training_here():
    verdicts = _verdicts(ref)
    assert set(verdicts.values()) == {"passed"}, verdicts


def test_the_mistakes_bug_free_base_passes_every_check_it_can_run():
    verdicts = _verdicts(CORRECT())
    assert {n for n, v in verdicts.items() if v != "passed"} == \
        {c.number for c in FAST if c.probe == "module"}          # it has no modules
    assert set(verdicts.values()) == {"passed", "raised"}


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_known_mistake_fails_a_visible_and_a_hidden_check(mistake):
    failed = {n for n, v in _verdicts(mistake.build()).items() if v == "failed"}
    assert any(n.startswith("1.") for n in failed), failed
    assert any(n.startswith("2.") for n in failed), failed


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_the_pipeline_names_each_mistake_alone_on_a_visible_check(mistake):
    named = named_mistakes("gan", mistake.build(), FAST)
    assert any(ids == {mistake.id} for number, ids in named.items() if number.startswith("1.")), named


def test_every_mistake_has_a_buggy_fixture_that_expects_it():
    declared = {m for path in fixture_files("gan", "buggy") for m in expectation(path).mistakes}
    assert declared == {m.id for m in MISTAKES}


# ------------------------------------------------------ derived properties
def _derived(api, number):
    check = next(c for c in CHECKS if c.number == number)
    return check.observe(fingerprints.run_probe("gan", api, check), strict=True)


def _with(**modules):
    return SimpleNamespace(**{**vars(ref), **modules})


class SigmoidDiscriminator(ref.Discriminator):
    def forward(self, x):
        return torch.sigmoid(super().forward(x))


class UnusedLayerGenerator(ref.Generator):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__(latent_dim, out_dim)
        self.spare = nn.Linear(out_dim, out_dim)


class ListGenerator(nn.Module):
    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.layers = [nn.Linear(latent_dim, 16), nn.ReLU(), nn.Linear(16, out_dim)]   # not registered

    def forward(self, z):
        for layer in self.layers:
            z = layer(z)
        return z


class ConstantGenerator(ref.Generator):
    def forward(self, z):
        return super().forward(torch.zeros_like(z))


class BatchNormGenerator(nn.Module):
    """DCGAN-style: normalised per batch, so a batch and its multiples give the same output."""

    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent_dim, 32), nn.BatchNorm1d(32), nn.ReLU(),
                                 nn.Linear(32, out_dim))

    def forward(self, z):
        return self.net(z)


class BatchNormDiscriminator(ref.Discriminator):
    def __init__(self, in_dim=2):
        super().__init__(in_dim)
        self.net = nn.Sequential(nn.Linear(in_dim, 32), nn.BatchNorm1d(32), nn.LeakyReLU(0.2), nn.Linear(32, 1))


class NarrowDiscriminator(nn.Module):
    """Logits that start inside (0.4, 0.6) for every input: a deep Tanh
    network with a small last layer. Still logits, not probabilities."""

    def __init__(self, in_dim=2):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
        with torch.no_grad():
            self.net[-1].weight.mul_(0.01)
            self.net[-1].bias.fill_(0.5)

    def forward(self, x):
        return self.net(x)


@pytest.mark.parametrize("api", [ref, _with(Generator=BatchNormGenerator, Discriminator=BatchNormDiscriminator),
                                 _with(Discriminator=NarrowDiscriminator)],
                         ids=["reference", "batch-norm", "narrow-logits"])
def test_correct_designs_have_every_property(api):
    for number in ("1.5", "1.6", "2.6", "2.7"):
        derived = _derived(api, number)
        assert derived == pipeline.oracle_observations("gan", next(c for c in CHECKS if c.number == number))
        assert all(v == "yes" or v.startswith("shape (") and "NaN" not in v for v in derived.values()), derived


@pytest.mark.parametrize("api,number,key,message,also", [
    (_with(Discriminator=SigmoidDiscriminator), "1.6", "Discriminator(): returns logits", "lie in [0, 1]", ()),
    (_with(Discriminator=SigmoidDiscriminator), "2.7", "Discriminator(in_dim=3): returns logits", "lie in [0, 1]",
     ()),
    (_with(Generator=UnusedLayerGenerator), "1.5", "Generator(): every parameter receives a gradient",
     "no gradient reached spare.bias, spare.weight", ()),
    # unregistered layers do not follow .double() either: that observation says so, apart
    (_with(Generator=ListGenerator), "1.5", "Generator(): every parameter receives a gradient",
     "registers no parameters", ("output after .double()",)),
    (_with(Generator=ConstantGenerator), "2.6", "Generator(latent_dim=5, out_dim=3): the output depends on z",
     "every z gives the same output", ()),
])
def test_a_design_mistake_loses_its_property(api, number, key, message, also):
    expected = _derived(ref, number)
    got = _derived(api, number)
    assert expected[key] == "yes" and got[key].startswith("no: ") and message in got[key], got[key]
    lost = {k.split(": ", 1)[1] for k in expected if got[k] != expected[k]}
    assert lost == {key.split(": ", 1)[1], *also}, got
    for prop in also:
        assert any(v.startswith("raised RuntimeError") for k, v in got.items() if k.endswith(prop)), got
