"""Compute cost of a convolution: multiply-accumulates (MACs) and FLOPs.

Convention, stated in every prompt: one MAC is one multiply and one add;
FLOPs = 2 × MACs; the bias addition is not counted; batch size 1. This is
what ``torch.utils.flop_counter.FlopCounterMode`` reports for a conv.
"""

from __future__ import annotations

import random

from ..arith import conv_out
from ..text import grouped, lines
from ..topic import Mistakes, Params, Topic

CONVENTION = "Count one MAC per multiply-add, FLOPs = 2 × MACs, ignore the bias, batch size 1."


def _generate(rng: random.Random, level: int) -> Params:
    k = rng.choice((1, 3, 5) if level == 1 else (1, 3, 5, 7))
    c_in, c_out = rng.choice((1, 3, 8, 16, 32)), rng.choice((8, 16, 32, 64))
    s, p, g = 1, k // 2, 1
    i = rng.choice((8, 16, 28, 32, 56, 64))
    if level >= 2:
        s, p = rng.choice((1, 2)), rng.randint(0, k // 2)
        i = rng.randint(max(k, 7), 64)
    if level == 3:
        g = rng.choice((1, 2, 4))
        c_in, c_out = g * rng.randint(1, 16), g * rng.randint(1, 16)
    return {"in_channels": c_in, "out_channels": c_out, "kernel_size": k, "in_size": i,
            "stride": s, "padding": p, "groups": g}


def macs(q: Params) -> int:
    """MACs of the conv: ``H_out·W_out·C_out·(C_in/groups)·k²``."""
    o = conv_out(q["in_size"], q["kernel_size"], q["stride"], q["padding"])
    return o * o * q["out_channels"] * (q["in_channels"] // q["groups"]) * q["kernel_size"] ** 2


def _explain(q: Params, flops: bool) -> str:
    i, k, s, p, g = q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["groups"]
    c_in, c_out = q["in_channels"], q["out_channels"]
    o = conv_out(i, k, s, p)
    steps = [
        f"output size: o = ⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = {o}, so the output is {c_out}×{o}×{o}",
        f"each output element is a dot product over (C_in/groups)·k² = {c_in // g}·{k}² = {c_in // g * k * k} inputs",
        f"MACs = H_out·W_out·C_out·(C_in/groups)·k² = {o}·{o}·{c_out}·{c_in // g}·{k * k} = {grouped(macs(q))}",
    ]
    if flops:
        steps.append(f"FLOPs = 2·MACs = {grouped(2 * macs(q))}")
    steps.append(f"({CONVENTION})")
    return lines(steps)


def _prompt(q: Params, what: str) -> str:
    return (
        f"nn.Conv2d({q['in_channels']}, {q['out_channels']}, kernel_size={q['kernel_size']}, "
        f"stride={q['stride']}, padding={q['padding']}, groups={q['groups']}) is applied to one "
        f"{q['in_channels']}×{q['in_size']}×{q['in_size']} input. How many {what} does it take? {CONVENTION}"
    )


def _mistakes(q: Params, factor: int) -> Mistakes:
    k2, g = q["kernel_size"] ** 2, q["groups"]
    full = (factor * macs(q) * g) if g > 1 else None
    swapped = "that is the FLOP count; one MAC is two FLOPs." if factor == 1 else "that is the MAC count; FLOPs = 2 × MACs."
    return [
        (macs(q) * (2 if factor == 1 else 1), swapped),
        (full, "with groups=g each output sees only C_in/g input channels."),
        (factor * macs(q) // k2 * q["kernel_size"] if k2 > 1 else None, "the kernel has k² taps, not k."),
    ]


CONV2D_MACS = Topic(
    name="conv2d_macs",
    title="Conv2d multiply-accumulates (MACs)",
    generate=_generate,
    prompt=lambda q: _prompt(q, "multiply-accumulate operations (MACs)"),
    answer=macs,
    explain=lambda q: _explain(q, flops=False),
    hint=lambda q: "MACs = (number of output elements) × (inputs per output element) = H_out·W_out·C_out·(C_in/g)·k².",
    mistakes=lambda q: _mistakes(q, 1),
    module="nn.Conv2d",
)

CONV2D_FLOPS = Topic(
    name="conv2d_flops",
    title="Conv2d FLOPs",
    generate=_generate,
    prompt=lambda q: _prompt(q, "floating-point operations (FLOPs)"),
    answer=lambda q: 2 * macs(q),
    explain=lambda q: _explain(q, flops=True),
    hint=lambda q: "FLOPs = 2 × MACs, MACs = H_out·W_out·C_out·(C_in/g)·k².",
    mistakes=lambda q: _mistakes(q, 2),
    module="nn.Conv2d",
)
