"""Answers that are formulas: output size "o in terms of i", parameter counts
in terms of channel and kernel symbols. Checked for equivalence with sympy."""

from __future__ import annotations

import random

from ..arith import conv_out, conv_transpose_out, effective_kernel
from ..text import lines, yes_no
from ..topic import Params, Topic


def _affine(coefficient: int, symbol: str, constant: int) -> str:
    """``2*i - 1``, ``i + 3``, ``i``: a tidy linear expression."""
    head = symbol if coefficient == 1 else f"{coefficient}*{symbol}"
    if constant == 0:
        return head
    return f"{head} {'+' if constant > 0 else '-'} {abs(constant)}"


# ---------------------------------------------------------- conv_output_formula

def _conv_generate(rng: random.Random, level: int) -> Params:
    k = rng.choice((3, 5, 7))
    s = 1 if level == 1 else rng.choice((2, 3)) if level == 2 else rng.choice((1, 2, 3))
    d = 2 if level == 3 else 1
    p = rng.randint(0, effective_kernel(k, d) // 2)
    return {"kernel_size": k, "stride": s, "padding": p, "dilation": d}


def _conv_offset(q: Params) -> int:
    return 2 * q["padding"] - q["dilation"] * (q["kernel_size"] - 1) - 1


def _conv_formula(q: Params) -> str:
    c = _conv_offset(q)
    if q["stride"] == 1:
        return _affine(1, "i", c + 1)
    return f"floor(({_affine(1, 'i', c)})/{q['stride']}) + 1"


def _conv_smallest_input(q: Params) -> int:
    return max(1, effective_kernel(q["kernel_size"], q["dilation"]) - 2 * q["padding"])


def _conv_explain(q: Params) -> str:
    k, s, p, d = q["kernel_size"], q["stride"], q["padding"], q["dilation"]
    c = _conv_offset(q)
    return lines(
        "o = ⌊(i + 2p − d·(k − 1) − 1) / s⌋ + 1",
        f"with k = {k}, s = {s}, p = {p}, d = {d}: 2·{p} − {d}·({k} − 1) − 1 = {c}",
        f"o = {_conv_formula(q)}" + ("   (stride 1: no rounding needed)" if s == 1 else ""),
        f"valid for i ≥ {_conv_smallest_input(q)} (the output must have at least one element); "
        f"e.g. i = {_conv_smallest_input(q) + 9} gives o = {conv_out(_conv_smallest_input(q) + 9, k, s, p, d)}",
    )


CONV_OUTPUT_FORMULA = Topic(
    name="conv_output_formula",
    title="Conv2d output size as a formula in i",
    generate=_conv_generate,
    prompt=lambda q: (
        f"For nn.Conv2d with kernel_size={q['kernel_size']}, stride={q['stride']}, padding={q['padding']}, "
        f"dilation={q['dilation']}, write the output size o along one axis as a formula in the input size i. "
        "Use floor(...) or // to round down where needed."
    ),
    answer=_conv_formula,
    explain=_conv_explain,
    hint=lambda q: "Substitute k, s, p, d into o = ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 and keep i as a symbol.",
    kind="expression",
    symbols=("i",),
    domain=lambda q: [{"i": i} for i in range(_conv_smallest_input(q), _conv_smallest_input(q) + 48)],
    module="nn.Conv2d",
)


# ------------------------------------------------- conv_transpose_output_formula

def _transpose_generate(rng: random.Random, level: int) -> Params:
    if level == 1:
        k, s = rng.choice(((2, 2), (4, 2), (3, 1), (3, 2), (5, 1)))
    else:
        k, s = rng.choice((2, 3, 4, 5)), rng.choice((1, 2, 3))
    d = 2 if level == 3 else 1
    p = rng.randint(0, (d * (k - 1)) // 2)
    op = rng.randint(0, max(s, d) - 1) if level > 1 else 0
    return {"kernel_size": k, "stride": s, "padding": p, "output_padding": op, "dilation": d}


def _transpose_constant(q: Params) -> int:
    return conv_transpose_out(0, q["kernel_size"], q["stride"], q["padding"], q["output_padding"], q["dilation"])


CONV_TRANSPOSE_OUTPUT_FORMULA = Topic(
    name="conv_transpose_output_formula",
    title="ConvTranspose2d output size as a formula in i",
    generate=_transpose_generate,
    prompt=lambda q: (
        f"For nn.ConvTranspose2d with kernel_size={q['kernel_size']}, stride={q['stride']}, "
        f"padding={q['padding']}, output_padding={q['output_padding']}, dilation={q['dilation']}, write the "
        "output size o along one axis as a formula in the input size i."
    ),
    answer=lambda q: _affine(q["stride"], "i", _transpose_constant(q)),
    explain=lambda q: lines(
        "o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1",
        f"  = (i − 1)·{q['stride']} − 2·{q['padding']} + {q['dilation']}·({q['kernel_size']} − 1) "
        f"+ {q['output_padding']} + 1",
        f"  = {_affine(q['stride'], 'i', _transpose_constant(q))}",
    ),
    hint=lambda q: "Expand o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1 with the numbers, keeping i.",
    kind="expression",
    symbols=("i",),
    domain=lambda q: [{"i": i} for i in range(1, 49)],
    module="nn.ConvTranspose2d",
)


# --------------------------------------------------------- param_count_formula

PARAM_FORMULAS: dict[str, tuple[str, str, str]] = {
    # layer: (description with symbols, answer with bias, answer without bias)
    "linear": ("nn.Linear(i, h)", "i*h + h", "i*h"),
    "conv": ("nn.Conv2d(c_in, c_out, kernel_size=k)", "c_out*c_in*k**2 + c_out", "c_out*c_in*k**2"),
    "separable": ("a depthwise nn.Conv2d(c_in, c_in, kernel_size=k, groups=c_in) followed by a pointwise "
                  "nn.Conv2d(c_in, c_out, kernel_size=1)", "c_in*k**2 + c_in + c_in*c_out + c_out",
                  "c_in*k**2 + c_in*c_out"),
    "grouped": ("nn.Conv2d(c_in, c_out, kernel_size=k, groups=g)", "c_out*(c_in/g)*k**2 + c_out",
                "c_out*(c_in/g)*k**2"),
    "lstm": ("a one-layer nn.LSTM(input_size=i, hidden_size=h)", "4*h*(i + h) + 8*h", "4*h*(i + h)"),
    "gru": ("a one-layer nn.GRU(input_size=i, hidden_size=h)", "3*h*(i + h) + 6*h", "3*h*(i + h)"),
}
LEVEL_LAYERS = {1: ("linear", "conv"), 2: ("conv", "separable", "lstm"), 3: ("grouped", "gru", "separable", "lstm")}


def _param_generate(rng: random.Random, level: int) -> Params:
    return {"layer": rng.choice(LEVEL_LAYERS[level]), "bias": level == 1 or rng.chance(0.6)}


def _param_answer(q: Params) -> str:
    return PARAM_FORMULAS[q["layer"]][1 if q["bias"] else 2]


PARAM_COUNT_FORMULA = Topic(
    name="param_count_formula",
    title="Parameter count as a formula",
    generate=_param_generate,
    prompt=lambda q: (
        f"Write the number of learnable parameters of {PARAM_FORMULAS[q['layer']][0]}, with "
        f"bias={yes_no(q['bias'])}, as a formula in the symbols used there "
        "(c_in, c_out, k, g, i, h; use * for products and ** for powers)."
    ),
    answer=_param_answer,
    explain=lambda q: lines(
        "Count each weight tensor's elements, then the biases:",
        {
            "linear": "weight (h, i) → i·h; bias (h,) → h",
            "conv": "weight (c_out, c_in, k, k) → c_out·c_in·k²; bias (c_out,) → c_out",
            "separable": "depthwise weight (c_in, 1, k, k) → c_in·k², bias c_in; pointwise weight "
                         "(c_out, c_in, 1, 1) → c_in·c_out, bias c_out",
            "grouped": "weight (c_out, c_in/g, k, k) → c_out·(c_in/g)·k²; bias (c_out,) → c_out",
            "lstm": "weight_ih (4h, i), weight_hh (4h, h) → 4h·(i + h); bias_ih and bias_hh (4h,) → 8h",
            "gru": "weight_ih (3h, i), weight_hh (3h, h) → 3h·(i + h); bias_ih and bias_hh (3h,) → 6h",
        }[q["layer"]],
        ("bias=True: keep the bias terms." if q["bias"] else "bias=False: drop the bias terms."),
        f"parameters = {_param_answer(q)}",
    ),
    hint=lambda q: "Write down every weight and bias tensor's shape and multiply out its dimensions.",
    kind="expression",
    symbols=("c_in", "c_out", "k", "g", "i", "h"),
)
