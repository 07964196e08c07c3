"""Bob: conv2d and pooling right; his transposed convolution scatters each input
pixel's kernel into the output but forgets that padding crops the result."""
import torch
from torch import nn
from torch.nn.functional import pad


def hw(v):
    return (v, v) if type(v) is int else tuple(v)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    (sy, sx), (py, px), (dy, dx) = hw(stride), hw(padding), hw(dilation)
    x = pad(x, (px, px, py, py))
    n, c, height, width = x.shape
    out_c, in_per_group, ky, kx = weight.shape
    out_h = (height - dy * (ky - 1) - 1) // sy + 1
    out_w = (width - dx * (kx - 1) - 1) // sx + 1
    outputs = []
    for g in range(groups):
        xg = x[:, g * in_per_group:(g + 1) * in_per_group]
        wg = weight[g * out_c // groups:(g + 1) * out_c // groups]
        total = 0
        for a in range(ky):
            for b in range(kx):
                window = xg[:, :, a * dy:a * dy + sy * (out_h - 1) + 1:sy, b * dx:b * dx + sx * (out_w - 1) + 1:sx]
                total = total + torch.einsum("bchw,oc->bohw", window, wg[:, :, a, b])
        outputs.append(total)
    out = torch.cat(outputs, dim=1)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    (sy, sx), (dy, dx) = hw(stride), hw(dilation)
    oy, ox = hw(output_padding)
    n, c, height, width = x.shape
    _, out_c, ky, kx = weight.shape
    out = x.new_zeros(n, out_c, (height - 1) * sy + dy * (ky - 1) + 1 + oy, (width - 1) * sx + dx * (kx - 1) + 1 + ox)
    for r in range(height):
        for q in range(width):
            piece = torch.einsum("bc,cokl->bokl", x[:, :, r, q], weight)
            out[:, :, r * sy:r * sy + dy * (ky - 1) + 1:dy, q * sx:q * sx + dx * (kx - 1) + 1:dx] += piece
    # (forgot: padding p removes p rows/columns from each side)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    ky, kx = hw(kernel_size)
    sy, sx = hw(kernel_size) if stride is None else hw(stride)
    py, px = hw(padding)
    x = pad(x, (px, px, py, py), value=float("-inf"))
    grid = x.unfold(2, ky, sy).unfold(3, kx, sx)
    return grid.amax(dim=(4, 5))


class Conv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        self.hyper = (stride, padding, dilation, groups)
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels // groups, *hw(kernel_size)) * 0.05)
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, *self.hyper)


class ConvTranspose2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 dilation=1, bias=True):
        super().__init__()
        self.hyper = (stride, padding, output_padding, dilation)
        self.weight = nn.Parameter(torch.randn(in_channels, out_channels, *hw(kernel_size)) * 0.05)
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, *self.hyper)
