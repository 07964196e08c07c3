# dlgrade assignment 'lstm': replace every `raise NotImplementedError` with your code.
# Check yourself with:  dlgrade check lstm lstm.py
"""Assignment ``lstm``: long short-term memory from plain tensor operations.

Implement ``LSTMCell`` (one time step) and ``LSTM`` (one layer run over a
whole sequence) with the same behaviour (outputs, final states and
gradients) as ``torch.nn.LSTMCell`` and a one-layer ``torch.nn.LSTM``, and
with torch's parameter names and shapes, so that a torch module's
``state_dict`` loads into yours.

Allowed: plain tensor operations (``@``/``matmul``, slicing, ``chunk``,
``torch.cat``/``torch.stack``, ``torch.einsum``...), ``torch.sigmoid`` and
``torch.tanh``. Not allowed: ``nn.LSTM*``, ``nn.RNN*``, ``nn.GRU*``,
``torch.lstm*`` (``torch.lstm``, ``torch.lstm_cell``), anything under
``torch._VF`` or ``torch.ops.aten``.

The gates are stacked in the order **i, f, g, o** (input, forget, cell,
output) along the first axis of every parameter: rows ``0:H`` of
``weight_ih`` belong to the input gate, ``H:2H`` to the forget gate,
``2H:3H`` to the cell candidate g and ``3H:4H`` to the output gate.
"""

import math

import torch
from torch import nn


