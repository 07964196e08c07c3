"""Visible checks for ``gan`` (discriminator_loss, generator_loss,
Generator, Discriminator, train_step), the oracle, and the assignment's
definition. Hidden checks: ``grader/hidden/gan.py``.

The losses and ``train_step`` have one right answer each; there is no
torch built-in GAN, so the oracle (``grader/oracles/gan.py``, not shipped
to students) writes them from torch's primitives
(``F.binary_cross_entropy_with_logits``), a different route from the
reference's softplus algebra. Their checks compare with it
exactly. ``train_step`` runs on the probe's own small networks and
optimisers after ``torch.manual_seed``, so the noise it draws, the order
of its steps, what it detaches and what it zeroes all show in the
parameters after the first and the last step (order, detach, the
generator's loss) and in the returned losses (their type and values).

``Generator`` and ``Discriminator`` are the student's design: their
checks are property-based. The probes send raw tensors; ``derive_module``
and ``derive_learn`` here, run in the parent, turn them into facts that
every correct design shares (shapes and dtypes, ``.double()`` followed,
every parameter reached by the gradient, a generator whose output depends
on ``z``, a discriminator that returns logits: some output outside
``[0, 1]`` on inputs scaled by 1 to 1000 and with its weights x10, which
no sigmoid gives). The oracle's small networks give the expected facts.

Training (``derive_learn``), on a ring of Gaussians
(``grader/child/probes/gan_data.py``; visible: 8 modes, radius 2,
std 0.15; hidden: 6 modes, off-centre, a 3-D latent), with the
submission's own Generator, Discriminator and train_step, Adam (lr 3e-3,
betas (0.5, 0.999)), 800 steps of 64 points. Criterion: at some
checkpoint (after 400, 500, ..., 800 steps: GAN training oscillates, and
a generator that was near the modes at step 700 may be off at step 800),
at least ``NEAR_MIN`` = 20% of 1000 generated samples lie within 3 std of
some mode, on at least ``MODES_MIN`` = 2 modes (each holding 2% of the
samples: a generator collapsed onto one point does not pass by sitting
on a mode), and ``GAIN`` = 10 points more than before training. Reference points: the data itself puts 99% there
(a 2-D Gaussian's mass within 3 std), an untrained generator 0-5%, and
no Gaussian blob that ignores the ring more than 15% (8 discs of radius
3 std against the density of the best isotropic Gaussian). Covering
every mode is not required: a correct GAN may collapse onto a few.

Measured with the probe's exact loop, 16 seeds per design (CPU):
2-layer MLPs of width 32 (ReLU, ELU), 64 (Tanh, ReLU with BatchNorm in
the generator), 128 (LeakyReLU, Tanh), and 3-layer ones of width 32
(Tanh) and 64 (SiLU, dropout in the discriminator): all 256 runs
passed; the lowest best checkpoint held 31% of the samples (visible
ring, width 32 ReLU) and 35% (hidden ring), and every run had a
passing checkpoint on 3 modes or more; untrained generators 0-5%. Judged
on the last step alone, a 128-wide Tanh design failed 2 of 16 seeds (a
transient collapse to 5% at step 800, from 93% at step 700): hence the
checkpoints. Bugs that break learning end at 0% at every checkpoint:
discriminator labels swapped, the generator minimising the
discriminator's loss, the generator's loss on a detached fake (the
generator never moves). The saturating generator loss still learns here
(63% to 70%): the exact train_step checks catch it, this one does not
claim to. tests/grader/test_gan_training.py repeats a few of these runs.

Tolerances: float64 checks use ``FLOAT64``: every correct formulation of
binary cross-entropy on logits (softplus, log-sigmoid, torch's) agrees to
~1e-15 there, and Adam's first step (lr * g / |g|) amplifies no such
difference unless a gradient is as small as its eps (1e-8). Float32
checks use ``FLOAT32``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Mapping

from ..assignments import Assignment
from ..check import FLOAT32, FLOAT64, VISIBLE, Check

# torch, numpy and the probes are imported where used: importing this module
# (as the CLI does to list checks) must not import torch.

NEAR_MIN = 0.20            # training: fraction of samples within 3 std of a mode, at least
GAIN = 0.10                # ... and this much more than the untrained generator
MODES_MIN = 2              # ... on at least this many modes (each holding 2% of the samples)
TRAIN_TIMEOUT = 60.0       # ~1 s natively for a 2-layer MLP of width 64; room for wide designs
SCALES = [1.0, 10.0, 100.0, 1000.0]   # a discriminator's inputs scaled, then its weights x10: logits leave [0, 1]
LEARN = {"steps": 800, "batch": 64, "lr": 3e-3, "samples": 1000, "checkpoints": [400, 500, 600, 700, 800]}
SGD = {"kind": "SGD", "lr": 0.1}           # train_step's probe networks: SGD shows each gradient as is
ADAM = {"kind": "Adam", "lr": 0.01, "betas": [0.5, 0.999]}

EXPLAIN = {
    "d_loss": "discriminator_loss = mean BCE-with-logits of real_logits against real_label + mean "
              "BCE-with-logits of fake_logits against 0, where BCE(s, y) = -[y log sigmoid(s) + (1 - y) "
              "log(1 - sigmoid(s))]: the two means summed (not averaged), each over its own batch.",
    "smoothing": "One-sided label smoothing: real_label (e.g. 0.9) replaces 1 as the target of the real "
                 "logits only; the fake target stays 0.",
    "g_loss": "generator_loss is the non-saturating loss: the mean BCE-with-logits of fake_logits against "
              "target 1, i.e. -mean(log sigmoid(fake_logits)). Not log(1 - sigmoid(...)) minimised (the "
              "saturating minimax form) and not the discriminator's target 0.",
    "stable": "On logits of large magnitude, sigmoid(s) rounds to 0 or 1 in float32 (|s| > ~17) and "
              "log(sigmoid(s)) or log(1 - sigmoid(s)) becomes -inf. Compute BCE from the logits: "
              "softplus(s) - y * s, or F.binary_cross_entropy_with_logits, or F.logsigmoid.",
    "loss_grads": "The loss must be differentiable in the logits (no .item(), .detach() or torch.no_grad()); "
                  "the gradient of a mean over N logits is (sigmoid(s) - y) / N per logit.",
    "generator": "Generator(latent_dim, out_dim) maps z of shape (N, latent_dim) to (N, out_dim), in the "
                 "module's dtype (float32, and float64 after .double()); every registered parameter takes "
                 "part in forward (receives a gradient), and the output changes with z.",
    "discriminator": "Discriminator(in_dim) maps x of shape (N, in_dim) to logits of shape (N, 1), in the "
                     "module's dtype; every registered parameter receives a gradient. Logits are any real "
                     "numbers: no sigmoid at the end (the losses apply it inside the binary cross-entropy).",
    "order": "train_step, in this order: z = torch.randn(real.shape[0], latent_dim); fake = G(z); "
             "d_loss = discriminator_loss(D(real), D(fake.detach())); opt_d.zero_grad(); "
             "d_loss.backward(); opt_d.step(); then g_loss = generator_loss(D(fake)) (the updated D, "
             "fake not detached); opt_g.zero_grad(); g_loss.backward(); opt_g.step(). The check runs it "
             "on its own G, D and optimisers after torch.manual_seed, so only the noise your "
             "torch.randn draws is used, and compares every parameter after the first and the last step.",
    "returns": "train_step returns (d_loss, g_loss) as Python floats (d_loss.item(), g_loss.item()), the "
               "losses computed in this step: numbers for logging, not tensors holding a graph.",
    "training": "Your Generator(), Discriminator() and train_step train with Adam (lr 3e-3, betas (0.5, "
                "0.999)) for 800 steps on batches of 64 points from a ring of 8 Gaussians (radius 2, std "
                "0.15). At some checkpoint (after 400, 500, ..., 800 steps) at least 20% of 1000 generated "
                "samples must lie within 3 std of a mode, on 2 modes or more, and 10 points more than before "
                "training (the data: 99%; an untrained generator: ~0%). Covering every mode is not required.",
}

HINTS = {
    "step 1: (d_loss, g_loss)": "return d_loss.item(), g_loss.item(): two Python floats, in that order, the "
                                "generator's loss taken against the discriminator after its step.",
    "loss": "Compare with F.binary_cross_entropy_with_logits(logits, targets) for each batch; the loss is a "
            "0-dim tensor.",
    "grad_real_logits": "Where the value is right, a wrong gradient of real_logits means the graph is cut "
                        "(.detach(), .item(), torch.no_grad()) or the target depends on the logits.",
    "grad_fake_logits": "Where the value is right, a wrong gradient of fake_logits means the graph is cut "
                        "(.detach(), .item(), torch.no_grad()) or the target depends on the logits.",
    "samples near the modes": "Where the train_step checks pass, look at the networks: can the generator's "
                              "last layer reach radius 2 (no tanh or sigmoid at the end)? Does every layer "
                              "take part in forward? Where they fail, fix train_step first.",
}
STEP_HINTS = {
    "D": "The discriminator step: d_loss on D(real) and D(fake.detach()), opt_d.zero_grad() before "
         "d_loss.backward(), then opt_d.step(), all before the generator step.",
    "G": "The generator step: after the discriminator's update, g_loss = generator_loss(D(fake)) with the same "
         "fake (not detached, no new noise); opt_g.zero_grad() before g_loss.backward(), then opt_g.step().",
}


# ------------------------------------------------- derived observations
def _describe(value: Any) -> str:
    """``shape (16, 2), float32`` for a tensor of finite values; what it is otherwise."""
    import numpy as np

    from ..child.protocol import Invalid, Tensor

    if isinstance(value, Invalid):
        return f"not a plain tensor: {value.why}"
    if isinstance(value, dict) and isinstance(value.get("raised"), str):
        return f"raised {value['raised']}"
    if not isinstance(value, Tensor):
        return f"not a tensor ({type(value).__name__ if value is not None else 'None'})"
    text = f"shape ({', '.join(map(str, value.shape))}{',' if len(value.shape) == 1 else ''}), {value.torch_dtype}"
    if value.array.dtype.kind == "f" and not np.isfinite(value.array).all():
        text += ", with NaN or infinite values"
    return text


def _gradients(grads: Any) -> str:
    """``yes`` when every named parameter received a finite gradient."""
    import numpy as np

    from ..child.protocol import Tensor

    if not isinstance(grads, dict) or not grads:
        return "no: it registers no parameters (layers in a plain list? use nn.Sequential or nn.ModuleList)"
    missing = [name for name, g in grads.items() if not isinstance(g, Tensor)]
    if missing:
        return f"no: no gradient reached {', '.join(sorted(missing)[:6])}"
    broken = [name for name, g in grads.items() if not np.isfinite(g.array.astype(np.float64)).all()]
    if broken:
        return f"no: NaN or infinite gradients in {', '.join(sorted(broken)[:6])}"
    return "yes"


def _depends_on_input(output: Any, other: Any) -> str:
    """``yes`` when two batches of z give different outputs."""
    import numpy as np

    from ..child.protocol import Tensor

    if not isinstance(output, Tensor) or not isinstance(other, Tensor):
        return "no: the outputs are not tensors"
    if output.shape == other.shape and np.array_equal(output.array, other.array):
        return "no: every z gives the same output (does forward use its input?)"
    return "yes"


def _logits(outputs: Any) -> str:
    import numpy as np

    from ..child.protocol import Tensor

    if not isinstance(outputs, list) or not all(isinstance(o, Tensor) for o in outputs):
        return "no: the outputs are not tensors"
    values = np.concatenate([o.array.astype(np.float64).ravel() for o in outputs])
    if ((values < 0) | (values > 1)).any():
        return "yes"
    return (f"no: all {values.size} outputs, on inputs up to {max(SCALES):g}x and weights x10, lie in [0, 1]: "
            "no sigmoid at the end")


def derive_module(args: Mapping, raw: dict) -> dict:
    """Per configuration: the output's shape and dtype, before and after
    ``.double()``, whether every parameter received a gradient, and (a
    Generator) whether the output depends on z or (a Discriminator)
    whether it returns logits."""
    from ..child.probes.gan import label

    cls = args["cls"]
    out = {}
    for init in args["configs"]:
        name = label(cls, init)
        out[f"{name}: output"] = _describe(raw[f"{name}: output"])
        out[f"{name}: output after .double()"] = _describe(raw[f"{name}: output after .double()"])
        out[f"{name}: every parameter receives a gradient"] = _gradients(raw[f"{name}: gradients"])
        if cls == "Generator":
            out[f"{name}: the output depends on z"] = _depends_on_input(raw[f"{name}: output"],
                                                                       raw[f"{name}: output on another batch"])
        else:
            out[f"{name}: returns logits"] = _logits(raw[f"{name}: stretched outputs"])
    return out


def derive_learn(args: Mapping, raw: dict) -> dict:
    """The training criterion of the module docstring, as a verdict: some
    checkpoint with enough samples near the modes, on at least two modes,
    and more than the untrained generator had."""
    from ..child.probes import gan_data
    from ..child.protocol import Tensor

    ring = gan_data._spec(args["ring"])
    shape = (int(args["samples"]), 2)
    near = {}
    for key in ["before"] + [f"after step {t}" for t in args["checkpoints"]]:
        if not isinstance(raw[key], Tensor) or raw[key].shape != shape:
            return {"samples near the modes": f"no: G(z) {key} is {_describe(raw[key])}, expected shape {shape}"}
        near[key] = gan_data.near_modes(raw[key].array, ring)
    before = near.pop("before")[0]
    if any(q >= NEAR_MIN and q >= before + GAIN and covered >= MODES_MIN for q, covered in near.values()):
        return {"samples near the modes": "yes"}
    best_key = max(near, key=lambda k: near[k])
    best, covered = near[best_key]
    # short enough to be shown whole in "expected 'yes', got '...'"; EXPLAIN["training"] says the rest
    verdict = (f"no: at best {best:.0%} near a mode ({best_key}), on {covered} mode{'s' * (covered != 1)}; "
               f"needs {NEAR_MIN:.0%} on {MODES_MIN}+ modes, {GAIN * 100:.0f} points above the start "
               f"({before:.0%})")
    return {"samples near the modes": verdict}


# ------------------------------------------------------------ the checks
def loss_check(number, name, points, fn, *, shapes, seed, scale=1.0, real_label=None, dtype="float64",
               keys=None, visibility=VISIBLE, explain="") -> Check:
    args = {"fn": fn, "shapes": [list(s) for s in shapes], "seed": seed, "scale": scale, "dtype": dtype}
    if real_label is not None:
        args["real_label"] = real_label
    grads = ("grad_real_logits", "grad_fake_logits") if fn == "discriminator_loss" else ("grad_fake_logits",)
    return Check(number, name, points, "loss", args, (fn,), visibility=visibility,
                 keys=tuple(keys) if keys else ("loss",) + grads,
                 tolerance=FLOAT32 if dtype == "float32" else FLOAT64, explain=explain, group=fn, hints=HINTS)


def module_check(number, name, points, cls, configs, *, N, seed, visibility=VISIBLE) -> Check:
    args = {"cls": cls, "configs": [dict(c) for c in configs], "N": N, "seed": seed, "scales": list(SCALES)}
    return Check(number, name, points, "module", args, (cls,), visibility=visibility,
                 explain=EXPLAIN[cls.lower()], group=cls, derive=derive_module)


def step_check(number, name, points, *, what, seed, steps, N, latent_dim, hidden, opt, data_dim=2,
               dtype="float64", visibility=VISIBLE) -> Check:
    """``what``: "parameters" (both networks after the first and last step)
    or "returns" (the pair the first call returned)."""
    args = {"seed": seed, "steps": steps, "N": N, "latent_dim": latent_dim, "data_dim": data_dim,
            "hidden": hidden, "opt_g": dict(opt), "opt_d": dict(opt), "dtype": dtype}
    if what == "parameters":
        hints = {f"after step {t}: {net}'s parameters": STEP_HINTS[net]
                 for t in sorted({1, steps}) for net in "DG"}
    else:   # the first step's pair: later values would repeat what the parameters show
        hints = {"step 1: (d_loss, g_loss)": HINTS["step 1: (d_loss, g_loss)"]}
    return Check(number, name, points, "train_step", args, ("train_step",), visibility=visibility,
                 keys=tuple(hints), tolerance=FLOAT32 if dtype == "float32" else FLOAT64,
                 explain=EXPLAIN["order" if what == "parameters" else "returns"], group="train_step", hints=hints)


def learn_check(number, name, points, *, seed, ring=None, latent_dim=None, visibility=VISIBLE,
                explain=EXPLAIN["training"]) -> Check:
    args = {"seed": seed, **LEARN, "ring": dict(ring or {})}
    if latent_dim is not None:
        args["latent_dim"] = latent_dim
    return Check(number, name, points, "learn", args, ("Generator", "Discriminator", "train_step"),
                 visibility=visibility, explain=explain, timeout=TRAIN_TIMEOUT, group="training",
                 hints=HINTS, derive=derive_learn)


VISIBLE_CHECKS = (
    # discriminator_loss: 2.5 points. 6 real against 4 fake logits: two means summed, not one mean of 10.
    loss_check("1.1", "discriminator_loss: value and gradients (6 real, 4 fake logits)", 1.0,
               "discriminator_loss", shapes=[(6, 1), (4, 1)], seed=11, scale=2.0,
               explain=EXPLAIN["d_loss"] + " " + EXPLAIN["loss_grads"]),
    loss_check("1.2", "discriminator_loss: label smoothing, real_label=0.9", 1.0,
               "discriminator_loss", shapes=[(5, 1), (5, 1)], seed=12, scale=2.0, real_label=0.9,
               explain=EXPLAIN["smoothing"] + " " + EXPLAIN["d_loss"]),
    loss_check("1.3", "discriminator_loss on logits up to |40| in float32 (stable)", 0.5,
               "discriminator_loss", shapes=[(8, 1), (8, 1)], seed=13, scale=20.0, dtype="float32",
               keys=("loss",), explain=EXPLAIN["stable"]),
    # generator_loss: 1 point
    loss_check("1.4", "generator_loss: the non-saturating loss, value and gradient", 1.0,
               "generator_loss", shapes=[(6, 1)], seed=14, scale=2.0,
               explain=EXPLAIN["g_loss"] + " " + EXPLAIN["loss_grads"]),
    # the modules: 1 point each
    module_check("1.5", "Generator: shapes, dtypes, gradients to every parameter, output depends on z", 1.0,
                 "Generator", [{}, {"latent_dim": 3, "out_dim": 4}], N=16, seed=15),
    module_check("1.6", "Discriminator: (N, 1) logits (no sigmoid), dtypes, gradients to every parameter", 1.0,
                 "Discriminator", [{}, {"in_dim": 5}], N=16, seed=16),
    # train_step: 3 points
    step_check("1.7", "train_step: order of the two steps (SGD, 3 steps, float64)", 1.0, what="parameters",
               seed=17, steps=3, N=8, latent_dim=3, hidden=5, opt=SGD),
    step_check("1.8", "train_step with Adam in float32 (3 steps)", 1.0, what="parameters",
               seed=18, steps=3, N=8, latent_dim=2, hidden=6, opt=ADAM, dtype="float32"),
    step_check("1.9", "train_step returns (d_loss, g_loss) as Python floats", 1.0, what="returns",
               seed=17, steps=3, N=8, latent_dim=3, hidden=5, opt=SGD),
    # training: 1.5 points
    learn_check("1.10", "training: your GAN learns a ring of 8 Gaussians", 1.5, seed=20),
)


# ------------------------------------------------------------ the oracle
def oracle() -> SimpleNamespace:
    """The right answers from torch's primitives, and small networks that
    learn: ``grader/oracles/gan.py``, which the student bundle leaves out
    (it would be a solution) and replaces with its recorded observations."""
    from ..oracles.gan import oracle as build

    return build()


TARGETS = ("discriminator_loss", "generator_loss", "Generator", "Discriminator", "train_step")

ASSIGNMENT = Assignment(
    name="gan",
    title="GAN",
    summary="discriminator_loss, generator_loss (non-saturating) on logits, a Generator and a Discriminator "
            "of your design, and train_step: one discriminator step then one generator step.",
    required=TARGETS,
    # SPEC §1 gan forbids nothing: F.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss, any layer and
    # optimiser are allowed. The static scan's evasion rules (eval, importlib, sys.modules...) still apply.
    forbidden_functions=(),
    forbidden_aten=(),
    visible=VISIBLE_CHECKS,
    oracle=oracle,
    mistakes_module="grader.mistakes.gan",
    hidden_module="grader.hidden.gan",
    groups=("discriminator_loss", "generator_loss", "Generator", "Discriminator", "train_step", "training"),
)
