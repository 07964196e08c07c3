"""Output sizes along one axis: Conv2d (plain and dilated), ConvTranspose2d, MaxPool2d."""

from __future__ import annotations

import random
from dataclasses import replace

from ..arith import (
    conv_out,
    conv_transpose_out,
    effective_kernel,
    pool_out,
    pool_out_unclipped,
    pool_last_window_dropped,
)
from ..text import lines, num
from ..topic import Mistakes, Params, Topic


def _input_size(rng: random.Random, lowest: int, highest: int) -> int:
    return rng.randint(lowest, max(lowest, highest))


def conv_steps(i: int, k: int, s: int, p: int, d: int) -> list[str]:
    """Worked steps of ``o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1``; shared with the network walk."""
    span = i + 2 * p - d * (k - 1) - 1
    out = span // s + 1
    if d == 1:
        formula = "o = ⌊(i + 2p − k) / s⌋ + 1"
        substituted = f"o = ⌊({i} + 2·{p} − {k}) / {s}⌋ + 1"
    else:
        formula = "o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1"
        substituted = f"o = ⌊({i} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1"
    steps = [formula, f"with i = {i}, k = {k}, s = {s}, p = {p}, d = {d}:", "  " + substituted]
    if d > 1:
        steps.insert(1, f"(the dilated kernel spans d·(k − 1) + 1 = {effective_kernel(k, d)} inputs)")
    steps.append(f"    = ⌊{num(span)} / {s}⌋ + 1")
    steps.append(f"    = {span // s} + 1 = {out}")
    return steps


# ----------------------------------------------------------------- conv2d_output

