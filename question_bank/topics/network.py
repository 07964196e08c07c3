"""A small network walk: the output shape after layer k of a LeNet/VGG-style stack."""

from __future__ import annotations

import random

from ..arith import conv_out, pool_out
from ..text import lines
from ..topic import Params, Topic

Layer = dict[str, int | str]
Shape = tuple[int, ...]


def _conv(c: int, k: int, s: int = 1, p: int = 0) -> Layer:
    return {"type": "conv", "out_channels": c, "kernel_size": k, "stride": s, "padding": p}


RELU: Layer = {"type": "relu"}


def _pool(k: int = 2, s: int = 2) -> Layer:
    return {"type": "maxpool", "kernel_size": k, "stride": s}


def _lenet(rng: random.Random) -> tuple[int, int, list[Layer]]:
    c1, c2 = rng.choice((6, 8)), rng.choice((16, 20))
    pad = rng.choice((0, 2))
    layers = [_conv(c1, 5, 1, pad), RELU, _pool(), _conv(c2, 5), RELU, _pool(), {"type": "flatten"},
              {"type": "linear", "out_features": 120}, RELU, {"type": "linear", "out_features": 84}, RELU,
              {"type": "linear", "out_features": 10}]
    return 1, rng.choice((28, 32)), layers


def _vgg(rng: random.Random) -> tuple[int, int, list[Layer]]:
    c, layers = rng.choice((16, 32, 64)), []
    for _ in range(rng.randint(2, 3)):
        for _ in range(rng.randint(1, 2)):
            layers += [_conv(c, 3, 1, 1), RELU]
        layers.append(_pool())
        c *= 2
    layers += [{"type": "flatten"}, {"type": "linear", "out_features": rng.choice((10, 100, 256))}]
    return 3, rng.choice((32, 48, 64, 224 // 4)), layers


def _mixed(rng: random.Random) -> tuple[int, int, list[Layer]]:
    size, c, layers = rng.randint(20, 96), rng.choice((1, 3)), []
    current = size
    for _ in range(rng.randint(3, 5)):
        if layers and rng.chance(0.35):
            k = rng.choice((2, 3))
            candidate, new = _pool(k, 2), pool_out(current, k, 2)
        else:
            k = rng.choice((3, 5, 7))
            s, p = rng.choice((1, 2)), rng.randint(0, k // 2)
            candidate, new = _conv(rng.choice((8, 16, 32, 64)), k, s, p), conv_out(current, k, s, p)
        if new < 1:
            break
        layers += [candidate, RELU] if candidate["type"] == "conv" else [candidate]
        current = new
    layers += [{"type": "flatten"}, {"type": "linear", "out_features": rng.choice((10, 128))}]
    return c, size, layers


def _generate(rng: random.Random, level: int) -> Params:
    in_channels, in_size, layers = (_lenet, _vgg, _mixed)[level - 1](rng)
    spatial = [n for n, layer in enumerate(layers, start=1) if layer["type"] in ("conv", "maxpool")]
    pick = rng.choice(spatial[1:] if level > 1 and len(spatial) > 1 else spatial)
    if level == 3 and rng.chance(0.3):
        pick = len(layers) - 1 if layers[-2]["type"] == "flatten" else len(layers)
    return {"in_channels": in_channels, "in_size": in_size, "layers": layers, "layer": pick}


def step(shape: Shape, layer: Layer) -> tuple[Shape, str]:
    """Shape after one layer (batch dimension left out) and the working."""
    kind = layer["type"]
    if kind == "conv":
        c, h, _ = shape
        k, s, p = int(layer["kernel_size"]), int(layer["stride"]), int(layer["padding"])
        o = conv_out(h, k, s, p)
        return (int(layer["out_channels"]), o, o), f"⌊({h} + 2·{p} − {k}) / {s}⌋ + 1 = {o}; channels → {layer['out_channels']}"
    if kind == "maxpool":
        c, h, _ = shape
        k, s = int(layer["kernel_size"]), int(layer["stride"])
        o = pool_out(h, k, s)
        return (c, o, o), f"⌊({h} − {k}) / {s}⌋ + 1 = {o}; channels unchanged"
    if kind == "flatten":
        total = 1
        for d in shape:
            total *= d
        return (total,), f"{'·'.join(map(str, shape))} = {total} features"
    if kind == "linear":
        return (int(layer["out_features"]),), f"{layer['out_features']} features"
    return shape, "shape unchanged"


def describe(layer: Layer, in_channels: int | None) -> str:
    """The layer as torch code, e.g. ``nn.Conv2d(3, 16, kernel_size=3, padding=1)``."""
    kind = layer["type"]
    if kind == "conv":
        extra = "".join(f", {name}={layer[name]}" for name in ("stride", "padding") if layer[name] != (1 if name == "stride" else 0))
        return f"nn.Conv2d({in_channels}, {layer['out_channels']}, kernel_size={layer['kernel_size']}{extra})"
    if kind == "maxpool":
        return f"nn.MaxPool2d(kernel_size={layer['kernel_size']}, stride={layer['stride']})"
    if kind == "linear":
        return f"nn.Linear({in_channels}, {layer['out_features']})"
    return {"relu": "nn.ReLU()", "flatten": "nn.Flatten()"}[str(kind)]


def walk(q: Params) -> list[tuple[Layer, Shape, Shape, str]]:
    """``(layer, input shape, output shape, working)`` for every layer."""
    shape: Shape = (q["in_channels"], q["in_size"], q["in_size"])
    rows = []
    for layer in q["layers"]:
        new, why = step(shape, layer)
        rows.append((layer, shape, new, why))
        shape = new
    return rows


def _prompt(q: Params) -> str:
    listing = [f"  {n}. {describe(layer, shape[0])}" for n, (layer, shape, _, _) in enumerate(walk(q), start=1)]
    return lines(
        f"An input of shape (C, H, W) = ({q['in_channels']}, {q['in_size']}, {q['in_size']}) "
        "goes through nn.Sequential of:",
        listing,
        f"What is the output shape of layer {q['layer']}? Leave out the batch dimension; "
        "answer (C, H, W), or (features,) after Flatten/Linear.",
    )


def _explain(q: Params) -> str:
    steps = [f"start: ({q['in_channels']}, {q['in_size']}, {q['in_size']}); conv o = ⌊(i + 2p − k)/s⌋ + 1, "
             "pool o = ⌊(i − k)/s⌋ + 1"]
    for n, (layer, shape, new, why) in enumerate(walk(q)[: q["layer"]], start=1):
        steps.append(f"{n}. {describe(layer, shape[0])}: {why} → {new}")
    return lines(steps)


NETWORK_WALK = Topic(
    name="network_walk",
    title="Network walk: shape after layer k",
    generate=_generate,
    prompt=_prompt,
    answer=lambda q: walk(q)[q["layer"] - 1][2],
    explain=_explain,
    hint=lambda q: "Go layer by layer: convs and pools change H and W by their formula, convs set C, ReLU changes nothing.",
    kind="shape",
    module="nn.Sequential",
)
