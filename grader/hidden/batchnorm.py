"""Hidden checks for ``batchnorm``: other shapes, seeds and settings than
the visible ones. Not shipped in the student bundle."""

from __future__ import annotations

from ..check import FLOAT32, HIDDEN, Check
from ..checks.batchnorm import EXPLAIN, HINTS, TARGETS, _eval, _train, running_keys


def _hidden(number, name, points, probe, args, keys=None, explain="", group="", **kw):
    return Check(number, name, points, probe, args, TARGETS, visibility=HIDDEN, keys=keys,
                 explain=explain, group=group, hints=HINTS, **kw)


CHECKS = (
    _hidden("2.1", "train-mode forward, other shapes", 1.5, "session",
            {"C": 5, "affine_seed": 101, "steps": [_train((3, 5, 7, 2), 102, scale=4.0, shift=3.0)]},
            ("0.out",), EXPLAIN["train"], "forward"),
    _hidden("2.2", "train-mode forward and statistics, N·H·W = 3", 1.0, "session",
            {"C": 2, "momentum": 0.2, "steps": [_train((1, 2, 1, 3), 103, scale=2.0)]},
            ("0.out", "0.running_mean", "0.running_var"), EXPLAIN["tiny"], "forward"),
    _hidden("2.3", "running statistics over 4 steps (momentum 0.05, eps 1e-2)", 1.5, "session",
            {"C": 3, "momentum": 0.05, "eps": 1e-2,
             "steps": [_train((2, 3, 3, 5), 104, shift=2.0, backward=True), _train((6, 3, 1, 2), 105, scale=0.3),
                       _train((1, 3, 4, 4), 106, scale=5.0, backward=True), _train((3, 3, 2, 2), 107, shift=-1.0)]},
            running_keys(4) + ("3.out",), EXPLAIN["running"] + " " + EXPLAIN["eps"], "running statistics"),
    _hidden("2.4", "eval mode after training (momentum 0.7), twice", 1.5, "session",
            {"C": 4, "momentum": 0.7, "affine_seed": 108,
             "steps": [_train((2, 4, 3, 3), 109, scale=3.0, shift=1.0), _eval((3, 4, 2, 5), 110),
                       _eval((1, 4, 3, 3), 111, shift=2.0)]},
            ("1.out", "2.out", "2.running_mean", "2.running_var"), EXPLAIN["eval"], "eval mode"),
    _hidden("2.5", "gradients of input, weight and bias (N·H·W = 6)", 1.5, "session",
            {"C": 2, "affine_seed": 112, "steps": [_train((2, 2, 3, 1), 113, backward=True, scale=2.0)]},
            ("0.grad_x", "0.grad_weight", "0.grad_bias"), EXPLAIN["grad_x"], "gradients"),
    _hidden("2.6", "float32: train, running statistics, eval, gradients", 1.0, "session",
            {"C": 3, "dtype": "float32", "affine_seed": 114,
             "steps": [_train((4, 3, 5, 5), 115, backward=True, shift=1.0),
                       _train((4, 3, 5, 5), 116, scale=2.0), _eval((2, 3, 5, 5), 117)]},
            ("0.out", "0.grad_x", "0.grad_weight", "0.grad_bias", "1.running_mean", "1.running_var",
             "2.out"), EXPLAIN["train"], "forward", tolerance=FLOAT32),
    _hidden("2.7", "a single channel", 0.5, "session",
            {"C": 1, "steps": [_train((5, 1, 2, 2), 118, shift=-3.0), _eval((2, 1, 2, 2), 119)]},
            ("0.out", "0.running_var", "1.out"), EXPLAIN["train"], "forward"),
    _hidden("2.8", "eval mode before any training (initial statistics)", 0.5, "session",
            {"C": 3, "affine_seed": 120, "steps": [_eval((2, 3, 2, 2), 121, scale=2.0)]},
            ("0.out", "0.running_mean", "0.running_var"), EXPLAIN["eval"], "eval mode"),
    _hidden("2.9", "gradients in eval mode", 1.0, "session",
            {"C": 3, "affine_seed": 122, "steps": [_train((3, 3, 2, 2), 123, scale=2.0),
                                                   _eval((2, 3, 3, 3), 124, backward=True)]},
            ("1.grad_x", "1.grad_weight", "1.grad_bias"), EXPLAIN["eval"], "gradients"),
)
