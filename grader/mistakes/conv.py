"""Known mistakes of the ``conv`` assignment, each a one-flag variant of a
plain implementation (written for fingerprinting only, not as a model
answer: it is organised around the bugs, not around clarity).

The variant's conv2d sums one shifted, strided view of the padded input
per kernel tap; its conv_transpose2d inserts zeros between input pixels,
pads, and correlates with the flipped, transposed kernel; its max_pool2d
takes a running maximum over the taps. A flag switches on one bug.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from . import Mistake


@dataclass(frozen=True)
class Bugs:
    flip_kernel: bool = False            # conv2d: true convolution (kernel rotated 180 degrees)
    pad_one_side: bool = False           # conv2d: zeros at the top and left only
    pad_order_swapped: bool = False      # conv2d: F.pad(x, (pH, pH, pW, pW)): H's padding on W and back
    stride_swapped: bool = False         # conv2d: (h, w) stride read as (w, h)
    ignore_dilation: bool = False        # conv2d: taps adjacent whatever the dilation
    groups_ignored: bool = False         # conv2d: every output channel reads input channels 0..C_in/g - 1
    groups_interleaved: bool = False     # conv2d: output channel o in group o % g instead of o // g
    ignore_bias: bool = False            # conv2d: bias never added
    pool_zero_pad: bool = False          # max_pool2d: pads with 0 instead of -inf
    pool_stride_one: bool = False        # max_pool2d: stride None means 1
    t_weight_out_in: bool = False        # conv_transpose2d: weight read (and made) as (out, in, kH, kW)
    t_no_flip: bool = False              # conv_transpose2d: zero insertion without flipping the kernel
    t_ignore_output_padding: bool = False
    t_no_crop: bool = False              # conv_transpose2d: padding never cropped
    t_ignore_dilation: bool = False
    module_always_bias: bool = False     # Conv2d / ConvTranspose2d: bias=False ignored


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _conv2d(bugs: Bugs, x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    if bugs.stride_swapped:
        sh, sw = sw, sh
    if bugs.ignore_dilation:
        dh = dw = 1
    if bugs.flip_kernel:
        weight = weight.flip(-2, -1)
    if bugs.pad_one_side:
        xp = F.pad(x, (pw, 0, ph, 0))
    elif bugs.pad_order_swapped:
        xp = F.pad(x, (ph, ph, pw, pw))
    else:
        xp = F.pad(x, (pw, pw, ph, ph))
    N, C, Hp, Wp = xp.shape
    O, Cg, kh, kw = weight.shape
    oh = (Hp - dh * (kh - 1) - 1) // sh + 1
    ow = (Wp - dw * (kw - 1) - 1) // sw + 1
    per_group = O // groups
    out = xp.new_zeros(N, O, oh, ow)
    for g in range(groups):
        rows = torch.arange(g, O, groups) if bugs.groups_interleaved else torch.arange(g * per_group, (g + 1) * per_group)
        first = 0 if bugs.groups_ignored else g * Cg
        acc = 0
        for i in range(kh):
            for j in range(kw):
                view = xp[:, first: first + Cg, dh * i: dh * i + sh * (oh - 1) + 1: sh,
                          dw * j: dw * j + sw * (ow - 1) + 1: sw]                       # (N, Cg, oh, ow)
                acc = acc + torch.einsum("nchw,oc->nohw", view, weight[rows, :, i, j])
        out = out.index_add(1, rows, acc)
    if bias is not None and not bugs.ignore_bias:
        out = out + bias.view(1, -1, 1, 1)
    return out


def _conv_transpose2d(bugs: Bugs, x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    if bugs.t_ignore_output_padding:
        oph = opw = 0
    if bugs.t_no_crop:
        ph = pw = 0
    if bugs.t_ignore_dilation:
        dh = dw = 1
    N, C, H, W = x.shape
    kernel = weight if bugs.t_weight_out_in else weight.transpose(0, 1)   # (out, in, kH, kW)
    if not bugs.t_no_flip:
        kernel = kernel.flip(-2, -1)
    kh, kw = kernel.shape[2:]
    up = x.new_zeros(N, C, (H - 1) * sh + 1, (W - 1) * sw + 1)
    up[:, :, ::sh, ::sw] = x
    eh, ew = dh * (kh - 1) - ph, dw * (kw - 1) - pw       # negative: F.pad crops
    up = F.pad(up, (ew, ew + opw, eh, eh + oph))
    out = _conv2d(Bugs(), up, kernel, dilation=(dh, dw))
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def _max_pool2d(bugs: Bugs, x, kernel_size, stride=None, padding=0):
    kh, kw = _pair(kernel_size)
    sh, sw = (1, 1) if stride is None and bugs.pool_stride_one else _pair(stride if stride is not None else kernel_size)
    ph, pw = _pair(padding)
    xp = F.pad(x, (pw, pw, ph, ph), value=0.0 if bugs.pool_zero_pad else float("-inf"))
    oh = (xp.shape[2] - kh) // sh + 1
    ow = (xp.shape[3] - kw) // sw + 1
    best = None
    for i in range(kh):
        for j in range(kw):
            view = xp[:, :, i: i + sh * (oh - 1) + 1: sh, j: j + sw * (ow - 1) + 1: sw]
            best = view if best is None else torch.maximum(best, view)
    return best


def _namespace(bugs: Bugs) -> SimpleNamespace:
    def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        return _conv2d(bugs, x, weight, bias, stride, padding, dilation, groups)

    def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
        return _conv_transpose2d(bugs, x, weight, bias, stride, padding, output_padding, dilation)

    def max_pool2d(x, kernel_size, stride=None, padding=0):
        return _max_pool2d(bugs, x, kernel_size, stride, padding)

    def make_params(module, weight_shape, out_channels, bias):
        module.weight = nn.Parameter(torch.randn(*weight_shape) * 0.1)
        if bias or bugs.module_always_bias:
            module.bias = nn.Parameter(torch.zeros(out_channels))
        else:
            module.bias = None

    class Conv2d(nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True):
            super().__init__()
            kh, kw = _pair(kernel_size)
            self.args = (stride, padding, dilation, groups)
            make_params(self, (out_channels, in_channels // groups, kh, kw), out_channels, bias)

        def forward(self, x):
            return conv2d(x, self.weight, self.bias, *self.args)

    class ConvTranspose2d(nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                     dilation=1, bias=True):
            super().__init__()
            kh, kw = _pair(kernel_size)
            self.args = (stride, padding, output_padding, dilation)
            first, second = (out_channels, in_channels) if bugs.t_weight_out_in else (in_channels, out_channels)
            make_params(self, (first, second, kh, kw), out_channels, bias)

        def forward(self, x):
            return conv_transpose2d(x, self.weight, self.bias, *self.args)

    return SimpleNamespace(conv2d=conv2d, conv_transpose2d=conv_transpose2d, max_pool2d=max_pool2d,
                           Conv2d=Conv2d, ConvTranspose2d=ConvTranspose2d)


def _variant(**flags: bool):
    bugs = replace(Bugs(), **flags)
    return lambda: _namespace(bugs)


CORRECT = _variant()   # the variant with no bug: the tests prove it equal to torch

MISTAKES = (
    Mistake("flipped-kernel", "flipped the kernel (a true convolution)",
            "torch's conv2d is a cross-correlation: out[y, x] sums weight[i, j] · x[y + i, x + j] with the "
            "kernel as stored. Rotating it by 180 degrees (weight.flip(-2, -1), the textbook convolution) "
            "gives different numbers for any kernel that is not symmetric.", _variant(flip_kernel=True)),
    Mistake("padding-one-side", "padded only the top and the left",
            "padding=p adds p zeros on *both* sides of each spatial axis: F.pad(x, (pW, pW, pH, pH)) "
            "(left, right, top, bottom). One side only shifts the windows and shrinks the output.",
            _variant(pad_one_side=True)),
    Mistake("pad-order-swapped", "gave F.pad the height padding first",
            "F.pad's padding tuple starts with the *last* axis: (left, right, top, bottom) = "
            "(pW, pW, pH, pH). (pH, pH, pW, pW) pads the width by the height's amount and vice versa.",
            _variant(pad_order_swapped=True)),
    Mistake("stride-swapped", "read the (h, w) stride as (w, h)",
            "A pair argument is (height, width): stride=(sH, sW) steps sH rows down and sW columns right.",
            _variant(stride_swapped=True)),
    Mistake("dilation-ignored", "ignored the dilation",
            "With dilation d, tap (i, j) of the kernel reads the input at (s·y + d·i, s·x + d·j): the taps "
            "are d apart and the kernel reaches d(k−1) + 1 pixels, which also changes the output size.",
            _variant(ignore_dilation=True)),
    Mistake("groups-ignored", "ignored groups (every output channel read the first C_in/groups inputs)",
            "With groups g, output channel o belongs to group o // (C_out/g) and reads input channels "
            "[group·C_in/g, (group+1)·C_in/g): offset the input channel by the group, not just weight's "
            "channel index.", _variant(groups_ignored=True)),
    Mistake("groups-interleaved", "assigned output channels to groups round-robin (o % groups)",
            "torch's output channels come in contiguous blocks: channels 0..C_out/g−1 belong to group 0, "
            "the next C_out/g to group 1, and so on (o // (C_out/g), not o % g).",
            _variant(groups_interleaved=True)),
    Mistake("bias-ignored", "did not add the bias",
            "conv2d adds bias[o] to every position of output channel o when a bias is given.",
            _variant(ignore_bias=True)),
    Mistake("pool-zero-padding", "padded max pooling with zeros",
            "max_pool2d pads with -inf, so that padding never wins the max: with zeros, a border window "
            "of negative values returns 0. Use F.pad(x, ..., value=float('-inf')).",
            _variant(pool_zero_pad=True)),
    Mistake("pool-default-stride", "used stride 1 when stride is None",
            "max_pool2d's stride defaults to kernel_size (non-overlapping windows), not 1: "
            "stride = kernel_size if stride is None else stride.", _variant(pool_stride_one=True)),
    Mistake("transposed-weight-layout", "read the transposed-convolution weight as (out, in, kH, kW)",
            "conv_transpose2d's weight is (C_in, C_out, kH, kW), the transpose of conv2d's layout: "
            "input channel c scatters weight[c, o] into output channel o.", _variant(t_weight_out_in=True)),
    Mistake("transposed-no-flip", "did not flip the kernel in the zero-insertion form of the transposed convolution",
            "A transposed convolution written as 'insert zeros, pad, then conv2d' must correlate with the "
            "kernel rotated by 180 degrees (and in/out swapped): out[s·y + d·i] += x[y] · weight[i] scatters "
            "forwards, which a correlation only reproduces with weight.flip(-2, -1).",
            _variant(t_no_flip=True)),
    Mistake("output-padding-ignored", "ignored output_padding",
            "output_padding adds that many rows/columns at the bottom/right of the output: size "
            "(i−1)s − 2p + d(k−1) + output_padding + 1.", _variant(t_ignore_output_padding=True)),
    Mistake("transposed-padding-not-cropped", "did not crop the padding in the transposed convolution",
            "In conv_transpose2d, padding p *removes* p rows and columns from each side of the full "
            "result (it undoes the padding of the conv2d it transposes): size (i−1)s − 2p + d(k−1) + "
            "output_padding + 1.", _variant(t_no_crop=True)),
    Mistake("transposed-dilation-ignored", "ignored the dilation in the transposed convolution",
            "With dilation d, tap (i, j) lands at (s·y + d·i, s·x + d·j) in the output.",
            _variant(t_ignore_dilation=True)),
    Mistake("bias-false-ignored", "created a bias even with bias=False",
            "With bias=False torch's module has no bias parameter: self.register_parameter('bias', None), "
            "so state_dict() has no 'bias' and the output has no offset.",
            _variant(module_always_bias=True)),
)
