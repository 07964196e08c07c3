"""Assignment ``conv``: convolution layers from plain tensor operations.

Implement ``conv2d``, ``conv_transpose2d`` and ``max_pool2d`` with the same
behaviour (outputs and gradients) as ``torch.nn.functional``'s functions of
those names, and the modules ``Conv2d`` and ``ConvTranspose2d`` with the
same parameters as ``torch.nn``'s, so that a torch module's ``state_dict``
loads into yours.

Allowed: plain tensor operations (indexing, slicing, ``reshape``,
``permute``, ``matmul``, ``torch.einsum``, ``amax``/``max``...),
``torch.nn.functional.pad`` and ``Tensor.unfold`` (sliding windows along one
dimension). Not allowed: ``F.conv*``, ``F.conv_transpose*``, ``torch.conv*``,
``torch.convolution``, ``nn.Conv*``, ``nn.ConvTranspose*``, ``F.max_pool*``,
``nn.MaxPool*``, ``torch.max_pool*``, ``F.unfold``, ``F.fold``,
``nn.Unfold``, ``nn.Fold`` and anything under ``torch.ops.aten``.

Shape arithmetic, per spatial axis (input size ``i``, kernel size ``k``,
stride ``s``, padding ``p``, dilation ``d``)::

    conv2d, max_pool2d (d = 1):  o = floor((i + 2p - d(k - 1) - 1) / s) + 1
    conv_transpose2d:            o = (i - 1)s - 2p + d(k - 1) + output_padding + 1

``d(k - 1) + 1`` is the kernel's *reach*: the span of input it covers once
its taps are spread ``d`` apart.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def _pair(value, name):
    """``value`` as an ``(h, w)`` pair: torch accepts an int (both axes) or a pair."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        return (value[0], value[1])
    raise ValueError(f"{name} must be an int or a pair of ints (got {value!r})")


def _check_4d(t, what):
    if not isinstance(t, torch.Tensor) or t.dim() != 4:
        got = f"{t.dim()}D" if isinstance(t, torch.Tensor) else type(t).__name__
        raise ValueError(f"expected 4D {what} (got {got} {what})")


def _at_least(pair, low, name):
    if min(pair) < low:
        raise ValueError(f"{name} must be >= {low} (got {pair})")


