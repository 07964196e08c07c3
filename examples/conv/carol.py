"""Carol: uses F.unfold (im2col), which the assignment forbids, in conv2d; she
loses conv2d and Conv2d, and keeps the rest, written by hand."""
import torch
import torch.nn.functional as F
from torch import nn


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = weight.view(groups, o // groups, -1) @ columns.view(n, groups, cg * kh * kw, -1)
    y = y.view(n, o, oh, ow)
    return y if bias is None else y + bias[:, None, None]


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    (sh, sw), (ph, pw), (dh, dw), (eh, ew) = pair(stride), pair(padding), pair(dilation), pair(output_padding)
    n, c, h, w = x.shape
    o, kh, kw = weight.shape[1:]
    canvas = torch.zeros(n, o, (h - 1) * sh + dh * (kh - 1) + 1 + eh, (w - 1) * sw + dw * (kw - 1) + 1 + ew,
                         dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            canvas[:, :, i * dh::sh][:, :, :h, j * dw::sw][:, :, :, :w] += torch.einsum("nchw,co->nohw", x,
                                                                                      weight[:, :, i, j])
    y = canvas[:, :, ph:canvas.shape[2] - ph, pw:canvas.shape[3] - pw]
    return y if bias is None else y + bias[:, None, None]


def max_pool2d(x, kernel_size, stride=None, padding=0):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride if stride is not None else kernel_size)
    ph, pw = pair(padding)
    x = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    taps = [x[:, :, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw] for i in range(kh) for j in range(kw)]
    return torch.stack(taps).max(dim=0).values


class Conv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        self.kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels // groups, *pair(kernel_size)))
        self.bias = nn.Parameter(torch.randn(out_channels)) if bias else None

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, **self.kw)


class ConvTranspose2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 dilation=1, bias=True):
        super().__init__()
        self.kw = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
        self.weight = nn.Parameter(torch.randn(in_channels, out_channels, *pair(kernel_size)))
        self.bias = nn.Parameter(torch.randn(out_channels)) if bias else None

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, **self.kw)
