"""Visible checks for ``vae`` (reparameterize, vae_loss, VAE), the oracle,
and the assignment's definition. Hidden checks: ``grader/hidden/vae.py``.

``reparameterize`` and ``vae_loss`` have one right answer each; there is
no torch built-in for them, so the oracle (``grader/oracles/vae.py``, not
shipped to students) writes them from torch's primitives
(``torch.randn_like``, ``F.binary_cross_entropy``), per sample then
averaged, a different route from the reference's. Their checks
compare values and gradients with the oracle's, as for any assignment.

``VAE``'s hidden layers are the student's design, so no oracle can give
its numbers. Its checks are property-based: the probes send the raw
tensors of a fresh or trained model, and the ``derive_*`` functions here,
run in the parent, turn them into facts that every correct VAE shares and
known mistakes break (shapes and dtypes, decoded values in [0, 1],
``forward`` equal to ``decode(mu + exp(0.5 * logvar) * eps)`` under one
seed, gradients reaching ``mu``, ``logvar`` and every parameter, and what
training achieves). The oracle's small VAE gives the expected facts.

Training criteria (``derive_training``), on noisy binary prototypes
(``grader/child/probes/vae_data.py``), where two numbers are known in
closed form: the data's entropy H (no negative ELBO goes below it) and
the latent-free baseline B (the BCE of per-pixel probabilities: the best
a VAE whose latent carries nothing can do). After training with the
submission's own ``vae_loss``:

1. the held-out negative ELBO, computed here from the returned ``mu``,
   ``logvar`` and ``decode(z)``, is at most (B + H) / 2: the latent must
   recover at least half of what it can explain. Measured on the seven
   correct designs of the tests (1 and 2 hidden layers, widths 32 to 256,
   ReLU, Tanh, LeakyReLU, ELU, softplus, BatchNorm with dropout) it ends
   5.8 to 9.3 nats below that bound on the visible data (B = 41.4,
   H = 14.8, bound 28.1) and 3.3 to 4.7 below on the hidden data
   (B = 21.6, H = 8.9, bound 15.3);
2. ``decode(mu)`` of a held-out sample is at most half as far (mean
   absolute pixel error) from that sample as from the other held-out
   samples. A reconstruction that ignores its input scores 1 whatever it
   is; the designs above score 0.19 to 0.29.

Mistakes that break learning fail them: the KL's sign flipped (the loss
is unbounded below), BCE averaged over pixels (the KL term dominates and
the posterior collapses: ratio ~1), logits from the decoder.

Tolerances: float64 values of ``reparameterize`` use ``FLOAT64``. The loss
and its gradients use ``LOSS64``, looser, because students often write
``log(x_recon + 1e-8)``: that moves a gradient by 1e-8 / x_recon, up to
~5e-6 relative for the probes' x_recon >= 0.002; the smallest loss
mistake (the KL without its 1) moves the loss by L/2 nats in ~300, 1e-2.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, Mapping

from ..assignments import Assignment
from ..check import FLOAT32, FLOAT64, Check, Tolerance

# torch, the probes and the wire protocol are imported where used: importing
# this module (as the CLI does to list checks) must not import torch.

# See the module docstring: accepts log(p + 1e-8) and clamping; rejects every loss mistake by >= 1e3x.
LOSS64 = Tolerance(rtol=1e-5, scale_rtol=1e-6, abs_floor=1e-9)

RECON_RATIO = 0.5          # criterion 2: decode(mu) at most half as far from its input as from others
TRAIN_TIMEOUT = 30.0       # 0.2-0.8 s in the sandbox for the tests' designs; room for wide ones on a busy machine

EXPLAIN = {
    "reparameterize": "z = mu + exp(0.5 * logvar) * eps with eps = torch.randn_like(mu), drawn from torch's "
                      "global generator: after torch.manual_seed(s) your z must equal the one torch's own "
                      "randn_like gives. logvar is the log-variance, so the standard deviation is "
                      "exp(0.5 * logvar).",
    "reparameterize_grads": "z is a differentiable function of mu and logvar (the reparameterisation trick): "
                            "dz/dmu = 1 and dz/dlogvar = 0.5 * exp(0.5 * logvar) * eps. Build z from tensor "
                            "operations on mu and logvar, with no .detach(), .data or torch.no_grad().",
    "dtype": "eps = torch.randn_like(mu) has mu's dtype: float64 in, float64 noise (torch.randn(mu.shape) "
             "would draw float32 numbers, other numbers than randn_like's for tensors of 16 or more).",
    "loss": "Negative ELBO averaged over the batch: for each sample, the binary cross-entropy of x_recon "
            "(probabilities) against x summed over all non-batch dimensions, plus beta times the KL "
            "-0.5 * sum(1 + logvar - mu**2 - exp(logvar)) over the latent dimensions; then the mean over "
            "the batch (F.binary_cross_entropy(x_recon, x, reduction='sum') / N does the first part).",
    "beta": "beta multiplies the KL term only (the beta-VAE); beta=1.0 is the default.",
    "batch_mean": "The loss is the mean over the batch of per-sample losses, so a batch's loss equals the "
                  "mean of its samples' losses taken one at a time (a sum would be N times larger).",
    "loss_grads": "The loss must be differentiable with respect to x_recon, mu and logvar: autograd "
                  "through tensor operations, no .item() or .detach() on the way.",
    "structure": "encode(x) returns (mu, logvar), each (N, latent_dim); decode(z) returns (N, input_dim) "
                 "probabilities in [0, 1] (end the decoder with a sigmoid); forward(x) returns "
                 "(x_recon, mu, logvar). A module's outputs keep its parameters' dtype.",
    "forward": "forward(x) is mu, logvar = encode(x); z = reparameterize(mu, logvar); x_recon = decode(z). "
               "The check seeds torch's generator, runs your forward, then seeds it again and runs your "
               "encode, draws eps = torch.randn_like(mu) and runs your decode: a forward that samples z "
               "as specified draws the same numbers and gives the same x_recon.",
    "gradients": "Training back-propagates the loss through decode, the sample z, and encode: a gradient "
                 "pushed into x_recon must reach mu and logvar through z (so z may not be detached or "
                 "drawn with a non-differentiable sampler), and every registered parameter must receive "
                 "a gradient.",
    "training": "Your VAE is trained with Adam on noisy binary prototype images (fresh batches each step), "
                "minimising your vae_loss of your forward. Then, on held-out samples: (1) the negative "
                "ELBO (computed by the grader from your encode and decode) must be at most halfway from "
                "the latent-free baseline B (the best a model whose latent carries nothing can do) down "
                "to the data's entropy H (which no model can beat); (2) decode(mu) of a sample must be "
                "at most half as far from that sample as from the other samples (a reconstruction that "
                "ignores its input scores 1.0).",
}

HINTS = {
    "decode(z) in [0, 1]": "decode must return probabilities: end the decoder with torch.sigmoid (or "
                           "nn.Sigmoid()), not raw logits.",
    "forward(x): mu and logvar are encode(x)'s": "forward should return the mu and logvar that encode(x) "
                                                 "gives, not transformed ones (no exp, no std).",
    "forward(x): x_recon = decode(mu + exp(0.5 * logvar) * eps)": "forward must sample z with "
                                                                   "reparameterize(mu, logvar) and decode z.",
    "parameters without a gradient": "Every layer you register should take part in forward; a parameter "
                                     "without a gradient is unused or cut from the graph (detach, .data, "
                                     "torch.no_grad()).",
    "registered parameters": "Layers kept in a plain Python list are not registered: use nn.ModuleList or "
                             "nn.Sequential.",
    "one-sample losses ratio": "Divide the summed loss by the batch size N (x.shape[0]); do not sum "
                               "over the batch, and do not average over pixels.",
}


# ------------------------------------------------------------ the oracle
def oracle() -> SimpleNamespace:
    """The right answers from torch's primitives, and a small reference VAE:
    ``grader/oracles/vae.py``, which the student bundle leaves out (it would
    be a solution) and replaces with its recorded observations."""
    from ..oracles.vae import oracle as build

    return build()


# ------------------------------------------------ derived observations
def _shape(shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def loss_key(beta: float | None) -> str:
    """The loss probe's key for ``beta`` (as ``grader/child/probes/vae.py`` names it)."""
    return "loss" if beta is None else f"loss (beta={beta:g})"


