"""Receptive field of one output unit of a conv/pool stack, along one axis."""

from __future__ import annotations

import random

from ..arith import effective_kernel
from ..text import lines
from ..topic import Mistakes, Params, Topic

Layer = dict[str, int | str]


def _conv(rng: random.Random, ks: tuple[int, ...], strides: tuple[int, ...], dils: tuple[int, ...]) -> Layer:
    return {"type": "conv", "kernel_size": rng.choice(ks), "stride": rng.choice(strides), "dilation": rng.choice(dils)}


def _generate(rng: random.Random, level: int) -> Params:
    layers: list[Layer] = []
    if level == 1:
        for _ in range(rng.randint(2, 3)):
            layers.append(_conv(rng, (3, 3, 5), (1,), (1,)))
    elif level == 2:
        for _ in range(rng.randint(3, 4)):
            if layers and rng.chance(0.35):
                layers.append({"type": "pool", "kernel_size": 2, "stride": 2})
            else:
                layers.append(_conv(rng, (3, 5), (1, 1, 2), (1,)))
    else:
        for _ in range(rng.randint(3, 5)):
            if layers and rng.chance(0.3):
                k = rng.choice((2, 3))
                layers.append({"type": "pool", "kernel_size": k, "stride": 2})
            else:
                layers.append(_conv(rng, (3, 5, 7), (1, 2), (1, 1, 2)))
    return {"layers": layers}


def describe(layer: Layer) -> str:
    """``"Conv2d k=3, s=1, d=2"`` or ``"MaxPool2d k=2, s=2"``."""
    if layer["type"] == "pool":
        return f"MaxPool2d kernel_size={layer['kernel_size']}, stride={layer['stride']}"
    text = f"Conv2d kernel_size={layer['kernel_size']}, stride={layer['stride']}"
    return text + (f", dilation={layer['dilation']}" if layer.get("dilation", 1) != 1 else "")


def _walk(layers: list[Layer]) -> list[tuple[int, int, int, int]]:
    """Per layer ``(k_eff, stride, jump before, receptive field after)``."""
    rows, r, jump = [], 1, 1
    for layer in layers:
        k = effective_kernel(int(layer["kernel_size"]), int(layer.get("dilation", 1)))
        s = int(layer["stride"])
        r += (k - 1) * jump
        rows.append((k, s, jump, r))
        jump *= s
    return rows


def receptive_field(layers: list[Layer]) -> int:
    """``r = 1 + Σ_l (k_l − 1)·Π_{m<l} s_m`` with dilated kernels ``k = d(k − 1) + 1``."""
    return _walk(layers)[-1][3]


def _explain(q: Params) -> str:
    steps = ["Walk up the stack: r_l = r_(l−1) + (k_l − 1)·j_(l−1), j_l = j_(l−1)·s_l, starting at r = 1, j = 1",
             "(j is the jump: how many input pixels one step in layer l's input spans; a dilated kernel counts",
             " as k_eff = d·(k − 1) + 1)"]
    r = 1
    for n, (layer, (k, s, jump, r_new)) in enumerate(zip(q["layers"], _walk(q["layers"])), start=1):
        steps.append(f"{n}. {describe(layer)}: r = {r} + ({k} − 1)·{jump} = {r_new}; j = {jump}·{s} = {jump * s}")
        r = r_new
    steps.append(f"receptive field = {r} input pixels along each axis")
    return lines(steps)


def _mistakes(q: Params) -> Mistakes:
    layers = q["layers"]
    no_jump = 1 + sum(effective_kernel(int(l["kernel_size"]), int(l.get("dilation", 1))) - 1 for l in layers)
    return [(no_jump, "later layers' kernels are spread out by the strides below them: multiply by the jump.")]


RECEPTIVE_FIELD = Topic(
    name="receptive_field",
    title="Receptive field of a conv/pool stack",
    generate=_generate,
    prompt=lambda q: lines(
        "The layers below are applied in order (padding does not matter here):",
        [f"  {n}. {describe(layer)}" for n, layer in enumerate(q["layers"], start=1)],
        "How many input pixels along one axis does one output unit of the last layer see (its receptive field)?",
    ),
    answer=lambda q: receptive_field(q["layers"]),
    explain=_explain,
    hint=lambda q: "Each layer adds (k − 1) times the product of the strides below it: r = 1 + Σ (k_l − 1)·Π s_m.",
    mistakes=_mistakes,
)
