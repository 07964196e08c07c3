"""Hidden checks for ``conv``: shapes and settings the visible checks do not
show (stride larger than the kernel, padding beyond the kernel's reach,
output_padding allowed by the dilation alone, every option at once,
float32, batch 1 with one channel...). Not shipped in the student bundle."""

from __future__ import annotations

from ..check import FLOAT32, HIDDEN
from ..checks.conv import EXPLAIN, call, load, structure, structure_keys, tensor

# float32 checks: torch and a correct submission sum the same products in a
# different order; float32 rounding (~6e-8 relative per operation, a few
# dozen operations) is covered by grader.check.FLOAT32 (rtol 2e-4 plus
# 2e-5 of the largest value), still far below any mistake's effect.
H = {"visibility": HIDDEN}
PARTS = ("parameters", "state_dict", "dtypes")
HIDDEN_CONV2D = dict(in_channels=6, out_channels=4, kernel_size=1, groups=2, bias=False)
HIDDEN_TRANSPOSED = dict(in_channels=4, out_channels=1, kernel_size=(1, 3), dilation=2)

CHECKS = (
    # conv2d: 3.5 points
    call("2.1", "conv2d: batch 1, one channel, stride 3 > kernel 2, padding 2", 1.0, "conv2d",
         tensor((1, 1, 8, 7), 201), {"stride": 3, "padding": 2}, weight=tensor((1, 1, 2, 2), 202),
         bias=tensor((1,), 203), explain=EXPLAIN["conv2d"], **H),
    call("2.2", "conv2d: groups 3, stride, padding and dilation all (h, w) pairs; gradients", 1.0, "conv2d",
         tensor((2, 6, 9, 8), 204), {"stride": (1, 2), "padding": (2, 0), "dilation": (2, 3), "groups": 3},
         weight=tensor((6, 2, 3, 2), 205), bias=tensor((6,), 206), backward=True,
         explain=EXPLAIN["groups"] + " " + EXPLAIN["tuples"], **H),
    call("2.3", "conv2d: float32, 1x1 kernel, stride 2", 0.5, "conv2d",
         tensor((3, 5, 4, 6), 207), {"stride": 2}, weight=tensor((2, 5, 1, 1), 208), bias=tensor((2,), 209),
         dtype="float32", tolerance=FLOAT32, explain=EXPLAIN["conv2d"], **H),
    call("2.4", "conv2d: depthwise with dilation 2; gradients", 1.0, "conv2d",
         tensor((1, 4, 7, 7), 210), {"groups": 4, "dilation": 2, "padding": 2}, weight=tensor((4, 1, 3, 3), 211),
         backward=True, explain=EXPLAIN["groups"] + " " + EXPLAIN["dilation"], **H),
    # conv_transpose2d: 3.5 points
    call("2.5", "conv_transpose2d: batch 1, one channel, stride 3 > kernel 2", 1.0, "conv_transpose2d",
         tensor((1, 1, 3, 4), 221), {"stride": 3}, weight=tensor((1, 1, 2, 2), 222), bias=tensor((1,), 223),
         explain=EXPLAIN["transpose"], **H),
    call("2.6", "conv_transpose2d: padding beyond the kernel's reach", 1.0, "conv_transpose2d",
         tensor((2, 2, 5, 5), 224), {"stride": 2, "padding": 2}, weight=tensor((2, 3, 2, 2), 225),
         explain=EXPLAIN["transpose"], **H),
    call("2.7", "conv_transpose2d: every option at once; gradients", 1.0, "conv_transpose2d",
         tensor((2, 3, 4, 3), 226),
         {"stride": (3, 2), "padding": (2, 1), "output_padding": (2, 0), "dilation": (1, 3)},
         weight=tensor((3, 4, 3, 2), 227), bias=tensor((4,), 228), backward=True, explain=EXPLAIN["transpose"], **H),
    call("2.8", "conv_transpose2d: output_padding 1 with stride 1 (allowed by dilation 2)", 0.5, "conv_transpose2d",
         tensor((1, 2, 4, 4), 229), {"dilation": 2, "output_padding": 1}, weight=tensor((2, 2, 3, 3), 230),
         explain=EXPLAIN["transpose"], **H),
    # max_pool2d: 2 points
    call("2.9", "max_pool2d: batch 1, one channel, kernel (2, 3), stride (3, 1), padding 1, negative inputs", 1.0,
         "max_pool2d", tensor((1, 1, 7, 6), 241, shift=-3.0), {"kernel_size": (2, 3), "stride": (3, 1), "padding": 1},
         explain=EXPLAIN["pool"], **H),
    call("2.10", "max_pool2d: float32, kernel (2, 3), default stride", 0.5, "max_pool2d",
         tensor((2, 3, 5, 7), 242), {"kernel_size": (2, 3)}, dtype="float32", tolerance=FLOAT32,
         explain=EXPLAIN["pool"], **H),
    call("2.11", "max_pool2d: input gradient with stride 1 (maxima shared by windows)", 0.5, "max_pool2d",
         tensor((1, 2, 5, 5), 243), {"kernel_size": 3, "stride": 1, "padding": 1}, backward=True,
         explain=EXPLAIN["pool_grad"], **H),
    # modules: 3.5 points
    load("2.12", "Conv2d: depthwise, bias=False, tuple arguments; output and gradients", 1.0, "Conv2d",
         dict(in_channels=4, out_channels=8, kernel_size=(3, 1), stride=(2, 1), padding=(1, 0), groups=4,
              bias=False), tensor((2, 4, 7, 5), 251), 252, **H),
    load("2.13", "ConvTranspose2d: bias=False and every option; output and gradients", 1.0, "ConvTranspose2d",
         dict(in_channels=2, out_channels=3, kernel_size=(2, 3), stride=(2, 1), padding=(0, 1),
              output_padding=(1, 0), dilation=(1, 2), bias=False), tensor((2, 2, 3, 4), 253), 254, **H),
    structure("2.14", "Conv2d: float32 parameters by default, 1x1 kernel, groups 2, bias=False", 0.5, "Conv2d",
              [HIDDEN_CONV2D], keys=structure_keys("Conv2d", [HIDDEN_CONV2D], PARTS), **H),
    structure("2.15", "ConvTranspose2d: float32 parameters by default, non-square kernel", 0.5, "ConvTranspose2d",
              [HIDDEN_TRANSPOSED], keys=structure_keys("ConvTranspose2d", [HIDDEN_TRANSPOSED], PARTS), **H),
    load("2.16", "Conv2d: float32 (torch's default dtype); output and gradients", 0.5, "Conv2d",
         dict(in_channels=3, out_channels=2, kernel_size=2, padding=1), tensor((2, 3, 4, 5), 255), 256,
         dtype="float32", tolerance=FLOAT32, **H),
)