def _describe(value: Any) -> str:
    from ..child.protocol import Invalid, Tensor

    if isinstance(value, Tensor):
        return f"{_shape(value.shape)} {value.torch_dtype}"
    if isinstance(value, Invalid):
        return value.why
    return f"not a tensor ({type(value).__name__})"


def _array(value: Any):
    """A float64 numpy array of a decoded float tensor, or None."""
    import numpy as np

    from ..child.protocol import Tensor

    if isinstance(value, Tensor) and value.array.dtype.kind == "f":
        return value.array.astype(np.float64)
    return None


def _same(a: Any, b: Any) -> bool:
    """Two of the submission's own tensors agree (to float32 rounding when either is float32)."""
    import numpy as np

    x, y = _array(a), _array(b)
    if x is None or y is None or x.shape != y.shape:
        return False
    loose = "float32" in (a.torch_dtype, b.torch_dtype)
    return bool(np.allclose(x, y, rtol=1e-4 if loose else 1e-9, atol=1e-6 if loose else 1e-12, equal_nan=True))


def _probabilities(value: Any) -> str:
    """Whether a tensor holds probabilities, in categories (so that known
    mistakes match it, whatever the design)."""
    import numpy as np

    a = _array(value)
    if a is None:
        return f"no: {_describe(value)}"
    if np.isnan(a).any():
        return "no: NaN values"
    problems = [what for what, bad in (("below 0", (a < 0).any()), ("above 1", (a > 1).any())) if bad]
    return "yes" if not problems else "no: values " + " and ".join(problems)


