"""Visible checks for ``conv`` (conv2d, conv_transpose2d, max_pool2d, Conv2d,
ConvTranspose2d), and the assignment's definition. Hidden checks:
``grader/hidden/conv.py``.

Each function has its own checks and points (partial credit), and the
inputs are chosen so that each known mistake (``grader/mistakes/conv.py``)
shows on some visible check: non-square inputs and kernels (a kernel flip
or a swapped (h, w) pair changes the numbers), negative inputs for max
pooling (zeros instead of -inf padding would win the max), in_channels !=
out_channels for the transposed weight layout (and one check with
in == out, so that reading the layout the wrong way round gives numbers to
recognise rather than a crash).

Sizes are small on purpose: a correct submission that loops in Python over
output positions must pass every check well within its time limit, with
the run-time tripwire intercepting every tensor operation (see
benchmarks/bench_conv.py for the figures).
"""

from __future__ import annotations

from types import SimpleNamespace

from ..assignments import Assignment
from ..check import Check

FUNCTION_GROUPS = {"conv2d": "conv2d", "conv_transpose2d": "conv_transpose2d", "max_pool2d": "max_pool2d"}
GRAD_KEYS = ("grad_x", "grad_weight", "grad_bias")
LOAD_KEYS = ("missing_keys", "unexpected_keys", "out") + GRAD_KEYS

EXPLAIN = {
    "conv2d": "out[n, o, y, x] = bias[o] + Σ_c Σ_i Σ_j weight[o, c, i, j] · x_pad[n, c, s·y + d·i, s·x + d·j]: "
              "a cross-correlation (no kernel flip), zero padding p on both sides of each axis, output size "
              "⌊(i + 2p − d(k−1) − 1)/s⌋ + 1 per axis.",
    "tuples": "An (h, w) pair gives the first value to the height axis and the second to the width axis. "
              "(F.pad's own argument order starts with the *last* axis: (left, right, top, bottom).)",
    "dilation": "With dilation d the kernel's taps are d apart: tap (i, j) reads x_pad[s·y + d·i, s·x + d·j], "
                "and the kernel reaches d(k−1) + 1 pixels.",
    "groups": "With groups g, input channels split into g groups of C_in/g and output channels into g groups "
              "of C_out/g; output channel o belongs to group o // (C_out/g) and sees only that group's inputs. "
              "groups = C_in is a depthwise convolution.",
    "conv_grads": "Gradients follow from autograd when the forward pass is built from differentiable tensor "
                  "operations on x, weight and bias (no .detach(), .item(), .numpy() or torch.no_grad()).",
    "transpose": "conv_transpose2d scatters: full[n, o, s·y + d·i, s·x + d·j] += x[n, c, y, x] · weight[c, o, i, j] "
                 "(weight is (C_in, C_out, kH, kW)); then padding p crops p from both sides and output_padding "
                 "adds rows/columns at the bottom/right: output size (i−1)s − 2p + d(k−1) + output_padding + 1.",
    "pool": "max_pool2d takes the maximum of each window; padding is -inf (never zeros: it must not win the "
            "max), and stride defaults to kernel_size (not 1). Output size ⌊(i + 2p − k)/s⌋ + 1.",
    "pool_grad": "The gradient of max pooling flows only to the position of each window's maximum; overlapping "
                 "windows that share a maximum add their gradients there.",
    "structure": "Like torch's, the module registers weight and bias as nn.Parameter with torch's names and "
                 "shapes, and bias is None (no 'bias' in state_dict) when bias=False.",
    "load": "A state_dict saved from the torch module loads into yours (same keys, same shapes) and gives the "
            "same output and gradients.",
}

