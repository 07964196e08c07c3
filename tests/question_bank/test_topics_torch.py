"""Every topic whose answer torch can produce is checked against the real module.

Shapes come from running the module on an input of the generated size;
parameter counts from ``module.parameters()`` (built on the meta device, so
no memory is allocated); FLOPs from ``torch.utils.flop_counter``; receptive
fields from the gradient of one output unit. Hundreds of seeds per topic.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pytest
import sympy
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from question_bank.question import make_question
from question_bank.topics import TOPICS

SEEDS = range(300)
torch.set_num_threads(1)  # tiny ops: threads only add contention (and xdist runs workers side by side)
Params = dict[str, Any]


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _side(module: nn.Module, size: int, channels: int = 1) -> int:
    with torch.no_grad():
        out = module(torch.zeros(1, channels, size, size))
    assert out.shape[-1] == out.shape[-2]
    return out.shape[-1]


def conv2d_output(p: Params) -> int:
    return _side(nn.Conv2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["dilation"]), p["in_size"])


def conv_transpose2d_output(p: Params) -> int:
    module = nn.ConvTranspose2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["output_padding"],
                                dilation=p["dilation"])
    return _side(module, p["in_size"])


def pool2d_output(p: Params) -> int:
    return _side(nn.MaxPool2d(p["kernel_size"], p["stride"], p["padding"], ceil_mode=p["ceil_mode"]), p["in_size"])


def conv2d_params(p: Params) -> int:
    with torch.device("meta"):
        module = nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel_size"], groups=p["groups"], bias=p["bias"])
        module(torch.empty(1, p["in_channels"], p["kernel_size"], p["kernel_size"]))
    return _count(module)


def depthwise_separable_params(p: Params) -> int:
    with torch.device("meta"):
        module = nn.Sequential(
            nn.Conv2d(p["in_channels"], p["in_channels"], p["kernel_size"], groups=p["in_channels"], bias=p["bias"]),
            nn.Conv2d(p["in_channels"], p["out_channels"], 1, bias=p["bias"]),
        )
        module(torch.empty(1, p["in_channels"], p["kernel_size"], p["kernel_size"]))
    return _count(module)


def stacked_3x3_saving(p: Params) -> int:
    c, n, bias = p["channels"], p["num_layers"], p["bias"]
    with torch.device("meta"):
        stack = nn.Sequential(*(nn.Conv2d(c, c, 3, bias=bias) for _ in range(n)))
        single = nn.Conv2d(c, c, 2 * n + 1, bias=bias)
        x = torch.empty(1, c, 2 * n + 1, 2 * n + 1)
        # same receptive field: both reduce a (2n+1)-wide input to a single position
        assert stack(x).shape[-2:] == single(x).shape[-2:] == (1, 1)
    return _count(single) - _count(stack)


def fc_after_conv_params(p: Params) -> int:
    with torch.device("meta"):
        linear = nn.Linear(p["channels"] * p["height"] * p["width"], p["out_features"], bias=p["bias"])
        nn.Sequential(nn.Flatten(), linear)(torch.empty(2, p["channels"], p["height"], p["width"]))
    return _count(linear)


def linear_params(p: Params) -> int:
    with torch.device("meta"):
        module = nn.Linear(p["in_features"], p["out_features"], bias=p["bias"])
        module(torch.empty(1, p["in_features"]))
    return _count(module)


def _rnn(cls: type[nn.Module], p: Params, run: bool) -> int:
    module = cls(p["input_size"], p["hidden_size"], p["num_layers"], bias=p["bias"],
                 bidirectional=p["bidirectional"], device="cpu" if run else "meta")
    if run:  # a real forward pass for some seeds (meta-device RNNs are slow to run)
        with torch.no_grad():
            module(torch.zeros(2, 1, p["input_size"]))
    return _count(module)


def batchnorm_params(p: Params, run: bool) -> int:
    module = nn.BatchNorm2d(p["num_features"], affine=p["affine"], track_running_stats=p["track_running_stats"])
    if run:
        module(torch.randn(2, p["num_features"], 3, 3))
    tensors = module.parameters() if p["count"] == "parameters" else module.buffers()
    return sum(t.numel() for t in tensors)


def mha_params(p: Params) -> int:
    e = p["embed_dim"]
    with torch.device("meta"):
        module = nn.MultiheadAttention(e, p["num_heads"], bias=p["bias"], add_bias_kv=p["add_bias_kv"],
                                       kdim=p["kdim"], vdim=p["vdim"])
        module(torch.empty(2, 1, e), torch.empty(3, 1, p["kdim"]), torch.empty(3, 1, p["vdim"]))
    return _count(module)


def _flops(p: Params) -> int:
    with torch.device("meta"):
        module = nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel_size"], p["stride"], p["padding"],
                           groups=p["groups"])
        with FlopCounterMode(display=False) as counter:
            module(torch.empty(1, p["in_channels"], p["in_size"], p["in_size"]))
    return counter.get_total_flops()


def receptive_field(p: Params) -> int:
    """Extent of the non-zero gradient of output unit 0 with all-positive weights.

    The layers are Conv2d/AvgPool2d with (k, 1) kernels: the same geometry as
    k×k along the measured axis, on a one-pixel-wide input.
    """
    layers: list[nn.Module] = []
    size, jump = 1, 1
    for layer in p["layers"]:
        k, s, d = layer["kernel_size"], layer["stride"], layer.get("dilation", 1)
        if layer["type"] == "pool":  # same geometry as max pooling, but every input gets gradient
            layers.append(nn.AvgPool2d((k, 1), (s, 1)))
        else:
            conv = nn.Conv2d(1, 1, (k, 1), (s, 1), dilation=(d, 1), bias=False)
            nn.init.constant_(conv.weight, 1.0)
            layers.append(conv)
        size += d * k * jump
        jump *= s
    size += 2 * jump
    x = torch.zeros(1, 1, size, 1, dtype=torch.float64, requires_grad=True)
    out = nn.Sequential(*layers).double()(x)
    out[0, 0, 0, 0].backward()
    rows = torch.nonzero(x.grad[0, 0, :, 0]).flatten()
    assert rows[-1] < size - 1, "input too small to see the whole field"
    return int(rows[-1]) + 1


def network_walk(p: Params) -> tuple[int, ...]:
    layers: list[nn.Module] = []
    channels, features = p["in_channels"], 0
    for layer in p["layers"][: p["layer"]]:
        kind = layer["type"]
        if kind == "conv":
            layers.append(nn.Conv2d(channels, layer["out_channels"], layer["kernel_size"], layer["stride"], layer["padding"]))
            channels = layer["out_channels"]
        elif kind == "maxpool":
            layers.append(nn.MaxPool2d(layer["kernel_size"], layer["stride"]))
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "flatten":
            layers.append(nn.Flatten())
        else:
            layers.append(nn.LazyLinear(layer["out_features"]) if not features else nn.Linear(features, layer["out_features"]))
        if kind in ("flatten", "linear"):
            features = -1
    with torch.device("meta"):
        net = nn.Sequential(*layers).to("meta")
        out = net(torch.empty(1, p["in_channels"], p["in_size"], p["in_size"], device="meta"))
    return tuple(out.shape[1:])


SYMBOLS = {name: sympy.Symbol(name) for name in ("i", "c_in", "c_out", "k", "g", "h")}


@functools.lru_cache(maxsize=None)
def _sympy(answer: str) -> sympy.Expr:
    """Our own answer strings (trusted) must be sympy-parsable: SPEC §4."""
    return sympy.sympify(answer, locals=SYMBOLS)


def _formula(answer: str, **values: int) -> int:
    return int(_sympy(answer).subs({SYMBOLS[k]: v for k, v in values.items()}))


def conv_output_formula(p: Params, answer: str) -> None:
    lowest = max(1, p["dilation"] * (p["kernel_size"] - 1) + 1 - 2 * p["padding"])
    for i in range(lowest, lowest + 7):
        module = nn.Conv2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["dilation"])
        assert _formula(answer, i=i) == _side(module, i), (answer, i)


def conv_transpose_output_formula(p: Params, answer: str) -> None:
    for i in range(1, 6):
        module = nn.ConvTranspose2d(1, 1, p["kernel_size"], p["stride"], p["padding"], p["output_padding"],
                                    dilation=p["dilation"])
        assert _formula(answer, i=i) == _side(module, i), (answer, i)


def param_count_formula(p: Params, answer: str) -> None:
    for c_in, c_out, k, g, i, h in [(4, 6, 3, 2, 5, 7), (8, 16, 5, 4, 3, 2), (6, 9, 1, 3, 10, 4)]:
        with torch.device("meta"):
            module: nn.Module = {
                "linear": lambda: nn.Linear(i, h, bias=p["bias"]),
                "conv": lambda: nn.Conv2d(c_in, c_out, k, bias=p["bias"]),
                "grouped": lambda: nn.Conv2d(c_in, c_out, k, groups=g, bias=p["bias"]),
                "separable": lambda: nn.Sequential(nn.Conv2d(c_in, c_in, k, groups=c_in, bias=p["bias"]),
                                                   nn.Conv2d(c_in, c_out, 1, bias=p["bias"])),
                "lstm": lambda: nn.LSTM(i, h, bias=p["bias"]),
                "gru": lambda: nn.GRU(i, h, bias=p["bias"]),
            }[p["layer"]]()
        values = {"c_in": c_in, "c_out": c_out, "k": k, "g": g, "i": i, "h": h}
        assert _formula(answer, **values) == _count(module), (answer, values)


MEASURED: dict[str, Callable[[Params], object]] = {
    "conv2d_output": conv2d_output,
    "dilated_conv2d_output": conv2d_output,
    "conv_transpose2d_output": conv_transpose2d_output,
    "pool2d_output": pool2d_output,
    "conv2d_params": conv2d_params,
    "grouped_conv2d_params": conv2d_params,
    "depthwise_separable_params": depthwise_separable_params,
    "stacked_3x3_saving": stacked_3x3_saving,
    "fc_after_conv_params": fc_after_conv_params,
    "linear_params": linear_params,
    "lstm_params": lambda p: _rnn(nn.LSTM, p, run=False),
    "gru_params": lambda p: _rnn(nn.GRU, p, run=False),
    "batchnorm_params": lambda p: batchnorm_params(p, run=False),
    "mha_params": mha_params,
    "conv2d_flops": _flops,
    "conv2d_macs": lambda p: _flops(p) // 2,
    "receptive_field": receptive_field,
    "network_walk": network_walk,
}
FORMULAS: dict[str, Callable[[Params, str], None]] = {
    "conv_output_formula": conv_output_formula,
    "conv_transpose_output_formula": conv_transpose_output_formula,
    "param_count_formula": param_count_formula,
}
NO_TORCH_MODULE = {"edge_length_fraction", "hypersphere_volume_ratio"}


def test_every_topic_is_verified_somewhere() -> None:
    assert set(TOPICS) == set(MEASURED) | set(FORMULAS) | NO_TORCH_MODULE


@pytest.mark.parametrize("topic", sorted(MEASURED))
def test_answer_matches_torch(topic: str) -> None:
    torch.manual_seed(0)
    for seed in SEEDS:
        q = make_question(topic, seed)
        assert q.value == MEASURED[topic](q.params), f"{q.id}: {q.params}"


RUN_SEEDS = range(25)
RUN: dict[str, Callable[[Params], object]] = {
    "lstm_params": lambda p: _rnn(nn.LSTM, p, run=True),
    "gru_params": lambda p: _rnn(nn.GRU, p, run=True),
    "batchnorm_params": lambda p: batchnorm_params(p, run=True),
}


@pytest.mark.parametrize("topic", sorted(RUN))
def test_heavy_modules_run_on_the_generated_sizes(topic: str) -> None:
    for seed in RUN_SEEDS:
        q = make_question(topic, seed)
        assert q.value == RUN[topic](q.params), f"{q.id}: {q.params}"


@pytest.mark.parametrize("topic", sorted(FORMULAS))
def test_formula_matches_torch(topic: str) -> None:
    for seed in range(120):
        q = make_question(topic, seed)
        FORMULAS[topic](q.params, q.answer)


def test_every_difficulty_is_covered_by_the_sweep() -> None:
    for topic in TOPICS:
        assert {make_question(topic, s).level for s in SEEDS} == {1, 2, 3}, topic


def test_pool_sweep_hits_the_ceil_mode_last_window_rule() -> None:
    from question_bank.arith import pool_last_window_dropped

    dropped = [make_question("pool2d_output", s).params for s in SEEDS]
    assert any(pool_last_window_dropped(p["in_size"], p["kernel_size"], p["stride"], p["padding"], p["ceil_mode"])
               for p in dropped)


def test_edge_length_holds_the_fraction() -> None:
    """e^d is the fraction of uniform data inside the sub-cube; checked by sampling for low d."""
    generator = torch.Generator().manual_seed(0)
    for seed in range(200):
        q = make_question("edge_length_fraction", seed)
        d, r = q.params["dims"], q.params["fraction"]
        assert math.isclose(float(q.answer) ** d, r, rel_tol=d * 2e-6)
        if d <= 3 and seed < 20:
            points = torch.rand(200_000, d, generator=generator)
            inside = (points < float(q.answer)).all(dim=1).double().mean().item()
            assert abs(inside - r) < 0.01


def test_sphere_ratio_by_recursion_and_sampling() -> None:
    """Independent checks: V_d = V_(d-2)·2πR²/d, and Monte Carlo for d <= 6."""
    volume = {0: 1.0, 1: 1.0}  # unit cube side 1, R = 1/2: V_0 = 1, V_1 = 2R = 1
    for d in range(2, 21):
        volume[d] = volume[d - 2] * 2 * math.pi * 0.25 / d
    generator = torch.Generator().manual_seed(1)
    seen = set()
    for seed in range(200):
        q = make_question("hypersphere_volume_ratio", seed)
        d = q.params["dims"]
        assert math.isclose(float(q.answer), volume[d], rel_tol=1e-5)
        if d <= 6 and d not in seen:
            seen.add(d)
            points = torch.rand(400_000, d, generator=generator) - 0.5
            inside = (points.pow(2).sum(dim=1) <= 0.25).double().mean().item()
            assert abs(inside - volume[d]) < 0.01
