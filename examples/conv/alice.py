"""Alice: correct. im2col with Tensor.unfold and a batched matmul (groups folded
into the batch), the transposed convolution by zero insertion, pooling by unfold."""
import torch
import torch.nn.functional as F
from torch import nn


def _hw(arg):
    if isinstance(arg, int):
        return [arg, arg]
    return list(arg)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    s, p, d = _hw(stride), _hw(padding), _hw(dilation)
    batch = x.shape[0]
    c_out, c_per_group, k_h, k_w = weight.shape
    padded = F.pad(x, [p[1], p[1], p[0], p[0]])
    patches = padded.unfold(2, d[0] * (k_h - 1) + 1, s[0]).unfold(3, d[1] * (k_w - 1) + 1, s[1])
    patches = patches[:, :, :, :, ::d[0], ::d[1]]               # batch, C, H', W', k_h, k_w
    h_out, w_out = patches.shape[2], patches.shape[3]
    # rows: (group, c, i, j); columns: output positions
    cols = patches.permute(0, 1, 4, 5, 2, 3).reshape(batch * groups, c_per_group * k_h * k_w, h_out * w_out)
    kernels = weight.reshape(groups, c_out // groups, -1).repeat(batch, 1, 1)
    result = torch.bmm(kernels, cols).view(batch, c_out, h_out, w_out)
    if bias is not None:
        result = result + bias.view(-1, 1, 1)
    return result


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    s, p, op, d = _hw(stride), _hw(padding), _hw(output_padding), _hw(dilation)
    k_h, k_w = weight.shape[-2:]
    batch, c_in, h, w = x.shape
    # 1. stretch: s - 1 zeros between neighbouring pixels
    holes = torch.zeros(batch, c_in, (h - 1) * s[0] + 1, (w - 1) * s[1] + 1, dtype=x.dtype, device=x.device)
    holes[:, :, ::s[0], ::s[1]] = x
    # 2. border: d(k-1) - p on each side (negative = crop), output_padding extra at the end
    top, left = d[0] * (k_h - 1) - p[0], d[1] * (k_w - 1) - p[1]
    holes = F.pad(holes, [left, left + op[1], top, top + op[0]])
    # 3. correlate with the kernel rotated by 180 degrees, in and out swapped
    return conv2d(holes, torch.rot90(weight, 2, dims=(2, 3)).transpose(0, 1), bias, dilation=d)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    k = _hw(kernel_size)
    s = k if stride is None else _hw(stride)
    p = _hw(padding)
    x = F.pad(x, [p[1], p[1], p[0], p[0]], value=-torch.inf)
    tiles = x.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])
    return tiles.flatten(start_dim=4).max(dim=4).values


class Conv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        k = _hw(kernel_size)
        limit = (in_channels // groups * k[0] * k[1]) ** -0.5
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, *k).uniform_(-limit, limit))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-limit, limit)) if bias else None

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 dilation=1, bias=True):
        super().__init__()
        self.stride, self.padding, self.output_padding, self.dilation = stride, padding, output_padding, dilation
        k = _hw(kernel_size)
        limit = (out_channels * k[0] * k[1]) ** -0.5
        self.weight = nn.Parameter(torch.empty(in_channels, out_channels, *k).uniform_(-limit, limit))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-limit, limit)) if bias else None

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                self.dilation)