def lstm_step(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    r"""One LSTM time step: ``(x, (h, c)) -> (h', c')``.

    .. math::

        \begin{aligned}
        i &= \sigma(W_{ii} x + b_{ii} + W_{hi} h + b_{hi}) \\
        f &= \sigma(W_{if} x + b_{if} + W_{hf} h + b_{hf}) \\
        g &= \tanh(W_{ig} x + b_{ig} + W_{hg} h + b_{hg}) \\
        o &= \sigma(W_{io} x + b_{io} + W_{ho} h + b_{ho}) \\
        c' &= f \odot c + i \odot g \\
        h' &= o \odot \tanh(c')
        \end{aligned}

    ``weight_ih`` stacks :math:`W_{ii}, W_{if}, W_{ig}, W_{io}` (each
    ``(H, I)``) into ``(4H, I)``; ``weight_hh`` stacks the ``(H, H)``
    recurrent weights into ``(4H, H)``; the biases stack likewise into
    ``(4H,)``. torch keeps *two* biases, ``bias_ih`` and ``bias_hh``: they
    are always added together, so only their sum matters to the output,
    but each is a parameter with its own gradient (the same one).

    Args:
        x: input at this step, ``(N, I)``.
        state: ``(h, c)``, each ``(N, H)``.
        weight_ih, weight_hh: ``(4H, I)`` and ``(4H, H)``.
        bias_ih, bias_hh: ``(4H,)`` each, or ``None`` (no bias).

    Returns:
        ``(h', c')``, each ``(N, H)``.
    """
    raise NotImplementedError("lstm_step: your code here")


def _init_uniform(module, hidden_size):
    """torch's initialisation: every parameter ~ U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size)
    for p in module.parameters():
        nn.init.uniform_(p, -bound, bound)


def _check_state(state, shape, what):
    """``state`` as ``(h, c)`` of shape ``shape`` each; ValueError otherwise."""
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        raise ValueError(f"expected the {what} state as a pair (h, c) (got {type(state).__name__})")
    for name, t in zip("hc", state):
        if not isinstance(t, torch.Tensor) or tuple(t.shape) != tuple(shape):
            got = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(f"expected {name} of shape {tuple(shape)} (got {got})")
    return state[0], state[1]


class LSTMCell(nn.Module):
    r"""A long short-term memory cell: one time step of an LSTM.

    .. math::

        \begin{aligned}
        i &= \sigma(W_{ii} x + b_{ii} + W_{hi} h + b_{hi}) \\
        f &= \sigma(W_{if} x + b_{if} + W_{hf} h + b_{hf}) \\
        g &= \tanh(W_{ig} x + b_{ig} + W_{hg} h + b_{hg}) \\
        o &= \sigma(W_{io} x + b_{io} + W_{ho} h + b_{ho}) \\
        c' &= f \odot c + i \odot g \\
        h' &= o \odot \tanh(c')
        \end{aligned}

    :math:`\sigma` is the logistic sigmoid and :math:`\odot` the elementwise
    product. The forget gate ``f`` decides how much of the old cell state
    ``c`` survives, the input gate ``i`` how much of the candidate ``g``
    enters, and the output gate ``o`` how much of ``tanh(c')`` is shown as
    the hidden state ``h'``.

    Args:
        input_size: ``I``, the number of features of ``x``.
        hidden_size: ``H``, the number of features of ``h`` and ``c``.
        bias: if ``False``, the cell has no ``bias_ih`` and ``bias_hh``
            (they are ``None`` and absent from ``state_dict()``).
            Default: ``True``.

    Attributes:
        weight_ih: ``(4H, I)``, the input-to-hidden weights of the gates
            i, f, g, o stacked in that order.
        weight_hh: ``(4H, H)``, the hidden-to-hidden weights, same order.
        bias_ih: ``(4H,)``, the input-to-hidden bias.
        bias_hh: ``(4H,)``, the hidden-to-hidden bias. torch keeps the two
            biases apart (cuDNN's layout) although only their sum matters.

        All are ``nn.Parameter``, initialised from
        :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` as torch does.

    Shape:
        - Input: ``x`` of shape ``(N, I)``; ``state`` a pair ``(h, c)`` of
          shape ``(N, H)`` each, or ``None`` for zeros. Unbatched: ``(I,)``
          and ``(H,)``.
        - Output: ``(h', c')``, each ``(N, H)`` (``(H,)`` unbatched).

    Example::

        >>> cell = LSTMCell(10, 20)
        >>> x = torch.randn(3, 10)          # (N, I)
        >>> h, c = cell(x)                  # zero initial state
        >>> h, c = cell(x, (h, c))          # carry the state to the next step
        >>> h.shape
        torch.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        # Register weight_ih (4H, I), weight_hh (4H, H) and, when bias is
        # True, bias_ih and bias_hh (4H,) as nn.Parameter; when bias is
        # False, register them as None (self.register_parameter(name, None)),
        # as torch does. Initialise with U(-1/sqrt(H), 1/sqrt(H)).
        raise NotImplementedError("LSTMCell.__init__: your code here")

    def forward(self, x, state=None):
        """One step from ``x`` ``(N, I)`` and ``state`` ``(h, c)`` (``None`` =
        zeros) to ``(h', c')``; see the class docstring."""
        if x.dim() not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"expected input of shape (N, {self.input_size}) or ({self.input_size},) "
                             f"(got {tuple(x.shape)})")
        unbatched = x.dim() == 1
        raise NotImplementedError("LSTMCell.forward: your code here")


class LSTM(nn.Module):
    r"""A one-layer LSTM: :class:`LSTMCell`'s step applied along a sequence.

    For each time step ``t = 0 .. L-1``::

        h_t, c_t = step(x_t, (h_{t-1}, c_{t-1}))       # the LSTMCell equations

    starting from the given ``(h_0, c_0)`` (zeros when ``state`` is
    ``None``). ``output`` stacks every ``h_t``; ``h_n`` and ``c_n`` are the
    states after the last step, with a leading axis of size 1 (torch's
    ``num_layers * num_directions``). Gradients flow back through every
    step (backpropagation through time): the state must not be detached.

    Args:
        input_size: ``I``, the number of features of each ``x_t``.
        hidden_size: ``H``, the number of features of ``h_t`` and ``c_t``.
        batch_first: if ``True``, ``x`` and ``output`` are ``(N, L, ·)``
            instead of ``(L, N, ·)``. ``h_0, c_0, h_n, c_n`` are always
            ``(1, N, H)``. Default: ``False``.

    Attributes:
        weight_ih_l0: ``(4H, I)``, gates i, f, g, o stacked in that order.
        weight_hh_l0: ``(4H, H)``.
        bias_ih_l0, bias_hh_l0: ``(4H,)`` each (torch's two biases).

        All are ``nn.Parameter``, initialised from
        :math:`\mathcal{U}(-1/\sqrt{H}, 1/\sqrt{H})` as torch does.

    Shape:
        - Input: ``x`` of shape ``(L, N, I)`` (``(N, L, I)`` with
          ``batch_first``); ``state`` a pair ``(h_0, c_0)`` of shape
          ``(1, N, H)`` each, or ``None`` for zeros. Unbatched: ``(L, I)``
          with states ``(1, H)``.
        - Output: ``(output, (h_n, c_n))``: ``output`` ``(L, N, H)``
          (``(N, L, H)`` with ``batch_first``), ``h_n`` and ``c_n``
          ``(1, N, H)``.

    Example::

        >>> lstm = LSTM(10, 20)
        >>> x = torch.randn(5, 3, 10)            # (L, N, I)
        >>> output, (h_n, c_n) = lstm(x)
        >>> output.shape, h_n.shape
        (torch.Size([5, 3, 20]), torch.Size([1, 3, 20]))
        >>> bool((output[-1] == h_n[0]).all())
        True
    """

    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        # Register weight_ih_l0 (4H, I), weight_hh_l0 (4H, H), bias_ih_l0 and
        # bias_hh_l0 (4H,) as nn.Parameter (torch's names: "_l0" is layer 0),
        # initialised with U(-1/sqrt(H), 1/sqrt(H)).
        raise NotImplementedError("LSTM.__init__: your code here")

    def forward(self, x, state=None):
        """Run over the sequence ``x``; returns ``(output, (h_n, c_n))``.
        See the class docstring for the shapes."""
        if x.dim() not in (2, 3) or x.shape[-1] != self.input_size:
            layout = "(N, L, {0})" if self.batch_first else "(L, N, {0})"
            raise ValueError(f"expected input of shape {layout.format(self.input_size)} or "
                             f"(L, {self.input_size}) (got {tuple(x.shape)})")
        unbatched = x.dim() == 2
        raise NotImplementedError("LSTM.forward: your code here")
