"""Hidden checks for ``lstm``: other sizes, seeds and sequence lengths than
the visible ones (batch 1, sequence length 1, L = 10 and 12). Not shipped
in the student bundle."""

from __future__ import annotations

from ..check import FLOAT32, HIDDEN
from ..checks.lstm import CELL_GRADS, EXPLAIN, LAYER_GRADS, SEQUENCE_VALUES, grads_without_bias, cell, module, \
    sequence

CHECKS = (
    cell("2.1", "LSTMCell: other sizes, from a given state", 1.0,
         I=5, H=3, N=4, seed=101, state=True, visibility=HIDDEN, explain=EXPLAIN["cell"] + " " + EXPLAIN["state"]),
    cell("2.2", "LSTMCell: batch 1, 4 steps from the zero state", 1.0,
         I=2, H=5, N=1, seed=102, steps=4, visibility=HIDDEN, explain=EXPLAIN["cell"]),
    cell("2.3", "LSTMCell: gradients over 3 steps, other sizes", 1.0,
         I=4, H=3, N=3, seed=103, steps=3, state=True, backward=True, keys=CELL_GRADS, visibility=HIDDEN,
         explain=EXPLAIN["cell_grads"]),
    cell("2.4", "LSTMCell(bias=False): 2 steps from the zero state, output and gradients", 0.5,
         I=3, H=4, N=2, seed=104, steps=2, bias=False, backward=True,
         keys=("h", "c") + tuple(k for k in grads_without_bias(CELL_GRADS) if k not in ("grad_h0", "grad_c0")),
         visibility=HIDDEN, explain=EXPLAIN["no_bias"]),
    module("2.5", "LSTMCell: parameters, state_dict and loading, other sizes", 0.5, "LSTMCell",
           [{"input_size": 1, "hidden_size": 2}, {"input_size": 6, "hidden_size": 3, "bias": False},
            {"input_size": 2, "hidden_size": 7, "bias": True}], 105, visibility=HIDDEN),
    module("2.6", "LSTM: parameters, state_dict and loading, other sizes", 0.5, "LSTM",
           [{"input_size": 5, "hidden_size": 2}, {"input_size": 1, "hidden_size": 3, "batch_first": False}],
           106, visibility=HIDDEN),
    sequence("2.7", "LSTM: a longer sequence (L=12) from a given state", 1.5,
             I=4, H=3, L=12, N=3, seed=107, state=True, visibility=HIDDEN,
             explain=EXPLAIN["sequence"] + " " + EXPLAIN["initial"]),
    sequence("2.8", "LSTM(batch_first=True): from a given state, with gradients", 1.0,
             I=2, H=4, L=5, N=3, seed=108, batch_first=True, state=True, backward=True,
             keys=SEQUENCE_VALUES + LAYER_GRADS, visibility=HIDDEN, explain=EXPLAIN["batch_first"]),
    sequence("2.9", "LSTM: sequence length 1, batch 1", 0.5,
             I=3, H=2, L=1, N=1, seed=109, visibility=HIDDEN, explain=EXPLAIN["sequence"]),
    sequence("2.10", "LSTM(batch_first=True): h_n and c_n have shape (1, N, H)", 0.5,
             I=2, H=2, L=4, N=3, seed=110, batch_first=True, keys=("h_n shape", "c_n shape"), visibility=HIDDEN,
             explain=EXPLAIN["shapes"]),
    sequence("2.11", "LSTM: backpropagation through a longer sequence (L=10)", 1.0,
             I=3, H=4, L=10, N=2, seed=111, state=True, backward=True, keys=LAYER_GRADS, visibility=HIDDEN,
             explain=EXPLAIN["bptt"]),
    sequence("2.12", "LSTM in float32, L=12: output, h_n, c_n and gradients", 1.0,
             I=5, H=4, L=12, N=2, seed=112, backward=True, dtype="float32",
             keys=SEQUENCE_VALUES + tuple(k for k in LAYER_GRADS if k not in ("grad_h0", "grad_c0")),
             visibility=HIDDEN, explain=EXPLAIN["float32"], tolerance=FLOAT32),
)
