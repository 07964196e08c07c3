# dlgrade assignment 'batchnorm': replace every `raise NotImplementedError` with your code.
# Check yourself with:  dlgrade check batchnorm batchnorm.py
"""Assignment ``batchnorm``: batch normalisation over (N, C, H, W) inputs.

Implement ``BatchNorm2d`` with the same behaviour as
``torch.nn.BatchNorm2d(num_features, eps, momentum)``, using plain tensor
operations. Calling ``nn.BatchNorm*``, ``F.batch_norm``,
``torch.batch_norm``, ``torch.native_batch_norm``, any
``torch.ops.aten.*batch_norm*``, ``F.instance_norm``, ``F.layer_norm`` or
``F.group_norm`` is not allowed.
"""

import torch
from torch import nn


class BatchNorm2d(nn.Module):
    r"""Batch normalisation over a 4D input (a mini-batch of 2D feature maps).

    .. math::

        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma + \beta

    The mean and variance are computed per channel, over the batch and both
    spatial dimensions (N, H and W: ``n = N * H * W`` values per channel).
    :math:`\gamma` (``weight``) and :math:`\beta` (``bias``) are learnable
    per-channel parameters, initialised to 1 and 0.

    In training mode (``self.training``) the layer normalises with the
    statistics of the current batch, using the *biased* variance
    (divide by ``n``), and updates the running estimates::

        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var  = (1 - momentum) * running_var  + momentum * var_unbiased

    where ``var_unbiased = var * n / (n - 1)`` (divide by ``n - 1``). Note the
    two different variances: biased to normalise, unbiased to track. The
    running statistics carry no autograd history. In evaluation mode the
    layer normalises with ``running_mean`` and ``running_var`` instead and
    leaves them unchanged.

    Args:
        num_features: ``C``, the number of channels of the input.
        eps: value added to the variance for numerical stability.
            Default: ``1e-5``.
        momentum: weight of the current batch in the running statistics.
            Default: ``0.1``.

    Attributes:
        weight: learnable ``nn.Parameter`` of shape ``(C,)``, initialised to 1.
        bias: learnable ``nn.Parameter`` of shape ``(C,)``, initialised to 0.
        running_mean: buffer of shape ``(C,)``, initialised to 0.
        running_var: buffer of shape ``(C,)``, initialised to 1.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)`` (same shape as the input)

    Example::

        >>> bn = BatchNorm2d(3)
        >>> x = torch.randn(8, 3, 5, 5)
        >>> y = bn(x)                  # training mode: batch statistics
        >>> bn.eval()
        >>> y = bn(x)                  # evaluation: running statistics
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        # Register weight and bias as nn.Parameter and the running statistics
        # as buffers (self.register_buffer), so that they move with .to(),
        # appear in state_dict() and torch's state_dict loads into this module.
        raise NotImplementedError("BatchNorm2d.__init__: your code here")

    def forward(self, x):
        """Normalise ``x`` of shape ``(N, C, H, W)``; see the class docstring."""
        if x.dim() != 4:
            raise ValueError(f"expected 4D input (got {x.dim()}D input)")
        raise NotImplementedError("BatchNorm2d.forward: your code here")
