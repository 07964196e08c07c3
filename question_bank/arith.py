"""Shape arithmetic of torch's conv, transposed conv and pooling layers.

Plain integer functions, one axis at a time, with the same rounding as
torch (floor division; ceil mode with its last-window rule). Tests check
them against the real modules; topics use them for answers.
"""

from __future__ import annotations


def effective_kernel(kernel_size: int, dilation: int = 1) -> int:
    """Span of a dilated kernel: ``d·(k − 1) + 1``."""
    return dilation * (kernel_size - 1) + 1


def conv_out(in_size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output size of ``nn.Conv2d`` along one axis.

    .. math:: o = \\lfloor (i + 2p - d(k-1) - 1) / s \\rfloor + 1
    """
    return (in_size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv_transpose_out(
    in_size: int, kernel_size: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """Output size of ``nn.ConvTranspose2d`` along one axis.

    .. math:: o = (i - 1)s - 2p + d(k - 1) + o_p + 1
    """
    return (in_size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def pool_out_unclipped(in_size: int, kernel_size: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> int:
    """``nn.MaxPool2d``'s output size before the ceil-mode last-window rule."""
    span = in_size + 2 * padding - (kernel_size - 1) - 1
    if ceil_mode:
        return -(-span // stride) + 1
    return span // stride + 1


def pool_last_window_dropped(in_size: int, kernel_size: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> bool:
    """True when ceil mode's extra window would start in the right padding.

    torch drops that window: the last window must start inside the input
    or the left padding, i.e. ``(o − 1)·s < i + p``.
    """
    if not ceil_mode:
        return False
    o = pool_out_unclipped(in_size, kernel_size, stride, padding, ceil_mode)
    return (o - 1) * stride >= in_size + padding


def pool_out(in_size: int, kernel_size: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> int:
    """Output size of ``nn.MaxPool2d`` along one axis (dilation 1).

    .. math:: o = \\lfloor\\text{ or }\\lceil (i + 2p - k) / s \\rceil + 1

    In ceil mode one is taken off again when the last window would start
    in the right padding (see :func:`pool_last_window_dropped`).
    """
    o = pool_out_unclipped(in_size, kernel_size, stride, padding, ceil_mode)
    return o - 1 if pool_last_window_dropped(in_size, kernel_size, stride, padding, ceil_mode) else o