def _conv_generate(rng: random.Random, level: int, dilations: tuple[int, ...]) -> Params:
    if level == 1:
        k, s = rng.choice((1, 3, 5)), 1
        d = rng.choice(dilations)
        p = rng.choice((0, effective_kernel(k, d) // 2))
        i = _input_size(rng, max(5, effective_kernel(k, d)), 32)
    elif level == 2:
        k, s = rng.choice((2, 3, 4, 5, 7)), rng.choice((1, 2))
        d = rng.choice(dilations)
        p = rng.randint(0, effective_kernel(k, d) // 2)
        i = _input_size(rng, max(6, effective_kernel(k, d) - 2 * p), 64)
    else:
        k, s = rng.choice((3, 5, 7, 11)), rng.choice((2, 3, 4))
        d = rng.choice(dilations)
        p = rng.randint(0, effective_kernel(k, d) // 2)
        lowest = max(7, effective_kernel(k, d) - 2 * p)
        i = _input_size(rng, lowest, 224)
        for _ in range(8):  # prefer sizes where the floor actually drops something
            if (i + 2 * p - effective_kernel(k, d)) % s:
                break
            i = _input_size(rng, lowest, 224)
    return {"in_size": i, "kernel_size": k, "stride": s, "padding": p, "dilation": d}


def size_prompt(module: str, q: Params, keys: tuple[str, ...]) -> str:
    """``"An nn.X layer with k=v, ... is applied to an input of height and width i. What is ...?"``."""
    settings = ", ".join(f"{key}={q[key]}" for key in keys)
    return (f"An {module} layer with {settings} is applied to an input of height and width {q['in_size']}. "
            "What is the output height (equal to the width)?")


def _conv_prompt(q: Params) -> str:
    return size_prompt("nn.Conv2d", q, ("kernel_size", "stride", "padding", "dilation"))


def _conv_answer(q: Params) -> int:
    return conv_out(q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["dilation"])


def _conv_explain(q: Params) -> str:
    return lines(
        "Output size of nn.Conv2d along one axis:",
        conv_steps(q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["dilation"]),
    )


def _conv_hint(q: Params) -> str:
    return (
        "o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1: pad both sides, count the positions where the "
        "(dilated) kernel fits, stepping by s; round down."
    )


def _conv_mistakes(q: Params) -> Mistakes:
    i, k, s, p, d = q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["dilation"]
    span = i + 2 * p - d * (k - 1) - 1
    return [
        (-(-span // s) + 1, "you rounded up; nn.Conv2d rounds the division down (floor)."),
        (conv_out(i, k, s, 0, d) if p else None, "you left out the padding; it is added on both sides (2p)."),
        (conv_out(i + p, k, s, 0, d) if p else None, "padding is added on both sides: use 2p, not p."),
        (conv_out(i, k, s, p, 1) if d > 1 else None, "you ignored the dilation: the kernel spans d·(k − 1) + 1 inputs."),
    ]


def _dilated_generate(rng: random.Random, level: int) -> Params:
    return _conv_generate(rng, level, dilations=(2, 3, 4))


def _plain_generate(rng: random.Random, level: int) -> Params:
    return _conv_generate(rng, level, dilations=(1, 1, 2) if level == 3 else (1,))


CONV2D_OUTPUT = Topic(
    name="conv2d_output",
    title="Conv2d output size",
    generate=_plain_generate,
    prompt=_conv_prompt,
    answer=_conv_answer,
    explain=_conv_explain,
    hint=_conv_hint,
    mistakes=_conv_mistakes,
    module="nn.Conv2d",
)

# Same arithmetic, questions that always dilate.
DILATED_CONV2D_OUTPUT = replace(
    CONV2D_OUTPUT,
    name="dilated_conv2d_output",
    title="Dilated Conv2d output size",
    generate=_dilated_generate,
    hint=lambda q: "A dilated kernel spans d·(k − 1) + 1 inputs; then o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1.",
)


# ------------------------------------------------------- conv_transpose2d_output

def _transpose_generate(rng: random.Random, level: int) -> Params:
    if level == 1:
        k, s, p, op, d = rng.choice(((2, 2, 0), (4, 2, 1), (3, 1, 1), (3, 2, 1))) + (0, 1)
        i = rng.randint(2, 32)
    elif level == 2:
        k, s, d = rng.randint(2, 5), rng.choice((1, 2, 3)), 1
        p = rng.randint(0, k - 1)
        op = rng.randint(0, s - 1)
        i = rng.randint(2, 64)
    else:
        k, s, d = rng.randint(2, 7), rng.choice((1, 2, 3, 4)), rng.choice((1, 2))
        p = rng.randint(0, d * (k - 1))
        op = rng.randint(0, max(s, d) - 1)
        i = rng.randint(1, 64)
    while conv_transpose_out(i, k, s, p, op, d) < 1:  # only when padding crops everything
        i += 1
    return {"in_size": i, "kernel_size": k, "stride": s, "padding": p, "output_padding": op, "dilation": d}


def _transpose_prompt(q: Params) -> str:
    return size_prompt("nn.ConvTranspose2d", q, ("kernel_size", "stride", "padding", "output_padding", "dilation"))


def _transpose_answer(q: Params) -> int:
    return conv_transpose_out(
        q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["output_padding"], q["dilation"]
    )


def _transpose_explain(q: Params) -> str:
    i, k, s, p, op, d = (q[n] for n in ("in_size", "kernel_size", "stride", "padding", "output_padding", "dilation"))
    out = conv_transpose_out(i, k, s, p, op, d)
    return lines(
        "Output size of nn.ConvTranspose2d along one axis:",
        "o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1",
        f"with i = {i}, k = {k}, s = {s}, p = {p}, output_padding = {op}, d = {d}:",
        f"  o = ({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1",
        f"    = {(i - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1",
        f"    = {out}",
        "(It is the input size of the Conv2d with the same settings whose output is i:"
        " s − 1 zeros go between inputs, the padding crops p from each side.)",
    )


def _transpose_mistakes(q: Params) -> Mistakes:
    i, k, s, p, op, d = (q[n] for n in ("in_size", "kernel_size", "stride", "padding", "output_padding", "dilation"))
    return [
        (conv_transpose_out(i, k, s, p, 0, d) if op else None, "you left out output_padding; it adds to one side."),
        ((i - 1) * s + 2 * p + d * (k - 1) + op + 1 if p else None, "padding crops the output: subtract 2p."),
        (i * s - 2 * p + d * (k - 1) + op + 1, "it is (i − 1)·s, not i·s: the stride spaces the i inputs."),
        (conv_out(i, k, s, p, d), "that is the Conv2d formula; the transposed layer goes the other way."),
    ]


CONV_TRANSPOSE2D_OUTPUT = Topic(
    name="conv_transpose2d_output",
    title="ConvTranspose2d output size",
    generate=_transpose_generate,
    prompt=_transpose_prompt,
    answer=_transpose_answer,
    explain=_transpose_explain,
    hint=lambda q: "o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1 (the inverse shape rule of Conv2d).",
    mistakes=_transpose_mistakes,
    module="nn.ConvTranspose2d",
)


# ---------------------------------------------------------------- pool2d_output

def _pool_generate(rng: random.Random, level: int) -> Params:
    if level == 1:
        k = s = 2
        p, ceil = 0, False
        i = 2 * rng.randint(2, 56)
    elif level == 2:
        k, s = rng.choice(((2, 2), (3, 2), (3, 1), (3, 3), (2, 1)))
        p = rng.randint(0, k // 2)
        ceil = rng.chance(0.3)
        i = rng.randint(max(k, 5), 64)
    else:
        want_drop = rng.chance(0.4)  # show torch's last-window rule often
        for _ in range(50):
            k, s = rng.randint(2, 5), rng.randint(2, 4)
            p = rng.randint(0, k // 2)
            i = rng.randint(max(1, k - 2 * p), 40)
            if pool_last_window_dropped(i, k, s, p, True) == want_drop:
                break
        ceil = True
    return {"in_size": i, "kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil}


def _pool_prompt(q: Params) -> str:
    return size_prompt("nn.MaxPool2d", q, ("kernel_size", "stride", "padding", "ceil_mode"))


def _pool_answer(q: Params) -> int:
    return pool_out(q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["ceil_mode"])


def _pool_explain(q: Params) -> str:
    i, k, s, p, ceil = q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["ceil_mode"]
    span = i + 2 * p - k
    raw = pool_out_unclipped(i, k, s, p, ceil)
    bracket = ("⌈", "⌉") if ceil else ("⌊", "⌋")
    steps = [
        "Output size of nn.MaxPool2d along one axis:",
        f"o = {bracket[0]}(i + 2p − k) / s{bracket[1]} + 1   ({'ceil' if ceil else 'floor'} because ceil_mode={ceil})",
        f"with i = {i}, k = {k}, s = {s}, p = {p}:",
        f"  o = {bracket[0]}({i} + 2·{p} − {k}) / {s}{bracket[1]} + 1 = {bracket[0]}{num(span)} / {s}{bracket[1]} + 1 = {raw}",
    ]
    if ceil:
        start = (raw - 1) * s
        if pool_last_window_dropped(i, k, s, p, ceil):
            steps += [
                "torch's rule in ceil mode: the last window must start inside the input or the left padding,",
                f"i.e. (o − 1)·s < i + p. Here ({raw} − 1)·{s} = {start} ≥ {i} + {p} = {i + p}, so that window is",
                f"dropped: o = {raw} − 1 = {raw - 1}.",
            ]
        else:
            steps += [
                "torch's rule in ceil mode: the last window must start inside the input or the left padding,",
                f"(o − 1)·s < i + p: ({raw} − 1)·{s} = {start} < {i + p}, so it stays: o = {raw}.",
            ]
    return lines(steps)


def _pool_mistakes(q: Params) -> Mistakes:
    i, k, s, p, ceil = q["in_size"], q["kernel_size"], q["stride"], q["padding"], q["ceil_mode"]
    return [
        (pool_out(i, k, s, p, not ceil), f"ceil_mode={ceil}: round {'up' if ceil else 'down'}, not {'down' if ceil else 'up'}."),
        (
            pool_out_unclipped(i, k, s, p, ceil) if pool_last_window_dropped(i, k, s, p, ceil) else None,
            "torch drops a last window that would start in the right padding ((o − 1)·s ≥ i + p).",
        ),
        (pool_out(i, k, s, 0, ceil) if p else None, "you left out the padding (2p, both sides)."),
    ]


POOL2D_OUTPUT = Topic(
    name="pool2d_output",
    title="MaxPool2d output size (incl. ceil_mode)",
    generate=_pool_generate,
    prompt=_pool_prompt,
    answer=_pool_answer,
    explain=_pool_explain,
    hint=lambda q: (
        "o = ⌊(i + 2p − k)/s⌋ + 1, or ⌈…⌉ + 1 with ceil_mode=True; in ceil mode torch drops a last "
        "window that would start in the right padding."
    ),
    mistakes=_pool_mistakes,
    module="nn.MaxPool2d",
)
