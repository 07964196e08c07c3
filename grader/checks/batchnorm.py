"""Visible checks for ``batchnorm`` (BatchNorm2d), and the assignment's
definition. Hidden checks: ``grader/hidden/batchnorm.py``."""

from __future__ import annotations

from types import SimpleNamespace

from ..assignments import Assignment
from ..check import Check

TARGETS = ("BatchNorm2d",)

EXPLAIN = {
    "train": "In training mode the output is (x - mean) / sqrt(var + eps) * weight + bias, "
             "with mean and the *biased* variance per channel over N, H and W.",
    "tiny": "With n = N·H·W = 2 values per channel, the biased variance (divide by n) and the "
            "unbiased one (divide by n-1) differ by a factor of 2, so this check tells them apart.",
    "running": "After each training step: running = (1 - momentum)·running + momentum·batch_stat, "
               "with the unbiased batch variance for running_var.",
    "eps": "eps is the constructor's argument, added to the variance inside the square root.",
    "eval": "In eval mode the layer normalises with running_mean and running_var, and leaves them "
            "unchanged.",
    "grad_x": "The gradient with respect to the input flows through the batch mean and variance "
              "too; autograd gets it right if the forward pass is built from differentiable tensor "
              "operations on x.",
    "grad_params": "weight and bias must be learnable: nn.Parameter tensors that receive gradients "
                   "(d out/d bias sums the upstream gradient per channel).",
    "structure": "Like torch's, the module registers weight and bias (shape (C,)) as parameters, "
                 "running_mean and running_var as buffers (register_buffer), initialised to 1, 0, "
                 "0 and 1; state_dict() holds all four.",
    "load": "A state_dict saved from torch.nn.BatchNorm2d loads into your module (keys weight, "
            "bias, running_mean, running_var) and gives the same eval-mode output.",
}

HINTS = {
    "parameters": "Register weight and bias with nn.Parameter(...): plain tensor attributes are not "
                  "learnable and do not appear in parameters() or state_dict().",
    "buffers": "Create running_mean and running_var with self.register_buffer(name, tensor) so they "
               "are saved in state_dict() and move with .to()/.double().",
    "missing_keys": "Your module lacks some of torch's state_dict keys: name the attributes weight, "
                    "bias, running_mean, running_var.",
    "grad_weight": "weight received no (or a wrong) gradient: is it an nn.Parameter used in forward?",
    "grad_bias": "bias received no (or a wrong) gradient: is it an nn.Parameter used in forward?",
}


def _train(shape, seed, backward=False, scale=1.0, shift=0.0):
    return {"mode": "train", "shape": list(shape), "seed": seed, "backward": backward,
            "scale": scale, "shift": shift}


def _eval(shape, seed, backward=False, scale=1.0, shift=0.0):
    return dict(_train(shape, seed, backward, scale, shift), mode="eval")


def running_keys(steps: int) -> tuple[str, ...]:
    return tuple(f"{i}.{k}" for i in range(steps) for k in ("running_mean", "running_var"))


VISIBLE = (
    Check("1.1", "train-mode forward", 1.5, "session",
          {"C": 3, "steps": [_train((4, 3, 5, 5), 11, scale=2.0, shift=0.5)]},
          TARGETS, keys=("0.out",), explain=EXPLAIN["train"], group="forward"),
    Check("1.2", "train-mode forward, tiny batch (N·H·W = 2)", 1.0, "session",
          {"C": 4, "steps": [_train((2, 4, 1, 1), 12, scale=1.5)]},
          TARGETS, keys=("0.out",), explain=EXPLAIN["tiny"], group="forward"),
    Check("1.3", "train-mode forward with weight and bias", 1.0, "session",
          {"C": 2, "affine_seed": 13, "steps": [_train((3, 2, 4, 4), 14)]},
          TARGETS, keys=("0.out",), explain=EXPLAIN["train"], group="forward"),
    Check("1.4", "running statistics over 3 steps (momentum 0.1)", 1.5, "session",
          {"C": 3, "steps": [_train((4, 3, 3, 3), 15, shift=1.0, backward=True),
                             _train((2, 3, 4, 2), 16, scale=3.0),
                             _train((5, 3, 2, 2), 17, shift=-2.0, backward=True)]},
          TARGETS, keys=running_keys(3), explain=EXPLAIN["running"], group="running statistics"),
    Check("1.5", "momentum 0.3 and eps 1e-3: output and running statistics", 1.0, "session",
          {"C": 2, "momentum": 0.3, "eps": 1e-3,
           "steps": [_train((3, 2, 2, 3), 18, scale=0.5), _train((3, 2, 2, 3), 19, shift=4.0)]},
          TARGETS, keys=("0.out",) + running_keys(2), explain=EXPLAIN["running"] + " " + EXPLAIN["eps"],
          group="running statistics"),
    Check("1.6", "eval-mode forward uses running statistics", 1.0, "session",
          {"C": 3, "affine_seed": 20, "steps": [_train((4, 3, 3, 3), 21, scale=2.0), _train((4, 3, 3, 3), 22),
                                                _eval((2, 3, 4, 4), 23)]},
          TARGETS, keys=("2.out", "2.running_mean", "2.running_var"), explain=EXPLAIN["eval"],
          group="eval mode"),
    Check("1.7", "input gradient", 1.0, "session",
          {"C": 3, "affine_seed": 24, "steps": [_train((3, 3, 4, 4), 25, backward=True)]},
          TARGETS, keys=("0.grad_x",), explain=EXPLAIN["grad_x"], group="gradients"),
    Check("1.8", "weight and bias are learnable (their gradients)", 1.0, "session",
          {"C": 3, "affine_seed": 26, "steps": [_train((3, 3, 4, 4), 27, backward=True)]},
          TARGETS, keys=("0.grad_weight", "0.grad_bias"), explain=EXPLAIN["grad_params"],
          group="gradients", hints=HINTS),
    Check("1.9", "parameters, buffers and state_dict as torch", 0.5, "structure", {"C": 4},
          TARGETS, explain=EXPLAIN["structure"], group="module structure", hints=HINTS),
    Check("1.10", "loads a torch state_dict", 0.5, "load_state", {"C": 3, "seed": 28, "shape": [2, 3, 3, 3]},
          TARGETS, explain=EXPLAIN["load"], group="module structure", hints=HINTS),
)


def oracle() -> SimpleNamespace:
    import torch

    return SimpleNamespace(BatchNorm2d=torch.nn.BatchNorm2d)


ASSIGNMENT = Assignment(
    name="batchnorm",
    title="BatchNorm2d",
    summary="Batch normalisation over (N, C, H, W), same as torch.nn.BatchNorm2d.",
    required=TARGETS,
    forbidden_functions=(
        "torch.nn.BatchNorm*", "torch.nn.SyncBatchNorm", "torch.nn.LazyBatchNorm*",
        "torch.nn.functional.batch_norm", "torch.batch_norm*", "torch.native_batch_norm",
        "torch.cudnn_batch_norm", "torch.miopen_batch_norm",
        "torch.nn.functional.instance_norm", "torch.nn.functional.layer_norm",
        "torch.nn.functional.group_norm", "torch.instance_norm", "torch.layer_norm", "torch.group_norm",
        "torch.nn.InstanceNorm*", "torch.nn.LayerNorm", "torch.nn.GroupNorm",
    ),
    forbidden_aten=(r"batch_norm", r"instance_norm", r"layer_norm", r"group_norm"),
    visible=VISIBLE,
    oracle=oracle,
    mistakes_module="grader.mistakes.batchnorm",
    hidden_module="grader.hidden.batchnorm",
)
