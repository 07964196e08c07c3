"""Parameters of nn.LSTM and nn.GRU (stacked, bidirectional, with or without bias)."""

from __future__ import annotations

import random

from ..text import grouped, lines, yes_no
from ..topic import Mistakes, Params, Topic

GATES = {"nn.LSTM": 4, "nn.GRU": 3}
GATE_NAMES = {"nn.LSTM": "input, forget, cell, output", "nn.GRU": "reset, update, new"}


def _generate(rng: random.Random, level: int) -> Params:
    q: Params = {"input_size": rng.choice((1, 3, 8, 10, 16, 32, 64, 100, 128, 300)),
                 "hidden_size": rng.choice((8, 16, 20, 32, 64, 100, 128, 256)),
                 "num_layers": 1, "bidirectional": False, "bias": True}
    if level == 2:
        if rng.chance(0.5):
            q["num_layers"] = rng.choice((2, 3))
        else:
            q["bidirectional"] = True
    elif level == 3:
        q["num_layers"], q["bidirectional"], q["bias"] = rng.choice((2, 3)), rng.chance(0.7), rng.chance(0.6)
    return q


def rnn_param_count(module: str, q: Params) -> int:
    """Parameters of ``nn.LSTM``/``nn.GRU``: per layer and direction ``G·H·(I_l + H) + 2·G·H``."""
    g, h = GATES[module], q["hidden_size"]
    dirs = 2 if q["bidirectional"] else 1
    total = 0
    for layer in range(q["num_layers"]):
        i = q["input_size"] if layer == 0 else h * dirs
        total += dirs * (g * h * (i + h) + (2 * g * h if q["bias"] else 0))
    return total


def _explain(module: str, q: Params) -> str:
    g, h, dirs = GATES[module], q["hidden_size"], 2 if q["bidirectional"] else 1
    steps = [f"{module} has {g} gates ({GATE_NAMES[module]}), stacked in each weight matrix:",
             "per layer and direction: weight_ih (G·H, I_l), weight_hh (G·H, H)"
             + (", bias_ih and bias_hh (G·H,) each" if q["bias"] else " (bias=False: no biases)")]
    total = 0
    for layer in range(q["num_layers"]):
        i = q["input_size"] if layer == 0 else h * dirs
        source = "input_size" if layer == 0 else ("2·H (both directions of the layer below)" if dirs == 2 else "H")
        one = g * h * (i + h) + (2 * g * h if q["bias"] else 0)
        bias_part = f" + 2·{g}·{h}" if q["bias"] else ""
        steps.append(
            f"layer {layer}: I = {i} ({source}): {g}·{h}·({i} + {h}){bias_part} = {grouped(one)}"
            + (f", ×2 directions = {grouped(2 * one)}" if dirs == 2 else "")
        )
        total += dirs * one
    steps.append(f"total = {grouped(total)}")
    return lines(steps)


def _mistakes(module: str, q: Params) -> Mistakes:
    g, h = GATES[module], q["hidden_size"]
    dirs = 2 if q["bidirectional"] else 1
    one_bias = rnn_param_count(module, q) - dirs * q["num_layers"] * g * h if q["bias"] else None
    later_same = None
    if q["num_layers"] > 1 and (q["input_size"] != h or dirs == 2):
        later_same = rnn_param_count(module, {**q, "num_layers": 1}) * q["num_layers"]
    other = "nn.GRU" if module == "nn.LSTM" else "nn.LSTM"
    return [
        (one_bias, "torch keeps two bias vectors per layer and direction (bias_ih and bias_hh)."),
        (later_same, "layers after the first take the hidden state of the layer below as input "
                     "(H, or 2·H when bidirectional), not input_size."),
        (rnn_param_count(other, q), f"{module} has {g} gates, not {GATES[other]}."),
        (rnn_param_count(module, {**q, "bidirectional": False}) if dirs == 2 else None,
         "bidirectional=True doubles every layer (a forward and a backward direction)."),
    ]


def _prompt(module: str, q: Params) -> str:
    return (
        f"How many learnable parameters does {module}(input_size={q['input_size']}, hidden_size={q['hidden_size']}, "
        f"num_layers={q['num_layers']}, bidirectional={yes_no(q['bidirectional'])}, bias={yes_no(q['bias'])}) have?"
    )


def _hint(module: str) -> str:
    return (f"{module}: {GATES[module]}·H·(I + H) weights per layer and direction, plus two bias vectors of "
            f"{GATES[module]}·H; layers above the first see H (or 2H) inputs.")


def _topic(name: str, title: str, module: str) -> Topic:
    return Topic(
        name=name,
        title=title,
        generate=_generate,
        prompt=lambda q: _prompt(module, q),
        answer=lambda q: rnn_param_count(module, q),
        explain=lambda q: _explain(module, q),
        hint=lambda q: _hint(module),
        mistakes=lambda q: _mistakes(module, q),
        module=module,
    )


LSTM_PARAMS = _topic("lstm_params", "LSTM parameter count", "nn.LSTM")
GRU_PARAMS = _topic("gru_params", "GRU parameter count", "nn.GRU")