def _reaches(value: Any) -> bool:
    """A gradient arrived: a finite tensor, not all zeros."""
    import numpy as np

    a = _array(value)
    return a is not None and a.size > 0 and bool(np.isfinite(a).all()) and bool((a != 0).any())


def derive_structure(args: Mapping, raw: dict) -> dict:
    """Shapes, dtypes and ranges of encode/decode/forward, and forward as
    encode -> reparameterize -> decode."""
    if _same(raw["mu"], raw["encode mu"]) and _same(raw["logvar"], raw["encode logvar"]):
        same_encoding = "yes"
    else:
        differ = [name for name in ("mu", "logvar") if not _same(raw[name], raw[f"encode {name}"])]
        same_encoding = f"no: {' and '.join(differ)} differ{'s' if len(differ) == 1 else ''}"
    if _same(raw["x_recon"], raw["decode(sampled z)"]):
        sampled = "yes"
    elif _same(raw["x_recon"], raw["decode(mu)"]):
        sampled = "no: x_recon equals decode(mu), so z is not sampled"
    else:
        sampled = "no: x_recon differs from decode(mu + exp(0.5 * logvar) * torch.randn_like(mu))"
    return {
        "encode(x) -> (mu, logvar)": f"mu {_describe(raw['encode mu'])}, logvar {_describe(raw['encode logvar'])}",
        "decode(z)": _describe(raw["decode(z)"]),
        "decode(z) in [0, 1]": _probabilities(raw["decode(z)"]),
        "forward(x) -> (x_recon, mu, logvar)": ", ".join(f"{k} {_describe(raw[k])}" for k in ("x_recon", "mu",
                                                                                             "logvar")),
        "forward(x): mu and logvar are encode(x)'s": same_encoding,
        "forward(x): x_recon = decode(mu + exp(0.5 * logvar) * eps)": sampled,
    }


def derive_gradients(args: Mapping, raw: dict) -> dict:
    """Whether gradients reach mu and logvar through z, and every parameter."""
    missing = [name for name in ("mu", "logvar") if not _reaches(raw[f"{name}.grad through z"])]
    grads = raw["parameter grads"]
    if not isinstance(grads, dict):
        raise TypeError("parameter grads")
    return {
        "gradient reaches mu and logvar through z": "yes" if not missing else f"no: none reaches {' or '.join(missing)}",
        "registered parameters": "yes" if grads else "no: VAE registers no parameters",
        "parameters without a gradient": sorted(name for name, g in grads.items() if not _reaches(g)),
    }


