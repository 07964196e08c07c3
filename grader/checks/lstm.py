"""Visible checks for ``lstm`` (LSTMCell and a one-layer LSTM), and the
assignment's definition. Hidden checks: ``grader/hidden/lstm.py``.

Each part of the assignment has its own checks and points (partial
credit): the cell from the zero state and from a given state, its
gradients, ``bias=False``, each module's parameters and ``state_dict``,
the layer's output over a sequence, ``batch_first``, the shape of
``h_n``/``c_n``, backpropagation through time, and float32. The sizes are
chosen so that each known mistake (``grader/mistakes/lstm.py``) changes
some visible check's numbers rather than crashing it: ``I != H`` and
``4H != I`` (a transposed weight cannot line up by accident), ``L != N``
(a sequence read along the batch axis gives an output of the same shape,
but other numbers), and seeded weights ``randn * 0.6`` that keep every
gate away from saturation.

Tolerance: every check but the float32 ones runs in float64 with the
default ``FLOAT64`` of ``grader/check.py``. An LSTM output is a chain of
at most 12 steps of small matrix products and sigmoid/tanh (both
1-Lipschitz), so float64 reproduces torch to ~1e-14 in any summation
order; rtol 1e-7 is far above that and far below the smallest mistake's
effect (every known mistake moves some value by more than 1e-2). The
float32 checks use ``FLOAT32`` (rtol 2e-4, atol 2e-5·max|expected|): torch's
float32 LSTM on the CPU (mkldnn) and a plain float32 loop differ by ~5e-7
at L = 12, about 1% of that bound.
"""

from __future__ import annotations

from types import SimpleNamespace

from ..assignments import Assignment
from ..check import FLOAT32, VISIBLE, Check

CELL_GRADS = ("grad_x", "grad_h0", "grad_c0", "grad_weight_ih", "grad_weight_hh", "grad_bias_ih", "grad_bias_hh")
LAYER_GRADS = ("grad_x", "grad_h0", "grad_c0", "grad_weight_ih_l0", "grad_weight_hh_l0", "grad_bias_ih_l0",
               "grad_bias_hh_l0")
SEQUENCE_VALUES = ("out", "h_n values", "c_n values")

EXPLAIN = {
    "cell": "One step: gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh, split in the order "
            "i, f, g, o (input, forget, cell candidate, output); i, f, o = sigmoid, g = tanh; "
            "c' = f * c + i * g; h' = o * tanh(c'). state=None means h = c = zeros of shape (N, H).",
    "state": "The state is the pair (h, c) in that order, each (N, H); the step returns (h', c'), which the "
             "next step takes as its state.",
    "cell_grads": "Gradients follow from autograd when the step is built from differentiable tensor operations "
                  "on x, h, c and the four parameters (no .detach(), .data, .item() or torch.no_grad()). "
                  "bias_ih and bias_hh are separate parameters that receive the same gradient.",
    "no_bias": "LSTMCell(..., bias=False) has no bias_ih and bias_hh at all (register them as None, "
               "self.register_parameter('bias_ih', None)) and adds no bias in the step.",
    "cell_module": "Like torch's, LSTMCell registers weight_ih (4H, I), weight_hh (4H, H), bias_ih and bias_hh "
                   "(4H,) as nn.Parameter (float32 by default), none of the biases with bias=False, so a "
                   "state_dict saved from torch.nn.LSTMCell loads into it.",
    "layer_module": "Like torch's one-layer LSTM, the module registers weight_ih_l0 (4H, I), weight_hh_l0 (4H, H), "
                    "bias_ih_l0 and bias_hh_l0 (4H,) as nn.Parameter (float32 by default), so a state_dict "
                    "saved from torch.nn.LSTM loads into it.",
    "sequence": "For t = 0 .. L-1: (h_t, c_t) = step(x[t], (h_{t-1}, c_{t-1})), starting from (h0, c0) "
                "(zeros when state is None) and carrying both h and c from each step to the next; output "
                "stacks every h_t into (L, N, H); h_n and c_n are the last h and c.",
    "initial": "A given initial state (h0, c0) has shape (1, N, H) each (num_layers = 1 first): use h0[0] "
               "and c0[0] as the state before the first step.",
    "batch_first": "With batch_first=True, x is (N, L, I) and output is (N, L, H): the recurrence still runs "
                   "along the sequence axis (now dim 1), and h0, c0, h_n, c_n keep their (1, N, H) layout.",
    "shapes": "h_n and c_n have shape (1, N, H), with torch's leading num_layers axis, whatever batch_first "
              "says: h_n = h.unsqueeze(0).",
    "bptt": "Backpropagation through time: the gradient of the output at step t reaches every earlier step "
            "through h and c, so neither may be detached between steps; the parameters' gradients sum over "
            "all steps.",
    "float32": "The same computation in float32 (the module converted with .to(torch.float32)); compared with "
               "a float32 tolerance, as float32 rounding differs from torch's in the last digits.",
}

