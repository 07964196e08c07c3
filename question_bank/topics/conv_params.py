"""Learnable parameters of convolutions: plain, grouped, depthwise separable,
stacked 3×3 versus one large kernel, and a Linear layer after a conv stack."""

from __future__ import annotations

import random
from dataclasses import replace

from ..text import bias_term, grouped, lines, yes_no
from ..topic import Mistakes, Params, Topic

CHANNELS = (1, 3, 8, 16, 32, 64, 96, 128, 256)


def conv_param_count(c_in: int, c_out: int, k: int, groups: int = 1, bias: bool = True) -> int:
    """Parameters of ``nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)``: ``c_out·(c_in/g)·k² (+ c_out)``."""
    return c_out * (c_in // groups) * k * k + (c_out if bias else 0)


def _conv_prompt(q: Params) -> str:
    return (
        f"How many learnable parameters does nn.Conv2d(in_channels={q['in_channels']}, "
        f"out_channels={q['out_channels']}, kernel_size={q['kernel_size']}, groups={q['groups']}, "
        f"bias={yes_no(q['bias'])}) have?"
    )


def _conv_answer(q: Params) -> int:
    return conv_param_count(q["in_channels"], q["out_channels"], q["kernel_size"], q["groups"], q["bias"])


def _conv_explain(q: Params) -> str:
    c_in, c_out, k, g, bias = q["in_channels"], q["out_channels"], q["kernel_size"], q["groups"], q["bias"]
    weight = c_out * (c_in // g) * k * k
    steps = [
        "nn.Conv2d's weight has shape (out_channels, in_channels / groups, k, k):",
        f"  ({c_out}, {c_in}/{g}, {k}, {k}) = ({c_out}, {c_in // g}, {k}, {k}) → "
        f"{c_out}·{c_in // g}·{k}² = {grouped(weight)} weights",
    ]
    if g > 1:
        steps.append(f"(each of the {g} groups sees only {c_in // g} of the {c_in} input channels)")
    if bias:
        steps.append(f"bias has shape (out_channels,) = ({c_out},) → {c_out} parameters")
    else:
        steps.append("bias=False: no bias vector")
    steps.append(f"total = {grouped(weight)} + {c_out} = {grouped(_conv_answer(q))}" if bias else f"total = {grouped(weight)}")
    return lines(steps)


def _conv_mistakes(q: Params) -> Mistakes:
    c_in, c_out, k, g, bias = q["in_channels"], q["out_channels"], q["kernel_size"], q["groups"], q["bias"]
    return [
        (conv_param_count(c_in, c_out, k, g, False) if bias else None, "you left out the bias: one per output channel."),
        (conv_param_count(c_in, c_out, k, g, True) if not bias else None, "bias=False: there is no bias vector."),
        (conv_param_count(c_in, c_out, k, 1, bias) if g > 1 else None, "with groups=g each filter sees only in_channels/g channels."),
        (c_out * (c_in // g) * k + (c_out if bias else 0) if k > 1 else None, "the kernel is k×k: use k², not k."),
    ]


def _conv_hint(q: Params) -> str:
    return "weight: (out_channels, in_channels/groups, k, k); bias: (out_channels,) when bias=True."


def _plain_generate(rng: random.Random, level: int) -> Params:
    if level == 1:
        c_in, c_out, k, bias = rng.choice((1, 3, 8, 16, 32)), rng.choice((4, 8, 16, 32, 64)), rng.choice((1, 3, 5)), True
    else:
        c_in, c_out = rng.choice(CHANNELS), rng.choice(CHANNELS[2:])
        k, bias = rng.choice((1, 3, 5, 7)), rng.chance(0.5)
    g = 1
    if level == 3:
        g = rng.choice((1, 2, 4))
        c_in, c_out = g * rng.randint(1, 32), g * rng.randint(1, 32)
    return {"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "groups": g, "bias": bias}


def _grouped_generate(rng: random.Random, level: int) -> Params:
    k = rng.choice((3, 3, 5, 1))
    if level == 1:
        g, bias = 2, True
        c_in, c_out = 2 * rng.randint(2, 32), 2 * rng.randint(2, 32)
    elif level == 2:
        g, bias = rng.choice((2, 4, 8, 16)), rng.chance(0.5)
        c_in, c_out = g * rng.randint(1, 16), g * rng.randint(1, 16)
    else:  # depthwise: one group per input channel, channel multiplier m
        c_in, bias = rng.choice((8, 16, 32, 64, 128, 256)), rng.chance(0.5)
        g, c_out = c_in, c_in * rng.choice((1, 1, 2, 4))
    return {"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "groups": g, "bias": bias}


CONV2D_PARAMS = Topic(
    name="conv2d_params",
    title="Conv2d parameter count",
    generate=_plain_generate,
    prompt=_conv_prompt,
    answer=_conv_answer,
    explain=_conv_explain,
    hint=_conv_hint,
    mistakes=_conv_mistakes,
    module="nn.Conv2d",
)

# Same count, questions that always group (depthwise at the hard level).
GROUPED_CONV2D_PARAMS = replace(
    CONV2D_PARAMS,
    name="grouped_conv2d_params",
    title="Grouped and depthwise Conv2d parameters",
    generate=_grouped_generate,
    hint=lambda q: "groups=g splits the channels into g independent convs: weight (out, in/g, k, k); depthwise is g = in.",
)


# --------------------------------------------------- depthwise_separable_params

def _separable_generate(rng: random.Random, level: int) -> Params:
    c_in = rng.choice((8, 16, 32, 64, 128, 256) if level > 1 else (8, 16, 32))
    c_out = rng.choice((16, 32, 64, 128, 256, 512) if level > 1 else (16, 32, 64))
    k = 3 if level == 1 else rng.choice((3, 5, 7))
    return {"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "bias": level == 1 or rng.chance(0.5)}


def _separable_parts(q: Params) -> tuple[int, int]:
    c_in, c_out, k, bias = q["in_channels"], q["out_channels"], q["kernel_size"], q["bias"]
    return conv_param_count(c_in, c_in, k, c_in, bias), conv_param_count(c_in, c_out, 1, 1, bias)


def _separable_explain(q: Params) -> str:
    c_in, c_out, k, bias = q["in_channels"], q["out_channels"], q["kernel_size"], q["bias"]
    depth, point = _separable_parts(q)
    full = conv_param_count(c_in, c_out, k, 1, bias)
    return lines(
        f"depthwise: nn.Conv2d({c_in}, {c_in}, {k}, groups={c_in}) has weight ({c_in}, 1, {k}, {k})",
        f"  → {c_in}·{k}² = {grouped(c_in * k * k)}{bias_term(bias, c_in)} = {grouped(depth)}",
        f"pointwise: nn.Conv2d({c_in}, {c_out}, 1) has weight ({c_out}, {c_in}, 1, 1)",
        f"  → {c_out}·{c_in} = {grouped(c_in * c_out)}{bias_term(bias, c_out)} = {grouped(point)}",
        f"total = {grouped(depth)} + {grouped(point)} = {grouped(depth + point)}",
        f"(a plain {k}×{k} Conv2d({c_in}, {c_out}) would have {grouped(full)}, {full / (depth + point):.1f}× as many)",
    )


def _separable_mistakes(q: Params) -> Mistakes:
    c_in, c_out, k, bias = q["in_channels"], q["out_channels"], q["kernel_size"], q["bias"]
    return [
        (conv_param_count(c_in, c_out, k, 1, bias), "that is a plain conv; the separable one is depthwise k×k + pointwise 1×1."),
        (sum(_separable_parts({**q, "bias": False})) if bias else None, "both convs have a bias (c_in and c_out terms)."),
    ]


DEPTHWISE_SEPARABLE_PARAMS = Topic(
    name="depthwise_separable_params",
    title="Depthwise separable conv parameters",
    generate=_separable_generate,
    prompt=lambda q: (
        f"A depthwise separable convolution replaces nn.Conv2d({q['in_channels']}, {q['out_channels']}, "
        f"kernel_size={q['kernel_size']}) by a depthwise nn.Conv2d({q['in_channels']}, {q['in_channels']}, "
        f"kernel_size={q['kernel_size']}, groups={q['in_channels']}) followed by a pointwise "
        f"nn.Conv2d({q['in_channels']}, {q['out_channels']}, kernel_size=1), both with bias={yes_no(q['bias'])}. "
        "How many learnable parameters do the two layers have together?"
    ),
    answer=lambda q: sum(_separable_parts(q)),
    explain=_separable_explain,
    hint=lambda q: "depthwise: c_in·k² (one k×k filter per channel); pointwise: c_in·c_out; plus the biases.",
    mistakes=_separable_mistakes,
    module="nn.Conv2d",
)


# ---------------------------------------------------------- stacked_3x3_saving

def _stacked_generate(rng: random.Random, level: int) -> Params:
    n = 3 if level == 3 and rng.chance(0.5) else 2
    return {"channels": rng.choice(CHANNELS[1:]), "num_layers": n, "bias": level > 1 and rng.chance(0.6)}


def _stacked_answer(q: Params) -> int:
    c, n, bias = q["channels"], q["num_layers"], q["bias"]
    return conv_param_count(c, c, 2 * n + 1, 1, bias) - n * conv_param_count(c, c, 3, 1, bias)


def _stacked_explain(q: Params) -> str:
    c, n, bias = q["channels"], q["num_layers"], q["bias"]
    big, small = 2 * n + 1, conv_param_count(c, c, 3, 1, bias)
    big_count = conv_param_count(c, c, big, 1, bias)
    return lines(
        f"Receptive field: each 3×3 layer (stride 1) adds 2, so {n} of them see 1 + {n}·2 = {big} inputs, "
        f"the same as one {big}×{big}.",
        f"one {big}×{big}: {c}·{c}·{big}²{bias_term(bias, c)} = {grouped(big_count)}",
        f"{n} × 3×3: {n}·({c}·{c}·3²{bias_term(bias, c)}) = {n}·{grouped(small)} = {grouped(n * small)}",
        f"saved = {grouped(big_count)} − {grouped(n * small)} = {grouped(_stacked_answer(q))}",
        f"(and the stack puts {n - 1} more non-linearit{'y' if n == 2 else 'ies'} in between)",
    )


STACKED_3X3_SAVING = Topic(
    name="stacked_3x3_saving",
    title="Stacked 3×3 convs vs one large kernel",
    generate=_stacked_generate,
    prompt=lambda q: (
        f"A stack of {q['num_layers']} nn.Conv2d({q['channels']}, {q['channels']}, kernel_size=3) layers "
        f"(stride 1) has the same receptive field as one nn.Conv2d({q['channels']}, {q['channels']}, "
        f"kernel_size={2 * q['num_layers'] + 1}). All layers have bias={yes_no(q['bias'])}. How many "
        "parameters does the stack save compared with the single layer?"
    ),
    answer=_stacked_answer,
    explain=_stacked_explain,
    hint=lambda q: "Count c·c·k² (+ c bias) for each layer; n stacked 3×3 layers cover 2n + 1 inputs.",
    mistakes=lambda q: [
        (
            (2 * q["num_layers"] + 1) ** 2 * q["channels"] ** 2 - q["num_layers"] * 9 * q["channels"] ** 2
            if q["bias"] else None,
            "count the biases too: the stack has one bias vector per layer.",
        )
    ],
    module="nn.Conv2d",
)


# ------------------------------------------------------- fc_after_conv_params

def _fc_generate(rng: random.Random, level: int) -> Params:
    c = rng.choice((8, 16, 32, 64) if level == 1 else CHANNELS[2:])
    h = rng.choice((1, 2, 4, 5, 7)) if level < 3 else rng.randint(1, 14)
    w = h if level < 3 else rng.randint(1, 14)
    n = rng.choice((10, 64, 100, 120, 256, 512, 1000, 4096))
    return {"channels": c, "height": h, "width": w, "out_features": n, "bias": level == 1 or rng.chance(0.7)}


def _fc_answer(q: Params) -> int:
    return q["channels"] * q["height"] * q["width"] * q["out_features"] + (q["out_features"] if q["bias"] else 0)


FC_AFTER_CONV_PARAMS = Topic(
    name="fc_after_conv_params",
    title="Linear layer after a conv feature map",
    generate=_fc_generate,
    prompt=lambda q: (
        f"A conv stack produces feature maps of shape (C, H, W) = ({q['channels']}, {q['height']}, "
        f"{q['width']}) per example. They are flattened and fed to nn.Linear(in_features, "
        f"{q['out_features']}, bias={yes_no(q['bias'])}). How many learnable parameters does that Linear layer have?"
    ),
    answer=_fc_answer,
    explain=lambda q: lines(
        f"in_features = C·H·W = {q['channels']}·{q['height']}·{q['width']} = "
        f"{grouped(q['channels'] * q['height'] * q['width'])} (nn.Flatten keeps every element)",
        f"weight: (out, in) → {q['out_features']}·{grouped(q['channels'] * q['height'] * q['width'])}"
        f" = {grouped(q['channels'] * q['height'] * q['width'] * q['out_features'])}",
        f"bias: {q['out_features'] if q['bias'] else 'none (bias=False)'}",
        f"total = c·m_w·m_h·n{' + n' if q['bias'] else ''} = {grouped(_fc_answer(q))}",
    ),
    hint=lambda q: "Flattening keeps all C·H·W numbers: parameters = C·H·W·n (+ n for the bias).",
    mistakes=lambda q: [
        (q["channels"] * q["height"] * q["width"] * q["out_features"] if q["bias"] else None, "you left out the bias (n terms)."),
        (q["channels"] * q["out_features"] + (q["out_features"] if q["bias"] else 0), "in_features is C·H·W, not C: flattening keeps every position."),
    ],
    module="nn.Linear",
)
