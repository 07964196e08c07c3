"""Dave: correct, and slow on purpose: plain Python loops over every output
pixel, as on the whiteboard. The checks are small, so he still gets full marks."""
import torch
import torch.nn.functional as F
from torch import nn


def _tuple2(v):
    return (v, v) if isinstance(v, int) else (v[0], v[1])


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    stride, padding, dilation = _tuple2(stride), _tuple2(padding), _tuple2(dilation)
    x = F.pad(x, (padding[1], padding[1], padding[0], padding[0]))
    out_ch, in_per_group = weight.shape[0], weight.shape[1]
    reach = [dilation[a] * (weight.shape[2 + a] - 1) + 1 for a in range(2)]
    n_rows = (x.shape[2] - reach[0]) // stride[0] + 1
    n_cols = (x.shape[3] - reach[1]) // stride[1] + 1
    group_of = [o // (out_ch // groups) for o in range(out_ch)]
    image = []
    for row in range(n_rows):
        line = []
        for col in range(n_cols):
            r0, c0 = row * stride[0], col * stride[1]
            field = x[:, :, r0:r0 + reach[0]:dilation[0], c0:c0 + reach[1]:dilation[1]]
            pixel = [(field[:, g * in_per_group:(g + 1) * in_per_group] * weight[o]).sum(dim=(1, 2, 3))
                     for o, g in enumerate(group_of)]
            line.append(torch.stack(pixel, dim=1))
        image.append(torch.stack(line, dim=2))
    y = torch.stack(image, dim=2)
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    stride, padding, dilation = _tuple2(stride), _tuple2(padding), _tuple2(dilation)
    extra = _tuple2(output_padding)
    size = [(x.shape[2 + a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (weight.shape[2 + a] - 1)
            + extra[a] + 1 for a in range(2)]
    y = x.new_zeros(x.shape[0], weight.shape[1], size[0], size[1])
    for row in range(size[0]):
        for col in range(size[1]):
            # gather: which input pixels (r, c) and taps (i, j) land here?
            for i in range(weight.shape[2]):
                r, rest = divmod(row + padding[0] - i * dilation[0], stride[0])
                if rest or not 0 <= r < x.shape[2]:
                    continue
                for j in range(weight.shape[3]):
                    c, rest = divmod(col + padding[1] - j * dilation[1], stride[1])
                    if rest or not 0 <= c < x.shape[3]:
                        continue
                    y[:, :, row, col] += x[:, :, r, c] @ weight[:, :, i, j]
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y


def max_pool2d(x, kernel_size, stride=None, padding=0):
    k = _tuple2(kernel_size)
    s = k if stride is None else _tuple2(stride)
    p = _tuple2(padding)
    x = F.pad(x, (p[1], p[1], p[0], p[0]), value=float("-inf"))
    rows = (x.shape[2] - k[0]) // s[0] + 1
    cols = (x.shape[3] - k[1]) // s[1] + 1
    out = [[x[:, :, r * s[0]:r * s[0] + k[0], c * s[1]:c * s[1] + k[1]].flatten(2).max(dim=2).values
            for c in range(cols)] for r in range(rows)]
    return torch.stack([torch.stack(line, dim=-1) for line in out], dim=-2)


class Conv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels // groups, *_tuple2(kernel_size)) / 10)
        self.register_parameter("bias", nn.Parameter(torch.zeros(out_channels)) if bias else None)

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation, self.output_padding = stride, padding, dilation, output_padding
        self.weight = nn.Parameter(torch.randn(in_channels, out_channels, *_tuple2(kernel_size)) / 10)
        self.register_parameter("bias", nn.Parameter(torch.zeros(out_channels)) if bias else None)

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                self.dilation)
