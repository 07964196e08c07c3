"""Alice: a correct LSTMCell and LSTM. Her cell stacks [x, h] against the
concatenated weights once per step; her layer walks the sequence with a
while loop and stacks the hidden states along the layout's time axis."""
import math

import torch
import torch.nn as nn


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.zeros(4 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.zeros(4 * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.zeros(4 * hidden_size))
            self.bias_hh = nn.Parameter(torch.zeros(4 * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        limit = 1 / math.sqrt(hidden_size)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-limit, limit)

    def forward(self, x, state=None):
        batch = x.size(0)
        if state is None:
            hx = torch.zeros(batch, self.hidden_size, dtype=x.dtype, device=x.device)
            cx = torch.zeros_like(hx)
        else:
            hx, cx = state
        xh = torch.cat((x, hx), dim=1)                                   # (N, I + H)
        W = torch.cat((self.weight_ih, self.weight_hh), dim=1)           # (4H, I + H)
        z = xh.matmul(W.t())                                             # (N, 4H)
        if self.bias_ih is not None:
            z = z + self.bias_ih + self.bias_hh
        H = self.hidden_size
        input_gate = z[:, 0:H].sigmoid()
        forget_gate = z[:, H:2 * H].sigmoid()
        candidate = z[:, 2 * H:3 * H].tanh()
        output_gate = z[:, 3 * H:4 * H].sigmoid()
        cy = forget_gate * cx + input_gate * candidate
        hy = output_gate * cy.tanh()
        return hy, cy


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        cell = LSTMCell(input_size, hidden_size)
        # torch's one-layer names for the same four tensors
        self.weight_ih_l0 = cell.weight_ih
        self.weight_hh_l0 = cell.weight_hh
        self.bias_ih_l0 = cell.bias_ih
        self.bias_hh_l0 = cell.bias_hh
        self._step = LSTMCell.forward

    def forward(self, x, state=None):
        time_dim = 1 if self.batch_first else 0
        length = x.size(time_dim)
        hc = None if state is None else (state[0][0], state[1][0])
        hidden_states = []
        t = 0
        while t < length:
            x_t = x.select(time_dim, t)
            hc = self._step(self._as_cell(), x_t, hc)
            hidden_states.append(hc[0])
            t += 1
        output = torch.stack(hidden_states, dim=time_dim)
        return output, (hc[0].unsqueeze(0), hc[1].unsqueeze(0))

    def _as_cell(self):
        """A view of this layer with the cell's attribute names."""
        class _View:
            pass

        view = _View()
        view.hidden_size = self.hidden_size
        view.weight_ih, view.weight_hh = self.weight_ih_l0, self.weight_hh_l0
        view.bias_ih, view.bias_hh = self.bias_ih_l0, self.bias_hh_l0
        return view