HINTS = {
    "grad_x": "Where the forward checks pass, a wrong x.grad means the graph between x and the outputs is "
              "cut or changed: no .detach(), .data, .item() or torch.no_grad() on the way.",
    "grad_h0": "Where the forward checks pass, a wrong h0.grad means the given state does not reach the first "
               "step through the graph (detached, copied with .data, or replaced).",
    "grad_c0": "Where the forward checks pass, a wrong c0.grad means the given cell state does not reach the "
               "first step's f * c through the graph.",
    "grad_bias_hh": "bias_hh received no (or a wrong) gradient: is it an nn.Parameter added to the gates?",
    "grad_bias_ih": "bias_ih received no (or a wrong) gradient: is it an nn.Parameter added to the gates?",
    "grad_bias_hh_l0": "bias_hh_l0 received no (or a wrong) gradient: is it an nn.Parameter added to the gates?",
    "grad_bias_ih_l0": "bias_ih_l0 received no (or a wrong) gradient: is it an nn.Parameter added to the gates?",
    "h_n shape": "h_n has shape (1, N, H): the last hidden state with a leading axis of size 1 "
                 "(h.unsqueeze(0)).",
    "c_n shape": "c_n has shape (1, N, H): the last cell state with a leading axis of size 1 (c.unsqueeze(0)).",
}


def cell(number, name, points, *, I, H, N, seed, steps=1, state=False, bias=None, backward=False,
         keys=("h", "c"), dtype="float64", visibility=VISIBLE, explain="", **extra) -> Check:
    """A check of ``LSTMCell(I, H[, bias])`` over ``steps`` chained calls."""
    args = {"input_size": I, "hidden_size": H, "N": N, "seed": seed, "steps": steps, "state": state,
            "backward": backward, "dtype": dtype}
    if bias is not None:
        args["bias"] = bias
    return Check(number, name, points, "cell", args, ("LSTMCell",), visibility=visibility, keys=tuple(keys),
                 explain=explain, group="LSTMCell", hints=HINTS, **extra)


def sequence(number, name, points, *, I, H, L, N, seed, batch_first=None, state=False, backward=False,
             keys=SEQUENCE_VALUES, dtype="float64", visibility=VISIBLE, explain="", **extra) -> Check:
    """A check of ``LSTM(I, H[, batch_first])`` over one sequence."""
    args = {"input_size": I, "hidden_size": H, "L": L, "N": N, "seed": seed, "state": state,
            "backward": backward, "dtype": dtype}
    if batch_first is not None:
        args["batch_first"] = batch_first
    # Axis letters for feedback: "time steps affected: 3, 4" says where a recurrence goes wrong.
    layouts = {"out": "NLH", "grad_x": "NLI"} if batch_first else {"out": "LNH", "grad_x": "LNI"}
    return Check(number, name, points, "sequence", args, ("LSTM",), visibility=visibility, keys=tuple(keys),
                 explain=explain, group="LSTM", hints=HINTS, layouts=layouts, **extra)


def module(number, name, points, cls, configs, seed, visibility=VISIBLE) -> Check:
    """Parameters, state_dict and loading torch's state_dict, for each configuration."""
    return Check(number, name, points, "module", {"cls": cls, "configs": list(configs), "seed": seed},
                 (cls,), visibility=visibility,
                 explain=EXPLAIN["cell_module" if cls == "LSTMCell" else "layer_module"], group=cls, hints=HINTS)


def grads_without_bias(keys):
    return tuple(k for k in keys if "bias" not in k)