def derive_loss(args: Mapping, raw: dict) -> dict:
    """The raw losses and gradients, plus the batch's loss divided by the mean
    of the one-sample losses (1 for a mean over the batch, N for a sum)."""
    import numpy as np

    out = {k: v for k, v in raw.items() if k != "one-sample losses"}
    if "one-sample losses" in raw:
        batch = _array(raw[loss_key(args.get("betas", [None])[0])])
        singles = [_array(v) for v in raw["one-sample losses"]]
        if batch is None or batch.size != 1 or any(s is None or s.size != 1 for s in singles):
            out["one-sample losses ratio"] = "not computable: vae_loss must return a single number"
        else:
            out["one-sample losses ratio"] = float(batch.reshape(())) / float(np.mean([s.reshape(()) for s in singles]))
    return out


def _held_out_stats(obs: Any, x, eps, latent_dim: int) -> tuple[float, float]:
    """(negative ELBO, reconstruction ratio) of one held-out observation;
    ValueError with a sentence for the student when they cannot be had."""
    import numpy as np

    if not isinstance(obs, dict):
        raise ValueError("no held-out observations")
    n, D = x.shape
    arrays = {}
    for key, shape in (("mu", (n, latent_dim)), ("logvar", (n, latent_dim)), ("z", (n, latent_dim)),
                       ("decode(z)", (n, D)), ("decode(mu)", (n, D))):
        a = _array(obs.get(key))
        if a is None or a.shape != shape:
            raise ValueError(f"{key} should be a float tensor of shape {_shape(shape)}, "
                             f"got {_describe(obs.get(key))}")
        arrays[key] = a
    mu, logvar = arrays["mu"], arrays["logvar"]
    if not (np.isfinite(mu).all() and np.isfinite(logvar).all()):
        raise ValueError("mu or logvar of the held-out samples is not finite (NaN or inf): training diverged")
    with np.errstate(over="ignore", invalid="ignore"):
        expected_z = mu + np.exp(0.5 * logvar) * eps
        if not np.allclose(arrays["z"], expected_z, rtol=1e-4, atol=1e-5):
            raise ValueError("the grader's sample z = mu + exp(0.5 * logvar) * eps came back altered")
    for key in ("decode(z)", "decode(mu)"):
        if _probabilities(obs[key]) != "yes":
            raise ValueError(f"{key} returns values outside [0, 1] ({_probabilities(obs[key])[4:]}), "
                             "which are not probabilities")
    p = arrays["decode(z)"]
    with np.errstate(divide="ignore"):   # log(0) = -inf, clamped at -100 as F.binary_cross_entropy does
        bce = -(x * np.maximum(np.log(p), -100.0) + (1 - x) * np.maximum(np.log1p(-p), -100.0)).sum(1)
    kl = -0.5 * (1 + logvar - mu ** 2 - np.exp(logvar)).sum(1)
    distance = np.abs(arrays["decode(mu)"][:, None, :] - x[None, :, :]).mean(2)     # (recon i, sample j)
    matched = float(np.trace(distance)) / n
    unmatched = (float(distance.sum()) - matched * n) / (n * (n - 1))
    return float(np.mean(bce + kl)), matched / unmatched