def conv_output_size(i, k, s, p, d):
    """Output size of conv2d (and max_pool2d, with d = 1) along one axis."""
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def conv_transpose_output_size(i, k, s, p, output_padding, d):
    """Output size of conv_transpose2d along one axis."""
    return (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2D convolution (a cross-correlation) over a batch of multi-channel images.

    Same as ``torch.nn.functional.conv2d``. Each output channel ``o`` slides
    its kernel ``weight[o]`` over the zero-padded input and, at every
    position, sums the products with the input values under its taps:

    .. math::

        \text{out}[n, o, y, x] = \text{bias}[o] + \sum_{c=0}^{C_{in}/g - 1}
            \sum_{i=0}^{kH-1} \sum_{j=0}^{kW-1} \text{weight}[o, c, i, j] \cdot
            \text{x}_{pad}[n,\ g_o \tfrac{C_{in}}{g} + c,\ s_H y + d_H i,\ s_W x + d_W j]

    where :math:`\text{x}_{pad}` is ``x`` with ``padding`` zeros added on
    *both* sides of each spatial axis and :math:`g_o = o \,//\, (C_{out}/g)`
    is the group of output channel ``o``. There is no kernel flip (torch,
    like every deep-learning library, computes a cross-correlation and
    calls it convolution).

    With ``groups = g`` the input channels are split into ``g`` groups of
    ``C_in / g`` and the output channels into ``g`` groups of ``C_out / g``;
    output group ``j`` sees input group ``j`` only. ``groups = C_in`` is a
    *depthwise* convolution.

    Output size along each spatial axis:
    ``o = floor((i + 2p - d(k - 1) - 1) / s) + 1``.

    Args:
        x: input of shape ``(N, C_in, H, W)``.
        weight: kernels of shape ``(C_out, C_in / groups, kH, kW)``.
        bias: ``(C_out,)`` added to every output position, or ``None``.
            Default: ``None``.
        stride: step between neighbouring windows, int or ``(sH, sW)``,
            ``>= 1``. Default: 1.
        padding: zeros added on both sides of each spatial axis, int or
            ``(pH, pW)``, ``>= 0``. Default: 0. (torch's string forms
            ``'same'``/``'valid'`` are not part of this assignment.)
        dilation: spacing between kernel taps, int or ``(dH, dW)``, ``>= 1``.
            Default: 1.
        groups: number of channel groups; divides ``C_in`` and ``C_out``.
            Default: 1.

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = floor((H + 2 pH - dH (kH - 1) - 1) / sH) + 1``, likewise ``W_out``.

    Raises:
        ValueError: for inputs or arguments torch would reject.

    Example::

        >>> x = torch.randn(2, 3, 8, 8)
        >>> w = torch.randn(4, 3, 3, 3)
        >>> conv2d(x, w, stride=2, padding=1).shape
        torch.Size([2, 4, 4, 4])
    """
    _check_4d(x, "input")
    _check_4d(weight, "weight")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride, "stride"), _pair(padding, "padding"), _pair(dilation, "dilation")
    _at_least((sh, sw), 1, "stride")
    _at_least((ph, pw), 0, "padding")
    _at_least((dh, dw), 1, "dilation")
    N, C_in, H, W = x.shape
    C_out, C_group, kh, kw = weight.shape
    if not isinstance(groups, int) or groups < 1 or C_out % groups != 0:
        raise ValueError(f"groups must be a positive int dividing out_channels={C_out} (got {groups!r})")
    if C_group * groups != C_in:
        raise ValueError(f"expected input with {C_group * groups} channels (weight {tuple(weight.shape)}, "
                         f"groups={groups}), got {C_in} channels")
    if bias is not None and tuple(bias.shape) != (C_out,):
        raise ValueError(f"expected bias of shape ({C_out},), got {tuple(bias.shape)}")
    oh, ow = conv_output_size(H, kh, sh, ph, dh), conv_output_size(W, kw, sw, pw, dw)
    if oh < 1 or ow < 1:
        raise ValueError(f"the kernel's reach ({dh * (kh - 1) + 1}, {dw * (kw - 1) + 1}) exceeds the padded "
                         f"input ({H + 2 * ph}, {W + 2 * pw})")
    # BEGIN SOLUTION
    G = groups
    xp = F.pad(x, (pw, pw, ph, ph))                                  # (N, C_in, H + 2pH, W + 2pW)
    reach_h, reach_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    windows = xp.unfold(2, reach_h, sh).unfold(3, reach_w, sw)       # (N, C_in, oh, ow, reach_h, reach_w)
    taps = windows[..., ::dh, ::dw]                                  # (N, C_in, oh, ow, kH, kW)
    taps = taps.reshape(N, G, C_in // G, oh, ow, kh, kw)             # split channels into groups
    w = weight.reshape(G, C_out // G, C_group, kh, kw)               # (G, C_out/G, C_in/G, kH, kW)
    out = torch.einsum("ngcyxij,gocij->ngoyx", taps, w)              # (N, G, C_out/G, oh, ow)
    out = out.reshape(N, C_out, oh, ow)
    if bias is not None:
        out = out + bias.view(1, C_out, 1, 1)
    return out
    # END SOLUTION


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1):
    r"""2D transposed convolution (sometimes called "deconvolution"), groups = 1.

    Same as ``torch.nn.functional.conv_transpose2d`` with ``groups=1``. It
    is the adjoint of ``conv2d`` (the gradient of ``conv2d`` with respect to
    its input): every input value *scatters* a copy of its kernel, scaled by
    the value, into the output, copies ``stride`` apart:

    .. math::

        \text{full}[n, o,\ s_H y + d_H i,\ s_W x + d_W j] \mathrel{+}=
            \text{x}[n, c, y, x] \cdot \text{weight}[c, o, i, j]

    summed over ``c, y, x, i, j``. ``padding`` then *crops* ``p`` rows (and
    columns) from both sides of ``full``, and ``output_padding`` adds that
    many rows/columns at the bottom/right only (they receive only the
    bias). ``output_padding`` exists because a strided ``conv2d`` maps
    several input sizes to the same output size; it selects which one
    this layer produces. It must be smaller than the stride or the
    dilation.

    Note the weight layout ``(C_in, C_out, kH, kW)``: in and out are
    swapped with respect to ``conv2d``'s, so that the weight of a
    ``conv2d(C_out -> C_in)`` can be used to go back.

    Output size along each spatial axis:
    ``o = (i - 1)s - 2p + d(k - 1) + output_padding + 1``.

    Args:
        x: input of shape ``(N, C_in, H, W)``.
        weight: kernels of shape ``(C_in, C_out, kH, kW)``.
        bias: ``(C_out,)`` or ``None``. Default: ``None``.
        stride: int or ``(sH, sW)``, ``>= 1``. Default: 1.
        padding: rows/columns cropped from both sides, int or ``(pH, pW)``,
            ``>= 0``. Default: 0.
        output_padding: rows/columns added at the bottom/right, int or
            ``(opH, opW)``, smaller than the stride or the dilation. Default: 0.
        dilation: spacing between kernel taps, int or ``(dH, dW)``. Default: 1.

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = (H - 1) sH - 2 pH + dH (kH - 1) + opH + 1``, likewise ``W_out``.

    Raises:
        ValueError: for inputs or arguments torch would reject.

    Example::

        >>> x = torch.randn(2, 4, 4, 4)
        >>> w = torch.randn(4, 3, 3, 3)               # (C_in, C_out, kH, kW)
        >>> conv_transpose2d(x, w, stride=2, padding=1, output_padding=1).shape
        torch.Size([2, 3, 8, 8])
    """
    _check_4d(x, "input")
    _check_4d(weight, "weight")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride, "stride"), _pair(padding, "padding"), _pair(dilation, "dilation")
    oph, opw = _pair(output_padding, "output_padding")
    _at_least((sh, sw), 1, "stride")
    _at_least((ph, pw, oph, opw), 0, "padding and output_padding")
    _at_least((dh, dw), 1, "dilation")
    if not (oph < sh or oph < dh) or not (opw < sw or opw < dw):
        raise ValueError(f"output_padding {(oph, opw)} must be smaller than either the stride {(sh, sw)} "
                         f"or the dilation {(dh, dw)}")
    N, C_in, H, W = x.shape
    if weight.shape[0] != C_in:
        raise ValueError(f"expected weight of shape ({C_in}, C_out, kH, kW) for an input with {C_in} channels, "
                         f"got {tuple(weight.shape)}")
    _, C_out, kh, kw = weight.shape
    if bias is not None and tuple(bias.shape) != (C_out,):
        raise ValueError(f"expected bias of shape ({C_out},), got {tuple(bias.shape)}")
    oh = conv_transpose_output_size(H, kh, sh, ph, oph, dh)
    ow = conv_transpose_output_size(W, kw, sw, pw, opw, dw)
    if oh < 1 or ow < 1:
        raise ValueError(f"padding {(ph, pw)} crops the whole output (size would be ({oh}, {ow}))")
    # BEGIN SOLUTION
    full_h = (H - 1) * sh + dh * (kh - 1) + 1                        # before cropping the padding
    full_w = (W - 1) * sw + dw * (kw - 1) + 1
    full = x.new_zeros(N, C_out, full_h + oph, full_w + opw)         # + output_padding at the bottom/right
    for i in range(kh):
        for j in range(kw):
            # Tap (i, j) adds x mixed by weight[:, :, i, j], its pixels s apart, shifted by (d_H i, d_W j).
            contribution = torch.einsum("nchw,co->nohw", x, weight[:, :, i, j])   # (N, C_out, H, W)
            full[:, :, dh * i: dh * i + (H - 1) * sh + 1: sh,
                       dw * j: dw * j + (W - 1) * sw + 1: sw] += contribution
    out = full[:, :, ph: ph + oh, pw: pw + ow]                       # crop the padding
    if bias is not None:
        out = out + bias.view(1, C_out, 1, 1)
    return out
    # END SOLUTION


def max_pool2d(x, kernel_size, stride=None, padding=0):
    r"""2D max pooling: the largest value of each window, per channel.

    Same as ``torch.nn.functional.max_pool2d`` (no dilation, no ceil mode).
    The input is padded with :math:`-\infty` (not zeros: a padded position
    must never win the max, even when every real value is negative).

    Output size along each spatial axis: ``o = floor((i + 2p - k) / s) + 1``.

    Args:
        x: input of shape ``(N, C, H, W)``.
        kernel_size: window size, int or ``(kH, kW)``.
        stride: step between windows, int or ``(sH, sW)``. Default: ``None``,
            which means ``kernel_size`` (non-overlapping windows), *not* 1.
        padding: ``-inf`` added on both sides of each spatial axis, an int
            (or a pair), at most half the kernel size. Default: 0.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with
          ``H_out = floor((H + 2 pH - kH) / sH) + 1``, likewise ``W_out``.

    Gradient: flows to the position of each window's maximum (the first
    one, in row-major order, should a window hold equal maxima).

    Raises:
        ValueError: for inputs or arguments torch would reject.

    Example::

        >>> x = torch.randn(1, 2, 6, 6)
        >>> max_pool2d(x, 2).shape                    # stride defaults to 2
        torch.Size([1, 2, 3, 3])
    """
    _check_4d(x, "input")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = (kh, kw) if stride is None else _pair(stride, "stride")
    ph, pw = _pair(padding, "padding")
    _at_least((kh, kw, sh, sw), 1, "kernel_size and stride")
    _at_least((ph, pw), 0, "padding")
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding {(ph, pw)} must be at most half the kernel size {(kh, kw)}")
    N, C, H, W = x.shape
    oh, ow = conv_output_size(H, kh, sh, ph, 1), conv_output_size(W, kw, sw, pw, 1)
    if oh < 1 or ow < 1:
        raise ValueError(f"the kernel {(kh, kw)} is larger than the padded input ({H + 2 * ph}, {W + 2 * pw})")
    # BEGIN SOLUTION
    xp = F.pad(x, (pw, pw, ph, ph), value=float("-inf"))             # (N, C, H + 2pH, W + 2pW)
    windows = xp.unfold(2, kh, sh).unfold(3, kw, sw)                 # (N, C, oh, ow, kH, kW)
    # max over the flattened window (row-major) picks the first maximum on ties, as torch does
    return windows.reshape(N, C, oh, ow, kh * kw).max(dim=-1).values
    # END SOLUTION


class Conv2d(nn.Module):
    r"""A 2D convolution layer: ``conv2d`` with learnable weight and bias.

    Same as ``torch.nn.Conv2d`` (``padding_mode='zeros'``): the same
    parameter names and shapes, so ``load_state_dict`` of a torch module's
    ``state_dict`` works and gives the same outputs.

    Args:
        in_channels: ``C_in``.
        out_channels: ``C_out``.
        kernel_size: int or ``(kH, kW)``.
        stride, padding, dilation, groups: as for :func:`conv2d`.
        bias: whether to learn a bias. Default: ``True``.

    Attributes:
        weight: ``nn.Parameter`` of shape ``(C_out, C_in / groups, kH, kW)``.
        bias: ``nn.Parameter`` of shape ``(C_out,)``, or ``None`` when
            ``bias=False`` (registered as ``None``, like torch, so that
            ``state_dict()`` has no ``bias`` entry).

    Initialisation is free; torch (and this reference) draws both from
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` with ``fan_in = C_in/groups·kH·kW``.

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)``, see :func:`conv2d`.

    Example::

        >>> layer = Conv2d(3, 8, kernel_size=3, padding=1)
        >>> layer(torch.randn(2, 3, 16, 16)).shape
        torch.Size([2, 8, 16, 16])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"groups={groups} must divide in_channels={in_channels} and "
                             f"out_channels={out_channels}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride, self.padding = _pair(stride, "stride"), _pair(padding, "padding")
        self.dilation = _pair(dilation, "dilation")
        # Register weight (and bias, or None) as nn.Parameter with torch's names and shapes.
        # BEGIN SOLUTION
        kh, kw = self.kernel_size
        bound = 1 / math.sqrt(in_channels // groups * kh * kw)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, kh, kw).uniform_(-bound, bound))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound))
        else:
            self.register_parameter("bias", None)
        # END SOLUTION

    def forward(self, x):
        """Apply the layer to ``x`` of shape ``(N, C_in, H, W)``."""
        # BEGIN SOLUTION
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        # END SOLUTION


class ConvTranspose2d(nn.Module):
    r"""A 2D transposed convolution layer: ``conv_transpose2d`` with learnable
    weight and bias (groups = 1).

    Same as ``torch.nn.ConvTranspose2d`` with ``groups=1``: the same
    parameter names and shapes, so ``load_state_dict`` of a torch module's
    ``state_dict`` works and gives the same outputs.

    Args:
        in_channels: ``C_in``.
        out_channels: ``C_out``.
        kernel_size: int or ``(kH, kW)``.
        stride, padding, output_padding, dilation: as for
            :func:`conv_transpose2d`.
        bias: whether to learn a bias. Default: ``True``.

    Attributes:
        weight: ``nn.Parameter`` of shape ``(C_in, C_out, kH, kW)`` (note the
            order: in before out, unlike ``Conv2d``).
        bias: ``nn.Parameter`` of shape ``(C_out,)``, or ``None`` when
            ``bias=False``.

    Initialisation is free; torch (and this reference) draws both from
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` with ``fan_in = C_out·kH·kW``
    (torch computes it from ``weight.shape[1]``).

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)``, see :func:`conv_transpose2d`.

    Example::

        >>> up = ConvTranspose2d(8, 3, kernel_size=4, stride=2, padding=1)
        >>> up(torch.randn(2, 8, 16, 16)).shape
        torch.Size([2, 3, 32, 32])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 dilation=1, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride, self.padding = _pair(stride, "stride"), _pair(padding, "padding")
        self.output_padding = _pair(output_padding, "output_padding")
        self.dilation = _pair(dilation, "dilation")
        # Register weight (and bias, or None) as nn.Parameter with torch's names and shapes.
        # BEGIN SOLUTION
        kh, kw = self.kernel_size
        bound = 1 / math.sqrt(out_channels * kh * kw)
        self.weight = nn.Parameter(torch.empty(in_channels, out_channels, kh, kw).uniform_(-bound, bound))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound))
        else:
            self.register_parameter("bias", None)
        # END SOLUTION

    def forward(self, x):
        """Apply the layer to ``x`` of shape ``(N, C_in, H, W)``."""
        # BEGIN SOLUTION
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                self.dilation)
        # END SOLUTION
