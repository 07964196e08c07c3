"""Carol: writes the cell herself, then lets torch.nn.LSTM do the sequence;
the cell's checks count, the layer's do not (nn.LSTM is forbidden)."""
import torch
from torch import nn


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        H = hidden_size
        self.hidden_size = H
        s = 1.0 / H ** 0.5
        self.weight_ih = nn.Parameter(s * (2 * torch.rand(4 * H, input_size) - 1))
        self.weight_hh = nn.Parameter(s * (2 * torch.rand(4 * H, H) - 1))
        if bias:
            self.bias_ih = nn.Parameter(s * (2 * torch.rand(4 * H) - 1))
            self.bias_hh = nn.Parameter(s * (2 * torch.rand(4 * H) - 1))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def forward(self, x, state=None):
        N, H = x.shape[0], self.hidden_size
        h, c = state if state is not None else (x.new_zeros(N, H), x.new_zeros(N, H))
        a = x @ self.weight_ih.T + h @ self.weight_hh.T
        if self.bias_ih is not None:
            a = a + self.bias_ih + self.bias_hh
        gi, gf, gg, go = a.split(H, dim=1)
        c_new = gf.sigmoid() * c + gi.sigmoid() * gg.tanh()
        return go.sigmoid() * c_new.tanh(), c_new


class LSTM(nn.LSTM):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__(input_size, hidden_size, batch_first=batch_first)
