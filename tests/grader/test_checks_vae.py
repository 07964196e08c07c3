"""The vae checks, mistakes, derived observations and training criteria,
in-process (no sandbox):

* points per part add up, visible and hidden alike; value checks use the
  float64/float32/loss tolerances they state;
* the oracle's reparameterize and vae_loss equal the reference (written
  apart); the mistakes' bug-free base passes every check (so each flag is
  one bug); every known mistake fails a visible and a hidden check, and
  the pipeline's compare and fingerprint steps name it alone on a visible
  check; each has a buggy fixture that declares it;
* the derived observations never crash on malformed raw ones and say
  "no" where a property fails; a tampered held-out sample is caught;
* the training criteria rest on closed forms (vae_data): the entropy
  matches a Monte-Carlo estimate, the baseline the per-pixel means; a
  model whose latent carries nothing fails both criteria, the reference
  and the oracle pass them;
* the probe's Adam equals torch.optim.Adam; nothing numeric is forbidden,
  yet the evasion policy still applies.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference.vae as ref
from helpers import expectation, fixture_files, named_mistakes, verdicts
from grader import fingerprints, pipeline
from grader.assignments import get
from grader.check import FLOAT32, FLOAT64, HIDDEN, VISIBLE
from grader.checks.vae import LOSS64, derive_gradients, derive_structure, derive_training
from grader.child.probes import vae_data
from grader.child.probes.vae import Adam
from grader.child.protocol import Invalid, Tensor
from grader.compare import compare
from grader.mistakes.vae import CORRECT, MISTAKES
from grader.policy import EVASION, Rules, scan

VAE = get("vae")
CHECKS = VAE.visible + VAE.hidden()
BY_NUMBER = {c.number: c for c in CHECKS}


def test_points_per_part_and_visibility():
    points = defaultdict(float)
    for check in CHECKS:
        points[check.group, check.visibility] += check.points
    expected = {"reparameterize": 2.5, "vae_loss": 3.5, "VAE": 2.5, "training": 1.5}
    assert dict(points) == {(g, v): p for g, p in expected.items() for v in (VISIBLE, HIDDEN)}
    for check in CHECKS:
        if check.group == "training":
            assert set(check.targets) == {"VAE", "vae_loss", "reparameterize"} and check.timeout >= 30
        else:
            assert check.targets == ({"VAE": "VAE"}.get(check.group, check.group),), check.number


def test_tolerances_follow_the_dtype():
    for check in CHECKS:
        if check.probe == "reparameterize":
            assert check.tolerance == (FLOAT32 if check.args["dtype"] == "float32" else FLOAT64), check.number
        if check.probe == "loss":
            assert check.tolerance == (FLOAT32 if check.args["dtype"] == "float32" else LOSS64), check.number


def test_float64_reparameterize_checks_draw_enough_numbers_to_tell_float32_noise_apart():
    # For fewer than 16 numbers torch's CPU sampler gives float32 and float64
    # draws that agree to float32 rounding: such a check could not catch eps-float32.
    for check in CHECKS:
        if check.probe == "reparameterize" and check.args["dtype"] == "float64" and "z" in check.keys:
            assert math.prod(check.args["shape"]) >= 16, check.number


# ------------------------------------------------------------ the oracle
@pytest.mark.parametrize("beta", [0.0, 1.0, 3.5])
def test_the_oracle_equals_the_reference(beta):
    gen = torch.Generator().manual_seed(3)
    x = torch.rand(4, 2, 5, generator=gen, dtype=torch.float64)
    x_recon = torch.sigmoid(torch.randn(4, 2, 5, generator=gen, dtype=torch.float64))
    mu, logvar = torch.randn(2, 4, 3, generator=gen, dtype=torch.float64)
    oracle = VAE.oracle()
    torch.testing.assert_close(oracle.vae_loss(x_recon, x, mu, logvar, beta=beta),
                               ref.vae_loss(x_recon, x, mu, logvar, beta=beta), rtol=1e-12, atol=0)
    torch.manual_seed(9)
    z = oracle.reparameterize(mu, logvar)
    torch.manual_seed(9)
    torch.testing.assert_close(z, ref.reparameterize(mu, logvar), rtol=1e-12, atol=0)


# ---------------------------------------------------------- the mistakes
def _verdicts(api) -> dict[str, bool]:
    return verdicts("vae", api, CHECKS)


@pytest.mark.parametrize("api", [pytest.param(CORRECT, id="mistakes-base"), pytest.param(lambda: ref, id="reference")])
def test_correct_implementations_pass_every_check(api):
    verdicts = _verdicts(api())
    assert all(verdicts.values()), [n for n, ok in verdicts.items() if not ok]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_known_mistake_fails_a_visible_and_a_hidden_check(mistake):
    failed = {n for n, ok in _verdicts(mistake.build()).items() if not ok}
    assert any(n.startswith("1.") for n in failed), failed
    assert any(n.startswith("2.") for n in failed), failed


BREAKS_LEARNING = ("kl-sign-flipped", "bce-mean-over-pixels", "decoder-logits", "logvar-as-std", "eps-uniform",
                   "forward-no-sampling")


@pytest.mark.parametrize("mistake_id", BREAKS_LEARNING)
def test_mistakes_that_break_learning_fail_both_training_checks(mistake_id):
    mistake = next(m for m in MISTAKES if m.id == mistake_id)
    api = mistake.build()
    for check in (c for c in CHECKS if c.group == "training"):
        observed = check.observe(fingerprints.run_probe("vae", api, check))
        assert observed["held-out negative ELBO"].startswith("no"), (check.number, observed)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_the_pipeline_names_each_mistake_alone_on_a_visible_check(mistake):
    named = named_mistakes("vae", mistake.build(), CHECKS)
    assert any(ids == {mistake.id} for number, ids in named.items() if number.startswith("1.")), named


def test_every_mistake_has_a_buggy_fixture_that_expects_it():
    declared = {m for path in fixture_files("vae", "buggy") for m in expectation(path).mistakes}
    assert declared == {m.id for m in MISTAKES}


# ------------------------------------------------ derived observations
def _tensor(array, dtype="float32"):
    return Tensor(np.asarray(array, dtype=np.float64 if dtype == "float64" else np.float32), dtype, "cpu", False)


def _structure_raw(**changes):
    rng = np.random.default_rng(0)
    mu, logvar, sample = rng.normal(size=(3, 5, 8))
    probs = 1 / (1 + np.exp(-rng.normal(size=(3, 5, 64))))
    raw = {"encode mu": _tensor(mu), "encode logvar": _tensor(logvar), "mu": _tensor(mu),
           "logvar": _tensor(logvar), "x_recon": _tensor(probs[0]), "decode(sampled z)": _tensor(probs[0]),
           "decode(mu)": _tensor(probs[1]), "decode(z)": _tensor(probs[2])}
    raw.update(changes)
    return raw


def test_derive_structure_says_what_is_wrong():
    good = derive_structure({}, _structure_raw())
    assert set(good.values()) >= {"yes"} and good["decode(z)"] == "(5, 64) float32"
    logits = derive_structure({}, _structure_raw(**{"decode(z)": _tensor(np.linspace(-2, 3, 320).reshape(5, 64))}))
    assert logits["decode(z) in [0, 1]"] == "no: values below 0 and above 1"
    raw = _structure_raw()
    unsampled = derive_structure({}, dict(raw, x_recon=raw["decode(mu)"]))
    assert unsampled["forward(x): x_recon = decode(mu + exp(0.5 * logvar) * eps)"].startswith(
        "no: x_recon equals decode(mu)")
    other = derive_structure({}, dict(raw, logvar=_tensor(np.exp(0.5 * raw["logvar"].array))))
    assert other["forward(x): mu and logvar are encode(x)'s"] == "no: logvar differs"
    broken = derive_structure({}, dict(raw, mu=Invalid("a tensor subclass"), x_recon=None))
    assert broken["forward(x) -> (x_recon, mu, logvar)"].startswith("x_recon not a tensor (NoneType), "
                                                                     "mu a tensor subclass")


def test_derive_gradients_lists_parameters_without_one():
    grads = {"a": _tensor(np.ones(3)), "b": None, "c": _tensor(np.zeros(2)), "d": _tensor([np.nan, 1.0])}
    derived = derive_gradients({}, {"mu.grad through z": _tensor(np.ones((2, 2))), "logvar.grad through z": None,
                                    "parameter grads": grads})
    assert derived == {"gradient reaches mu and logvar through z": "no: none reaches logvar",
                       "registered parameters": "yes", "parameters without a gradient": ["b", "c", "d"]}
    assert derive_gradients({}, {"mu.grad through z": None, "logvar.grad through z": None,
                                 "parameter grads": {}})["registered parameters"] == "no: VAE registers no parameters"


@pytest.mark.parametrize("raw", [{}, {"parameter grads": "nope"}, {"mu.grad through z": 1}])
def test_malformed_raw_observations_are_not_observed_rather_than_a_crash(raw):
    for check in (BY_NUMBER["1.8"], BY_NUMBER["1.10"], BY_NUMBER["1.6"]):
        observed = check.observe(raw)
        problems = compare(pipeline.oracle_observations("vae", check), observed, check.keys, check.tolerance)
        assert problems, check.number


# ------------------------------------------------- training criteria
TRAIN = BY_NUMBER["1.11"]


def _held_out_raw(mu, logvar, decoder, eps):
    """What the training probe would report for a model with these outputs."""
    z = mu + np.exp(0.5 * logvar) * eps
    return {"mu": _tensor(mu), "logvar": _tensor(logvar), "z": _tensor(z), "decode(z)": _tensor(decoder(z)),
            "decode(mu)": _tensor(decoder(mu))}


def _eps(check):
    from grader.child.probes.common import randn

    return randn((check.args["n_test"], check.args["latent_dim"]), check.args["seed"] + 5, "float32").double().numpy()


def test_a_model_whose_latent_carries_nothing_fails_both_criteria():
    n, L = TRAIN.args["n_test"], TRAIN.args["latent_dim"]
    marginals = vae_data.marginals(TRAIN.args["data"]).numpy()
    zeros = np.zeros((n, L))
    collapsed = _held_out_raw(zeros, zeros, lambda z: np.broadcast_to(marginals, (len(z), len(marginals))), _eps(TRAIN))
    derived = derive_training(TRAIN.args, {"start": collapsed, "end": collapsed})
    assert derived["held-out negative ELBO"].startswith("no: ")
    assert derived["reconstructions"].startswith("no: decode(mu) is 1.00 times as far")


def test_a_model_that_knows_the_prototypes_passes_and_a_tampered_sample_is_caught():
    data = TRAIN.args["data"]
    x = vae_data.held_out(data, TRAIN.args["n_test"], TRAIN.args["test_seed"]).double()
    protos = vae_data.prototypes(data)
    k = torch.cdist(x, protos, p=1).argmin(1).numpy()          # each sample's prototype
    L, flip = TRAIN.args["latent_dim"], data["flip"]
    bits = (k[:, None] >> np.arange(3)) & 1                     # K = 8 prototypes: a 3-bit code
    mu = np.zeros((len(k), L))
    mu[:, :3] = 3.0 * bits - 1.5                                # +-1.5, 5 standard deviations from 0
    logvar = np.zeros_like(mu)
    logvar[:, :3] = 2 * math.log(0.3)                           # KL about 1.9 nats per coding dimension
    table = protos.numpy() * (1 - 2 * flip) + flip

    def decoder(z):
        return table[((z[:, :3] > 0) * (1 << np.arange(3))).sum(1)]

    good = _held_out_raw(mu, logvar, decoder, _eps(TRAIN))
    assert set(derive_training(TRAIN.args, {"start": good, "end": good}).values()) == {"yes"}
    tampered = dict(good, z=_tensor(mu))
    derived = derive_training(TRAIN.args, {"start": good, "end": tampered})
    assert derived["held-out negative ELBO"] == "no: the grader's sample z = mu + exp(0.5 * logvar) * eps came back altered"


@pytest.mark.parametrize("number", ["1.11", "2.11"])
def test_the_closed_forms_match_the_data(number):
    data = BY_NUMBER[number].args["data"]
    x = vae_data.sample(data, 20000, torch.Generator().manual_seed(1)).double()
    # the baseline is the BCE of the per-pixel means (estimated here from the samples)
    p = x.mean(0).clamp(1e-6, 1 - 1e-6)
    empirical = float(F.binary_cross_entropy(p.expand_as(x), x, reduction="sum")) / len(x)
    assert abs(vae_data.baseline(data, x) - empirical) < 0.05 * empirical
    # the entropy: -E log p(x) under the exact mixture, by Monte Carlo (sampling error ~0.03 nats)
    protos, flip = vae_data.prototypes(data), data["flip"]
    distance = torch.cdist(x, protos, p=1)                                        # (n, K) Hamming
    log_px = torch.logsumexp(distance * math.log(flip) + (data["D"] - distance) * math.log(1 - flip), 1) \
        - math.log(data["K"])
    assert abs(vae_data.entropy(data) - float(-log_px.mean())) < 0.1
    assert vae_data.entropy(data) < vae_data.baseline(data, x)


def test_the_probe_adam_is_torch_adam():
    torch.manual_seed(0)
    ours = [torch.nn.Parameter(torch.randn(4, 3)), torch.nn.Parameter(torch.randn(5))]
    theirs = [torch.nn.Parameter(p.detach().clone()) for p in ours]
    mine, torchs = Adam(ours, 3e-3), torch.optim.Adam(theirs, lr=3e-3)
    for step in range(30):
        for params, opt in ((ours, mine), (theirs, torchs)):
            opt.zero_grad()
            sum((p.sin() * (step + 1)).sum() for p in params).backward()
            opt.step()
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------- policy
def test_nothing_numeric_is_forbidden_but_evasions_are():
    rules = Rules(VAE.forbidden_functions, VAE.forbidden_aten, VAE.forbidden_prefixes)
    source = ("import torch\nimport torch.nn.functional as F\nfrom torch.distributions import Normal\n"
              "def vae_loss(a, b, m, l, beta=1.0):\n"
              "    return F.binary_cross_entropy(a, b, reduction='sum') + Normal(m, l.exp()).rsample().sum()\n")
    assert scan(source, rules).tainted(["vae_loss"]) == []
    sneaky = "import torch\ndef reparameterize(m, l):\n    return eval('m + l')\n"
    assert [f.kind for f in scan(sneaky, rules).tainted(["reparameterize"])] == [EVASION]