def derive_training(args: Mapping, raw: dict) -> dict:
    """The two training criteria of the module docstring, as verdicts."""
    import torch

    from ..child.probes import vae_data
    from ..child.probes.common import randn
    from ..child.probes.vae import EPS_OFFSET

    data, n, L = args["data"], int(args["n_test"]), int(args["latent_dim"])
    x_test = vae_data.held_out(data, n, args["test_seed"])
    eps = randn((n, L), int(args["seed"]) + EPS_OFFSET, "float32").double().numpy()
    x = x_test.double().numpy()
    H, B = vae_data.entropy(data), vae_data.baseline(data, x_test.to(torch.float64))
    bound = (B + H) / 2
    try:
        start = f"{_held_out_stats(raw['start'], x, eps, L)[0]:.1f} nats"
    except ValueError:
        start = "not computable"
    try:
        nelbo, ratio = _held_out_stats(raw["end"], x, eps, L)
    except ValueError as exc:
        return {"held-out negative ELBO": f"no: {exc}", "reconstructions": f"no: {exc}"}
    if nelbo <= bound:
        elbo = "yes"
    else:
        elbo = f"no: {nelbo:.1f} nats (before training: {start}); needs <= {bound:.1f}, halfway from B = {B:.1f} to H = {H:.1f}"
    if ratio <= RECON_RATIO:
        recon = "yes"
    elif math.isnan(ratio):
        recon = "no: the distances are not finite"
    else:
        recon = f"no: decode(mu) is {ratio:.2f} times as far from its own input as from other samples (needs <= {RECON_RATIO})"
    return {"held-out negative ELBO": elbo, "reconstructions": recon}


# ------------------------------------------------------------ the checks
FUNCTION_TARGETS = {"reparameterize": ("reparameterize",), "vae_loss": ("vae_loss",)}
STRUCTURE_KEYS = ("encode(x) -> (mu, logvar)", "decode(z)", "decode(z) in [0, 1]",
                  "forward(x) -> (x_recon, mu, logvar)")
FORWARD_KEYS = ("forward(x): mu and logvar are encode(x)'s",
                "forward(x): x_recon = decode(mu + exp(0.5 * logvar) * eps)")
GRADIENT_KEYS = ("gradient reaches mu and logvar through z", "registered parameters",
                 "parameters without a gradient")
LOSS_GRADS = ("grad_x_recon", "grad_mu", "grad_logvar")
PROTOTYPES = {"K": 8, "D": 64, "flip": 0.05, "prototype_seed": 1234}


def reparameterize(number, name, points, *, shape, seed, noise_seed, dtype="float64", backward=False,
                   keys=("z",), visibility="visible", explain=EXPLAIN["reparameterize"], **extra) -> Check:
    args = {"shape": list(shape), "seed": seed, "noise_seed": noise_seed, "dtype": dtype, "backward": backward}
    args.update(extra.pop("args", {}))
    return Check(number, name, points, "reparameterize", args, ("reparameterize",), visibility=visibility,
                 keys=tuple(keys), tolerance=FLOAT32 if dtype == "float32" else FLOAT64, explain=explain,
                 group="reparameterize", hints=HINTS, **extra)


def loss(number, name, points, *, x_shape, latent_dim, seed, betas=(None,), keys=None, dtype="float64",
         visibility="visible", explain=EXPLAIN["loss"], **args) -> Check:
    recipe = {"x_shape": list(x_shape), "latent_dim": latent_dim, "seed": seed, "betas": list(betas),
              "dtype": dtype, **args}
    keys = tuple(keys) if keys is not None else tuple(loss_key(b) for b in betas)
    return Check(number, name, points, "loss", recipe, ("vae_loss",), visibility=visibility, keys=keys,
                 tolerance=FLOAT32 if dtype == "float32" else LOSS64, explain=explain, group="vae_loss",
                 hints=HINTS, derive=derive_loss)


def module(number, name, points, probe, keys, derive, *, N, seed, input_dim=None, latent_dim=None,
           dtype="float32", visibility="visible", explain="") -> Check:
    args = {"N": N, "seed": seed, "dtype": dtype}
    args.update({k: v for k, v in (("input_dim", input_dim), ("latent_dim", latent_dim)) if v is not None})
    return Check(number, name, points, probe, args, ("VAE",), visibility=visibility, keys=tuple(keys),
                 explain=explain, group="VAE", hints=HINTS, derive=derive)


def training(number, name, points, *, data, latent_dim, seed, test_seed, steps=200, batch=64, lr=3e-3,
             n_test=128, visibility="visible") -> Check:
    args = {"data": dict(data), "latent_dim": latent_dim, "steps": steps, "batch": batch, "lr": lr,
            "seed": seed, "n_test": n_test, "test_seed": test_seed}
    return Check(number, name, points, "train", args, ("VAE", "vae_loss", "reparameterize"),
                 visibility=visibility, keys=("held-out negative ELBO", "reconstructions"),
                 explain=EXPLAIN["training"], timeout=TRAIN_TIMEOUT, group="training", hints=HINTS,
                 derive=derive_training)


