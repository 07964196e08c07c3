"""Known LSTMCell / LSTM mistakes, each a one-flag variant of a plain
implementation (written for fingerprinting only, not as a model answer)."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn

from . import Mistake


class _Bugs:
    """The switches; every variant sets one of them (class attributes)."""

    gate_order = "ifgo"            # how the four chunks of the gates are read
    g_sigmoid = False              # g = sigmoid(...) instead of tanh
    tanh_on_cell = True            # h' = o * tanh(c'); False: o * c'
    bias_hh_used = True            # False: only bias_ih is added
    forget_gate = True             # False: c' = c + i * g
    keep_old_cell = True           # False: c' = i * g (the old c is dropped)
    input_gate = True              # False: c' = f * c + g
    cell_returns_c_h = False       # LSTMCell returns (c', h')
    state_as_c_h = False           # a given state is unpacked as (c, h)
    carry_state = True             # False: every step of LSTM starts from (h0, c0)
    detach_state = False           # LSTM detaches (h, c) between steps
    batch_first = "honoured"       # "ignored" | "output not transposed"
    h_n_layer_axis = True          # False: h_n and c_n are (N, H)
    h_n_from_output_last = False   # h_n = output[-1], whatever the layout
    output_holds_c = False         # LSTM's output stacks c_t instead of h_t
    bias_flag_ignored = False      # LSTMCell(bias=False) still has biases
    weights_transposed = False     # weight_ih (I, 4H), weight_hh (H, 4H), used as x @ W
    plain_tensors = False          # parameters are plain tensor attributes, not nn.Parameter


def _step(bugs: type[_Bugs], x, h, c, w_ih, w_hh, b_ih, b_hh):
    if bugs.weights_transposed:
        gates = x @ w_ih + h @ w_hh
    else:
        gates = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih
    if b_hh is not None and bugs.bias_hh_used:
        gates = gates + b_hh
    part = dict(zip(bugs.gate_order, gates.chunk(4, dim=1)))
    i, f, o = torch.sigmoid(part["i"]), torch.sigmoid(part["f"]), torch.sigmoid(part["o"])
    g = torch.sigmoid(part["g"]) if bugs.g_sigmoid else torch.tanh(part["g"])
    new = i * g if bugs.input_gate else g
    if bugs.keep_old_cell:
        c_next = (f * c if bugs.forget_gate else c) + new
    else:
        c_next = new
    h_next = o * (torch.tanh(c_next) if bugs.tanh_on_cell else c_next)
    return h_next, c_next


def _parameters(module: nn.Module, bugs: type[_Bugs], suffix: str, I: int, H: int, bias: bool) -> None:
    shapes = {"weight_ih": (4 * H, I), "weight_hh": (4 * H, H)}
    if bugs.weights_transposed:
        shapes = {name: tuple(reversed(shape)) for name, shape in shapes.items()}
    if bias or bugs.bias_flag_ignored:
        shapes.update(bias_ih=(4 * H,), bias_hh=(4 * H,))
    bound = 1 / math.sqrt(H)
    for name, shape in shapes.items():
        value = torch.empty(shape).uniform_(-bound, bound)
        setattr(module, name + suffix, value if bugs.plain_tensors else nn.Parameter(value))
    for name in ("bias_ih", "bias_hh"):
        if name not in shapes:
            module.register_parameter(name + suffix, None)


def _unpack(bugs: type[_Bugs], state):
    first, second = state
    return (second, first) if bugs.state_as_c_h else (first, second)


class _Cell(nn.Module):
    bugs: type[_Bugs] = _Bugs

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__()
        self.hidden_size = hidden_size
        _parameters(self, self.bugs, "", input_size, hidden_size, bias)

    def forward(self, x, state=None):
        if state is None:
            h = c = x.new_zeros(x.shape[0], self.hidden_size)
        else:
            h, c = _unpack(self.bugs, state)
        h, c = _step(self.bugs, x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (c, h) if self.bugs.cell_returns_c_h else (h, c)


class _Layer(nn.Module):
    bugs: type[_Bugs] = _Bugs

    def __init__(self, input_size: int, hidden_size: int, batch_first: bool = False):
        super().__init__()
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        _parameters(self, self.bugs, "_l0", input_size, hidden_size, True)

    def forward(self, x, state=None):
        bugs = self.bugs
        transpose_in = self.batch_first and bugs.batch_first != "ignored"
        if transpose_in:
            x = x.transpose(0, 1)
        L, N, H = x.shape[0], x.shape[1], self.hidden_size
        if state is None:
            h0 = c0 = x.new_zeros(N, H)
        else:
            h0, c0 = (s.reshape(N, H) for s in _unpack(bugs, state))
        h, c = h0, c0
        outputs = []
        for t in range(L):
            if not bugs.carry_state:
                h, c = h0, c0
            elif bugs.detach_state:
                h, c = h.detach(), c.detach()
            h, c = _step(bugs, x[t], h, c, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            outputs.append(c if bugs.output_holds_c else h)
        output = torch.stack(outputs)
        if transpose_in and bugs.batch_first != "output not transposed":
            output = output.transpose(0, 1)
        if bugs.h_n_from_output_last:
            h = output[-1]
        if not bugs.h_n_layer_axis:
            return output, (h, c)
        return output, (h.unsqueeze(0), c.unsqueeze(0))


def _variant(**flags: Any):
    def build() -> SimpleNamespace:
        bugs = type("Bugs", (_Bugs,), dict(flags))
        return SimpleNamespace(LSTMCell=type("LSTMCell", (_Cell,), {"bugs": bugs}),
                               LSTM=type("LSTM", (_Layer,), {"bugs": bugs}))

    return build


MISTAKES = (
    Mistake("gate-order-ifog", "read the gates in the order i, f, o, g",
            "torch stacks the gates as i, f, g, o (input, forget, cell candidate, output): rows 2H:3H of "
            "the weights belong to g (tanh) and 3H:4H to o (sigmoid).", _variant(gate_order="ifog")),
    Mistake("gate-order-figo", "swapped the input and forget gates (read the gates as f, i, g, o)",
            "torch's order is i, f, g, o: rows 0:H of the weights belong to the input gate i and H:2H to "
            "the forget gate f, so c' = f * c + i * g uses chunk 1 for f and chunk 0 for i.",
            _variant(gate_order="figo")),
    Mistake("sigmoid-on-g", "applied sigmoid to the cell candidate g",
            "g is the one gate with tanh, g = tanh(...), so that the cell can be pushed down as well as up; "
            "i, f and o use sigmoid.", _variant(g_sigmoid=True)),
    Mistake("no-tanh-on-cell", "left out the tanh on the new cell state in h",
            "The hidden state is h' = o * tanh(c'), not o * c': tanh keeps h within (-1, 1).",
            _variant(tanh_on_cell=False)),
    Mistake("one-bias", "added only bias_ih (bias_hh never used)",
            "torch adds both biases: gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh. Both are "
            "parameters and both receive gradients.", _variant(bias_hh_used=False)),
    Mistake("no-forget-gate", "kept the whole old cell state (no forget gate: c' = c + i * g)",
            "The forget gate scales the old cell state: c' = f * c + i * g.", _variant(forget_gate=False)),
    Mistake("old-cell-dropped", "updated the cell state from g only (c' = i * g, the old c dropped)",
            "The new cell state keeps part of the old one: c' = f * c + i * g.", _variant(keep_old_cell=False)),
    Mistake("no-input-gate", "added g without the input gate (c' = f * c + g)",
            "The input gate scales the candidate: c' = f * c + i * g.", _variant(input_gate=False)),
    Mistake("cell-returns-c-h", "returned (c, h) from LSTMCell instead of (h, c)",
            "Like torch's, LSTMCell.forward returns the pair (h', c'): the hidden state first.",
            _variant(cell_returns_c_h=True)),
    Mistake("state-as-c-h", "read the given state as (c, h) instead of (h, c)",
            "The state is the pair (h, c), hidden state first, for LSTMCell as for LSTM's (h0, c0).",
            _variant(state_as_c_h=True)),
    Mistake("state-not-carried", "started every time step from the initial state",
            "Each step takes the (h, c) that the previous step returned: the state is carried along the "
            "sequence, only the first step starts from (h0, c0).", _variant(carry_state=False)),
    Mistake("state-detached", "detached the state between time steps",
            "Backpropagation through time needs the graph through h and c across steps: .detach() (or "
            ".data) there cuts every gradient path to earlier steps, as truncated BPTT would.",
            _variant(detach_state=True)),
    Mistake("batch-first-ignored", "ignored batch_first (read x as (L, N, I) anyway)",
            "With batch_first=True, x is (N, L, I): transpose it to (L, N, I) (or index x[:, t]) so that the "
            "recurrence runs along the sequence, then give output back as (N, L, H).",
            _variant(batch_first="ignored")),
    Mistake("batch-first-output-not-transposed", "returned output as (L, N, H) with batch_first=True",
            "batch_first changes the layout of x *and* of output: with batch_first=True output is (N, L, H).",
            _variant(batch_first="output not transposed")),
    Mistake("h-n-without-layer-axis", "returned h_n and c_n as (N, H)",
            "torch's h_n and c_n are (num_layers, N, H) = (1, N, H): h.unsqueeze(0).",
            _variant(h_n_layer_axis=False)),
    Mistake("h-n-from-output-last", "took h_n as output[-1], which with batch_first=True is the last sample",
            "output[-1] is the last time step only when output is (L, N, H); with batch_first=True it is "
            "output[:, -1]. Returning the h of the last step directly avoids the question.",
            _variant(h_n_from_output_last=True)),
    Mistake("output-holds-c", "stacked the cell states c_t into output instead of h_t",
            "LSTM's output holds the hidden state h_t of every step; c_t is internal, seen only as c_n.",
            _variant(output_holds_c=True)),
    Mistake("bias-flag-ignored", "created bias_ih and bias_hh even with bias=False",
            "LSTMCell(..., bias=False) has no biases: register them as None "
            "(self.register_parameter('bias_ih', None)) and add none in the step.",
            _variant(bias_flag_ignored=True)),
    Mistake("weights-transposed", "stored weight_ih as (I, 4H) and weight_hh as (H, 4H)",
            "torch's weights are (4H, I) and (4H, H), used as x @ weight_ih.T: its state_dict must load "
            "into your module unchanged.", _variant(weights_transposed=True)),
    Mistake("plain-tensor-parameters", "made the weights and biases plain tensors (not nn.Parameter)",
            "torch's weights and biases are nn.Parameter objects: they appear in parameters() and "
            "state_dict(), receive gradients, and follow .to(torch.float64) with the module.",
            _variant(plain_tensors=True)),
)

# The variants' common base with every switch off: equal to torch on every
# check (tests/grader/test_checks_lstm.py), so each flag is exactly one bug.
CORRECT = _variant()