HINTS = {
    "grad_x": "No (or a wrong) gradient reached x: is the output computed from x with differentiable tensor "
              "operations? In-place writes into a fresh tensor (out[...] += ...) are fine; .detach(), .item(), "
              ".numpy(), .data and torch.no_grad() cut the graph.",
    "grad_weight": "weight received no (or a wrong) gradient: is every output value computed from weight "
                   "with differentiable tensor operations?",
    "grad_bias": "bias received no (or a wrong) gradient: add bias[o] to every position of output channel o.",
    "missing_keys": "Your module lacks some of torch's state_dict keys: name the parameters weight and bias "
                    "(and register bias as None when bias=False: self.register_parameter('bias', None)).",
    "unexpected_keys": "torch's state_dict has no such keys for this module: bias=False means no bias "
                       "parameter at all.",
}


def tensor(shape, seed, scale=1.0, shift=0.0) -> dict:
    """A tensor recipe: randn(shape) * scale + shift, from its own seed."""
    return {"shape": list(shape), "seed": seed, "scale": scale, "shift": shift}


def _kwargs(kwargs: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}


def call(number, name, points, fn, x, kwargs, weight=None, bias=None, backward=False, visibility="visible",
         explain="", dtype="float64", **extra) -> Check:
    """A check of one call of ``fn``; compares the output, or the gradients with ``backward``."""
    args = {"fn": fn, "x": x, "kwargs": _kwargs(kwargs), "backward": backward, "dtype": dtype}
    if weight is not None:
        args["weight"] = weight
    if bias is not None:
        args["bias"] = bias
    if fn == "max_pool2d":
        keys = ("grad_x",) if backward else ("out",)
    else:
        keys = tuple(k for k in GRAD_KEYS if k != "grad_bias" or bias is not None) if backward else ("out",)
    return Check(number, name, points, "functional", args, (fn,), visibility=visibility, keys=keys,
                 explain=explain, group=FUNCTION_GROUPS[fn], hints=HINTS, **extra)


def structure(number, name, points, cls, configs, visibility="visible", keys=None, **extra) -> Check:
    return Check(number, name, points, "structure", {"cls": cls, "configs": [_kwargs(c) for c in configs]},
                 (cls,), visibility=visibility, keys=keys, explain=EXPLAIN["structure"], group=cls,
                 hints=HINTS, **extra)


def load(number, name, points, cls, init, x, seed, visibility="visible", dtype="float64", **extra) -> Check:
    """A check that loads a torch-shaped state_dict, then compares output and gradients."""
    return Check(number, name, points, "load_state",
                 {"cls": cls, "init": _kwargs(init), "x": x, "seed": seed, "dtype": dtype},
                 (cls,), visibility=visibility, keys=LOAD_KEYS, explain=EXPLAIN["load"], group=cls, hints=HINTS,
                 **extra)


def structure_keys(cls, configs, parts=("parameters", "state_dict")) -> tuple[str, ...]:
    from ..child.probes.conv import _label

    return tuple(f"{_label(cls, _kwargs(c))}: {part}" for c in configs for part in parts)


CONV2D_MODULES = [dict(in_channels=3, out_channels=4, kernel_size=3),
                  dict(in_channels=4, out_channels=6, kernel_size=(3, 2), groups=2, bias=False)]
TRANSPOSED_MODULES = [dict(in_channels=3, out_channels=2, kernel_size=3),
                      dict(in_channels=2, out_channels=5, kernel_size=(2, 3), stride=2, bias=False)]