VISIBLE_CHECKS = (
    # reparameterize: 2.5 points. 24 float64 numbers: float32 noise would differ (see EXPLAIN["dtype"]).
    reparameterize("1.1", "reparameterize: z under a fixed seed (float64)", 1.0,
                   shape=(4, 6), seed=11, noise_seed=1011),
    reparameterize("1.2", "reparameterize: gradients with respect to mu and logvar", 1.0,
                   shape=(3, 8), seed=12, noise_seed=1012, backward=True, keys=("grad_mu", "grad_logvar"),
                   explain=EXPLAIN["reparameterize_grads"]),
    reparameterize("1.3", "reparameterize in float32: z and its gradients", 0.5,
                   shape=(5, 4), seed=13, noise_seed=1013, dtype="float32", backward=True,
                   keys=("z", "grad_mu", "grad_logvar"), explain=EXPLAIN["reparameterize"] + " " + EXPLAIN["dtype"]),
    # vae_loss: 3.5 points
    loss("1.4", "vae_loss: value with the default beta (binary x, N=6, 64 pixels)", 1.0,
         x_shape=(6, 64), latent_dim=8, seed=14),
    loss("1.5", "vae_loss: beta = 0.5 and beta = 4 weigh the KL term", 1.0,
         x_shape=(5, 16), latent_dim=3, seed=15, betas=(0.5, 4.0), explain=EXPLAIN["loss"] + " " + EXPLAIN["beta"]),
    loss("1.6", "vae_loss: the mean over the batch, not the sum", 0.5,
         x_shape=(6, 10), latent_dim=2, seed=16, per_sample=True, keys=("one-sample losses ratio",),
         explain=EXPLAIN["batch_mean"]),
    loss("1.7", "vae_loss: gradients with respect to x_recon, mu and logvar", 1.0,
         x_shape=(4, 12), latent_dim=3, seed=17, backward=True, keys=LOSS_GRADS, explain=EXPLAIN["loss_grads"]),
    # VAE: 2.5 points
    module("1.8", "VAE(): encode, decode and forward shapes, dtypes, decode in [0, 1]", 1.0, "structure",
           STRUCTURE_KEYS, derive_structure, N=5, seed=18, explain=EXPLAIN["structure"]),
    module("1.9", "VAE: forward = decode(reparameterize(*encode(x))) under a fixed seed", 1.0, "structure",
           FORWARD_KEYS, derive_structure, N=5, seed=19, explain=EXPLAIN["forward"]),
    module("1.10", "VAE: gradients reach mu and logvar through z, and every parameter", 0.5, "gradients",
           GRADIENT_KEYS, derive_gradients, N=4, seed=20, explain=EXPLAIN["gradients"]),
    # training: 1.5 points
    training("1.11", "VAE trains: held-out negative ELBO and reconstructions on noisy 8x8 prototypes", 1.5,
             data=PROTOTYPES, latent_dim=8, seed=21, test_seed=1021),
)

ASSIGNMENT = Assignment(
    name="vae",
    title="Variational auto-encoder",
    summary="reparameterize, vae_loss (negative ELBO, mean over the batch) and a VAE of the student's design, "
            "checked by value and by property, then trained on synthetic binary data.",
    required=("reparameterize", "vae_loss", "VAE"),
    # SPEC §1 vae forbids nothing: the loss is built from allowed primitives
    # (F.binary_cross_entropy, randn_like, nn.Linear...). The evasion policy
    # (eval, torch._C, importlib, ...) applies as to every assignment.
    forbidden_functions=(),
    forbidden_aten=(),
    visible=VISIBLE_CHECKS,
    oracle=oracle,
    mistakes_module="grader.mistakes.vae",
    hidden_module="grader.hidden.vae",
    groups=("reparameterize", "vae_loss", "VAE", "training"),
)