VISIBLE_CHECKS = (
    # LSTMCell: 3.5 points (4 with its module check, 1.5)
    cell("1.1", "LSTMCell: one step from the zero state (state=None)", 1.0,
         I=3, H=4, N=2, seed=11, explain=EXPLAIN["cell"]),
    cell("1.2", "LSTMCell: from a given state (h, c), 3 steps each fed the last (h, c)", 1.0,
         I=4, H=3, N=3, seed=12, steps=3, state=True, explain=EXPLAIN["cell"] + " " + EXPLAIN["state"]),
    cell("1.3", "LSTMCell: gradients of x, h0, c0 and all four parameters (2 steps)", 1.0,
         I=3, H=2, N=2, seed=13, steps=2, state=True, backward=True, keys=CELL_GRADS,
         explain=EXPLAIN["cell_grads"]),
    cell("1.4", "LSTMCell(bias=False): output and gradients", 0.5,
         I=2, H=3, N=2, seed=14, state=True, bias=False, backward=True,
         keys=("h", "c") + grads_without_bias(CELL_GRADS), explain=EXPLAIN["no_bias"]),
    # the modules: parameters, state_dict, loading torch's
    module("1.5", "LSTMCell: parameters and state_dict as torch's (bias=True and False); loads torch's", 0.5,
           "LSTMCell", [{"input_size": 3, "hidden_size": 5}, {"input_size": 4, "hidden_size": 2, "bias": False}],
           15),
    module("1.6", "LSTM: parameters and state_dict as torch's (weight_ih_l0, ...); loads torch's", 0.5,
           "LSTM", [{"input_size": 3, "hidden_size": 5}, {"input_size": 2, "hidden_size": 4, "batch_first": True}],
           16),
    # LSTM: 5.5 points (6 with its module check, 1.6)
    sequence("1.7", "LSTM: output, h_n and c_n over a sequence (L=5, state=None)", 1.5,
             I=3, H=4, L=5, N=2, seed=17, explain=EXPLAIN["sequence"]),
    sequence("1.8", "LSTM: from a given initial state (h0, c0)", 1.0,
             I=2, H=3, L=4, N=3, seed=18, state=True, explain=EXPLAIN["sequence"] + " " + EXPLAIN["initial"]),
    sequence("1.9", "LSTM(batch_first=True): x and output are (N, L, ·)", 1.0,
             I=3, H=2, L=4, N=2, seed=19, batch_first=True, explain=EXPLAIN["batch_first"]),
    sequence("1.10", "LSTM: h_n and c_n have shape (1, N, H)", 0.5,
             I=2, H=3, L=3, N=2, seed=20, keys=("h_n shape", "c_n shape"), explain=EXPLAIN["shapes"]),
    sequence("1.11", "LSTM: backpropagation through time (gradients of x, h0, c0, parameters)", 1.0,
             I=3, H=3, L=4, N=2, seed=21, state=True, backward=True, keys=LAYER_GRADS, explain=EXPLAIN["bptt"]),
    sequence("1.12", "LSTM in float32: output, h_n, c_n and gradients", 0.5,
             I=4, H=5, L=6, N=3, seed=22, state=True, backward=True, dtype="float32",
             keys=SEQUENCE_VALUES + LAYER_GRADS, explain=EXPLAIN["float32"], tolerance=FLOAT32),
)


def oracle() -> SimpleNamespace:
    import torch

    return SimpleNamespace(LSTMCell=torch.nn.LSTMCell, LSTM=torch.nn.LSTM)


TARGETS = ("LSTMCell", "LSTM")

ASSIGNMENT = Assignment(
    name="lstm",
    title="LSTM",
    summary="LSTMCell and a one-layer LSTM (gates i, f, g, o), same as torch.nn.LSTMCell / torch.nn.LSTM.",
    required=TARGETS,
    forbidden_functions=(
        # SPEC §1 lstm: the recurrent modules and torch.lstm* ...
        "torch.nn.LSTM*", "torch.nn.RNN*", "torch.nn.GRU*", "torch.lstm*",
        # ... and the same kernels under their other public names
        # (torch._VF.lstm is torch.lstm, the same object, so identity covers it).
        "torch.gru*", "torch.rnn_*", "torch.quantized_lstm*", "torch.quantized_gru*", "torch.quantized_rnn_*",
        "torch.mkldnn_rnn_layer", "torch.miopen_rnn", "torch._cudnn_rnn", "torch._lstm_mps",
    ),
    # Run-time tripwire on ATen operator names: on the CPU nn.LSTM in float32
    # runs aten.mkldnn_rnn_layer, on CUDA aten._cudnn_rnn or
    # aten._thnn_fused_lstm_cell. No plain tensor operation has lstm, rnn or
    # gru in its name. (In float64 on the CPU torch.lstm and torch.lstm_cell
    # decompose into addmm/sigmoid/tanh before dispatch; the function hook
    # catches them by identity instead.)
    forbidden_aten=(r"lstm", r"rnn", r"gru"),
    forbidden_prefixes=("torch.ops.aten", "torch._VF"),
    visible=VISIBLE_CHECKS,
    oracle=oracle,
    mistakes_module="grader.mistakes.lstm",
    hidden_module="grader.hidden.lstm",
    groups=("LSTMCell", "LSTM"),
)
