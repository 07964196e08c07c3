"""Bob: follows a blog post that packs the gates as input, forget, output,
cell; everything else is right, but torch's order is i, f, g, o."""
import torch
from torch import nn


def init_uniform(shape, hidden):
    bound = hidden ** -0.5
    return nn.Parameter(torch.empty(shape).uniform_(-bound, bound))


def step(x, h, c, w_ih, w_hh, b_ih, b_hh):
    z = torch.mm(x, w_ih.t()) + torch.mm(h, w_hh.t())
    if b_ih is not None:
        z += b_ih + b_hh
    H = h.size(1)
    i = torch.sigmoid(z[:, :H])
    f = torch.sigmoid(z[:, H:2 * H])
    o = torch.sigmoid(z[:, 2 * H:3 * H])
    g = torch.tanh(z[:, 3 * H:])
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.weight_ih = init_uniform((4 * hidden_size, input_size), hidden_size)
        self.weight_hh = init_uniform((4 * hidden_size, hidden_size), hidden_size)
        self.bias_ih = init_uniform((4 * hidden_size,), hidden_size) if bias else None
        self.bias_hh = init_uniform((4 * hidden_size,), hidden_size) if bias else None

    def forward(self, x, state=None):
        if state is None:
            z = x.new_zeros(x.size(0), self.hidden_size)
            state = (z, z)
        return step(x, *state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        self.weight_ih_l0 = init_uniform((4 * hidden_size, input_size), hidden_size)
        self.weight_hh_l0 = init_uniform((4 * hidden_size, hidden_size), hidden_size)
        self.bias_ih_l0 = init_uniform((4 * hidden_size,), hidden_size)
        self.bias_hh_l0 = init_uniform((4 * hidden_size,), hidden_size)

    def forward(self, x, state=None):
        seq = x.permute(1, 0, 2) if self.batch_first else x
        if state is None:
            h = seq.new_zeros(seq.size(1), self.hidden_size)
            c = h
        else:
            h, c = state[0].squeeze(0), state[1].squeeze(0)
        ys = []
        for t in range(seq.size(0)):
            h, c = step(seq[t], h, c, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            ys.append(h.unsqueeze(0))
        y = torch.cat(ys, 0)
        if self.batch_first:
            y = y.permute(1, 0, 2)
        return y, (h.unsqueeze(0), c.unsqueeze(0))