# Tolerance: every check but the float32 ones (hidden) runs in float64, so the
# default FLOAT64 tolerance of grader/check.py applies: a conv output here is a
# sum of at most 27 products of O(1) values, which float64 reproduces to
# ~1e-15 in any summation order; rtol 1e-7 is far above that and far below
# the smallest mistake (a misplaced tap or padding row changes values by O(0.1)).
VISIBLE = (
    # conv2d: 7 points
    call("1.1", "conv2d: non-square input and kernel, with bias", 1.0, "conv2d",
         tensor((2, 3, 6, 7), 101), {}, weight=tensor((4, 3, 3, 2), 102), bias=tensor((4,), 103),
         explain=EXPLAIN["conv2d"]),
    call("1.2", "conv2d: stride 2 and padding 1", 1.0, "conv2d",
         tensor((2, 2, 7, 8), 104), {"stride": 2, "padding": 1}, weight=tensor((3, 2, 3, 3), 105),
         explain=EXPLAIN["conv2d"]),
    call("1.3", "conv2d: (h, w) tuples for stride, padding and dilation", 1.0, "conv2d",
         tensor((1, 2, 8, 9), 106), {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)},
         weight=tensor((2, 2, 2, 3), 107), bias=tensor((2,), 108), explain=EXPLAIN["tuples"]),
    call("1.4", "conv2d: dilation 2", 1.0, "conv2d",
         tensor((2, 3, 7, 7), 109), {"dilation": 2, "padding": 1}, weight=tensor((2, 3, 3, 3), 110),
         explain=EXPLAIN["dilation"]),
    call("1.5", "conv2d: groups=2", 1.0, "conv2d",
         tensor((2, 4, 5, 6), 111), {"groups": 2, "padding": 1}, weight=tensor((6, 2, 3, 3), 112),
         bias=tensor((6,), 113), explain=EXPLAIN["groups"]),
    call("1.6", "conv2d: depthwise (groups = in_channels), 2 outputs per channel", 1.0, "conv2d",
         tensor((2, 3, 6, 5), 114), {"groups": 3}, weight=tensor((6, 1, 3, 2), 115), explain=EXPLAIN["groups"]),
    call("1.7", "conv2d: gradients of input, weight and bias", 1.0, "conv2d",
         tensor((2, 4, 6, 7), 116), {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2},
         weight=tensor((4, 2, 3, 2), 117), bias=tensor((4,), 118), backward=True, explain=EXPLAIN["conv_grads"]),
    # conv_transpose2d: 5 points
    call("1.8", "conv_transpose2d: in_channels != out_channels, with bias", 1.0, "conv_transpose2d",
         tensor((2, 3, 4, 5), 121), {}, weight=tensor((3, 2, 3, 2), 122), bias=tensor((2,), 123),
         explain=EXPLAIN["transpose"]),
    call("1.9", "conv_transpose2d: stride 2 and padding 1", 1.0, "conv_transpose2d",
         tensor((2, 3, 4, 4), 124), {"stride": 2, "padding": 1}, weight=tensor((3, 3, 3, 3), 125),
         explain=EXPLAIN["transpose"]),
    call("1.10", "conv_transpose2d: output_padding, with (h, w) tuples", 1.0, "conv_transpose2d",
         tensor((1, 2, 3, 4), 126), {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2)},
         weight=tensor((2, 3, 3, 2), 127), bias=tensor((3,), 128), explain=EXPLAIN["transpose"]),
    call("1.11", "conv_transpose2d: dilation 2", 1.0, "conv_transpose2d",
         tensor((2, 2, 4, 3), 129), {"dilation": 2, "padding": 1}, weight=tensor((2, 3, 2, 3), 130),
         explain=EXPLAIN["transpose"] + " " + EXPLAIN["dilation"]),
    call("1.12", "conv_transpose2d: gradients of input, weight and bias", 1.0, "conv_transpose2d",
         tensor((2, 3, 3, 4), 131),
         {"stride": 2, "padding": (1, 0), "output_padding": (1, 0), "dilation": (1, 2)},
         weight=tensor((3, 2, 3, 3), 132), bias=tensor((2,), 133), backward=True, explain=EXPLAIN["conv_grads"]),
    # max_pool2d: 4 points
    call("1.13", "max_pool2d: kernel 2, default stride", 1.0, "max_pool2d",
         tensor((2, 3, 6, 8), 141), {"kernel_size": 2}, explain=EXPLAIN["pool"]),
    call("1.14", "max_pool2d: kernel 3, stride 2, padding 1, all inputs negative", 1.0, "max_pool2d",
         tensor((2, 2, 7, 6), 142, shift=-4.0), {"kernel_size": 3, "stride": 2, "padding": 1},
         explain=EXPLAIN["pool"]),
    call("1.15", "max_pool2d: (h, w) tuples for kernel and stride", 1.0, "max_pool2d",
         tensor((1, 3, 7, 9), 143), {"kernel_size": (3, 2), "stride": (2, 3), "padding": 1},
         explain=EXPLAIN["pool"] + " " + EXPLAIN["tuples"]),
    call("1.16", "max_pool2d: input gradient, overlapping windows", 1.0, "max_pool2d",
         tensor((2, 2, 6, 6), 144, shift=-1.0), {"kernel_size": 3, "stride": 2, "padding": 1}, backward=True,
         explain=EXPLAIN["pool_grad"]),
    # modules: 4 points
    structure("1.17", "Conv2d: parameters and state_dict as torch's (groups, bias=False)", 1.0,
              "Conv2d", CONV2D_MODULES, keys=structure_keys("Conv2d", CONV2D_MODULES)),
    load("1.18", "Conv2d: loads torch's state_dict; output and gradients", 1.0, "Conv2d",
         dict(in_channels=2, out_channels=4, kernel_size=(2, 3), stride=(1, 2), padding=1, dilation=(2, 1)),
         tensor((2, 2, 6, 7), 151), 152),
    structure("1.19", "ConvTranspose2d: parameters and state_dict as torch's (weight (in, out, kH, kW))", 1.0,
              "ConvTranspose2d", TRANSPOSED_MODULES, keys=structure_keys("ConvTranspose2d", TRANSPOSED_MODULES)),
    load("1.20", "ConvTranspose2d: loads torch's state_dict; output and gradients", 1.0, "ConvTranspose2d",
         dict(in_channels=3, out_channels=2, kernel_size=(3, 2), stride=2, padding=1, output_padding=1),
         tensor((2, 3, 3, 4), 153), 154),
)


def oracle() -> SimpleNamespace:
    import torch
    import torch.nn.functional as F

    return SimpleNamespace(conv2d=F.conv2d, conv_transpose2d=F.conv_transpose2d, max_pool2d=F.max_pool2d,
                           Conv2d=torch.nn.Conv2d, ConvTranspose2d=torch.nn.ConvTranspose2d)


TARGETS = ("conv2d", "conv_transpose2d", "max_pool2d", "Conv2d", "ConvTranspose2d")

ASSIGNMENT = Assignment(
    name="conv",
    title="Convolution layers",
    summary="conv2d, conv_transpose2d, max_pool2d and the Conv2d / ConvTranspose2d modules, same as torch's.",
    required=TARGETS,
    forbidden_functions=(
        # SPEC §1 conv: the built-ins themselves ...
        "torch.nn.functional.conv*", "torch.conv*", "torch.convolution", "torch.nn.Conv*",
        "torch.nn.LazyConv*", "torch.nn.functional.max_pool*", "torch.nn.MaxPool*", "torch.max_pool*",
        "torch.nn.functional.unfold", "torch.nn.functional.fold", "torch.nn.Unfold", "torch.nn.Fold",
        # ... and the same operators under other public names
        "torch.cudnn_convolution*", "torch.mkldnn_convolution", "torch.miopen_convolution*",
        "torch.mkldnn_max_pool*", "torch.quantized_max_pool*", "torch.nn.grad.conv*",
    ),
    # Run-time tripwire: ATen operators that only a forbidden route executes.
    # Tensor.unfold (aten.unfold) and F.pad (aten.constant_pad_nd) stay allowed;
    # F.unfold / F.fold run aten.im2col / aten.col2im.
    forbidden_aten=(r"convolution", r"conv\d", r"conv_transpose", r"conv_depthwise", r"conv_tbc",
                    r"^(?:_|mkldnn_|quantized_|cudnn_)?max_pool", r"im2col", r"col2im"),
    forbidden_prefixes=("torch.ops.aten",),
    visible=VISIBLE,
    oracle=oracle,
    mistakes_module="grader.mistakes.conv",
    hidden_module="grader.hidden.conv",
    groups=("conv2d", "conv_transpose2d", "max_pool2d", "Conv2d", "ConvTranspose2d"),
)
