"""Assignment ``gan``: a generative adversarial network on 2-D points.

Implement the two losses of a GAN on *logits*, a ``Generator`` and a
``Discriminator`` of your own design, and one training step that plays
the two-player game once. The graded data set is a ring of eight
Gaussians in the plane, so both networks are small multi-layer
perceptrons; any sensible design (width, depth, activations) is accepted,
as long as it learns.

Allowed: plain tensor operations, ``torch.nn.functional`` (including
``F.binary_cross_entropy_with_logits``), ``nn.Linear``, ``nn.Sequential``,
activations, normalisation layers and the optimisers. Nothing is
forbidden, but ``train_step`` must follow the order below exactly: the
grader replays it step by step.

The game. The discriminator :math:`D` maps a point to a logit
:math:`D(x)`, read as the log-odds that :math:`x` is real
(:math:`\\sigma(D(x))` is the probability). The generator :math:`G` maps
noise :math:`z \\sim \\mathcal{N}(0, I)` to a point :math:`G(z)`. The
minimax objective of Goodfellow et al. (2014) is

.. math::

    \\min_G \\max_D \\; \\mathbb{E}_{x}[\\log \\sigma(D(x))]
        + \\mathbb{E}_{z}[\\log(1 - \\sigma(D(G(z))))]

played by alternating one gradient step for each player.
"""

import torch
import torch.nn.functional as F
from torch import nn


def _bce_with_logits(logits, target):
    r"""Mean binary cross-entropy of ``logits`` against ``target``, stably.

    .. math::

        -[y \log \sigma(x) + (1 - y) \log(1 - \sigma(x))]
            = \operatorname{softplus}(x) - y x

    (as :math:`\log(1 - \sigma(x)) = \log \sigma(x) - x` and
    :math:`-\log \sigma(x) = \operatorname{softplus}(-x) = \operatorname{softplus}(x) - x`).
    ``softplus`` never forms :math:`\sigma(x)`, which rounds to 0 or 1 for
    :math:`|x| \gtrsim 17` in float32 and would make the logarithm infinite.
    """
    # BEGIN SOLUTION
    return (F.softplus(logits) - target * logits).mean()
    # END SOLUTION


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    r"""The discriminator's loss: real points labelled ``real_label``, fakes 0.

    .. math::

        \ell_D = \frac{1}{N_r} \sum_i \mathrm{BCE}(D(x_i), y_r)
               + \frac{1}{N_f} \sum_j \mathrm{BCE}(D(G(z_j)), 0),
        \qquad \mathrm{BCE}(s, y) = -[y \log \sigma(s) + (1 - y) \log(1 - \sigma(s))]

    With ``real_label = 1`` this is minus the inner objective of the
    minimax game: minimising it is :math:`\max_D`. The two means are
    *summed*, not averaged (each batch counts fully).

    One-sided label smoothing (Salimans et al., 2016): a ``real_label``
    below 1 (e.g. 0.9) stops rewarding the discriminator for ever more
    confident real logits, so it cannot become over-confident on a few
    features that the generator would then exploit. Only the real target
    is smoothed; the fake target stays 0.

    Args:
        real_logits: ``D(real)``, any shape (``(N, 1)`` from a
            ``Discriminator``): logits, not probabilities.
        fake_logits: ``D(fake)``, any shape.
        real_label: target for real points, in ``(0, 1]``. Default: ``1.0``.

    Returns:
        A scalar tensor, differentiable in both inputs.

    Example::

        >>> d_loss = discriminator_loss(D(real), D(fake.detach()), real_label=0.9)
    """
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"expected real_label in [0, 1] (got {real_label})")
    # BEGIN SOLUTION
    real_target = torch.full_like(real_logits, real_label)
    fake_target = torch.zeros_like(fake_logits)
    return _bce_with_logits(real_logits, real_target) + _bce_with_logits(fake_logits, fake_target)
    # END SOLUTION


def generator_loss(fake_logits):
    r"""The generator's non-saturating loss: fakes against target 1.

    .. math::

        \ell_G = \frac{1}{N} \sum_j \mathrm{BCE}(D(G(z_j)), 1)
               = -\frac{1}{N} \sum_j \log \sigma(D(G(z_j)))

    The minimax game asks the generator to *minimise*
    :math:`\log(1 - \sigma(D(G(z))))` (the saturating loss). Early in
    training the discriminator rejects fakes easily,
    :math:`\sigma(D(G(z))) \approx 0`, where that loss is flat: its
    gradient with respect to the logit is :math:`-\sigma(s) \approx 0`,
    and the generator barely learns. Maximising
    :math:`\log \sigma(D(G(z)))` instead has the same fixed point but a
    gradient :math:`-(1 - \sigma(s)) \approx -1` exactly there, hence
    "non-saturating".

    Args:
        fake_logits: ``D(G(z))``, any shape: logits.

    Returns:
        A scalar tensor.
    """
    # BEGIN SOLUTION
    return _bce_with_logits(fake_logits, torch.ones_like(fake_logits))
    # END SOLUTION


class Generator(nn.Module):
    r"""Maps latent noise to a point: ``(N, latent_dim) -> (N, out_dim)``.

    The design is yours; the grader checks the shapes, that every
    parameter receives a gradient, that the module follows ``.double()``,
    and that it learns the ring of eight Gaussians (radius 2) with your
    ``train_step``. The output layer must be able to reach the data: no
    ``tanh`` squashing the output into ``(-1, 1)`` when points lie at
    radius 2.

    Args:
        latent_dim: size of the noise vector ``z``. Default: ``2``.
        out_dim: size of a generated point. Default: ``2``.

    Shape:
        - Input: ``(N, latent_dim)``
        - Output: ``(N, out_dim)``, same dtype as the module.

    Example::

        >>> G = Generator()
        >>> G(torch.randn(64, 2)).shape
        torch.Size([64, 2])
    """

    def __init__(self, latent_dim=2, out_dim=2):
        super().__init__()
        self.latent_dim = latent_dim
        self.out_dim = out_dim
        # BEGIN SOLUTION
        hidden = 128
        self.net = nn.Sequential(
            nn.Linear(latent_dim, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, out_dim),                          # linear output: points are unbounded
        )
        # END SOLUTION

    def forward(self, z):
        """``(N, latent_dim) -> (N, out_dim)``."""
        # BEGIN SOLUTION
        return self.net(z)
        # END SOLUTION


class Discriminator(nn.Module):
    r"""Scores points with a logit: ``(N, in_dim) -> (N, 1)``.

    The output is a *logit* (any real number), not a probability: no
    sigmoid at the end. The losses apply the sigmoid inside the binary
    cross-entropy, where it can be done stably (see
    :func:`discriminator_loss`).

    Args:
        in_dim: size of a point. Default: ``2``.

    Shape:
        - Input: ``(N, in_dim)``
        - Output: ``(N, 1)``, same dtype as the module.

    Example::

        >>> D = Discriminator()
        >>> D(torch.randn(64, 2)).shape
        torch.Size([64, 1])
    """

    def __init__(self, in_dim=2):
        super().__init__()
        self.in_dim = in_dim
        # BEGIN SOLUTION
        hidden = 128
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
            nn.Linear(hidden, 1),                                # a logit: no sigmoid
        )
        # END SOLUTION

    def forward(self, x):
        """``(N, in_dim) -> (N, 1)`` logits."""
        # BEGIN SOLUTION
        return self.net(x)
        # END SOLUTION


def train_step(G, D, opt_g, opt_d, real, latent_dim):
    r"""One round of the game: a discriminator step, then a generator step.

    In this order:

    1. ``z = torch.randn(real.shape[0], latent_dim)`` and ``fake = G(z)``:
       one batch of fakes, as many as real points, shared by both steps.
    2. Discriminator step: ``d_loss = discriminator_loss(D(real),
       D(fake.detach()))``; ``opt_d.zero_grad()``, ``d_loss.backward()``,
       ``opt_d.step()``. ``fake.detach()`` cuts the graph between ``D`` and
       ``G``: this step trains ``D`` alone, so the backward pass neither
       reaches ``G``'s parameters nor frees ``G``'s graph, which the
       generator step still needs.
    3. Generator step, against the *updated* discriminator:
       ``g_loss = generator_loss(D(fake))`` (``fake`` not detached: the
       gradient must flow through ``D`` into ``G``); ``opt_g.zero_grad()``,
       ``g_loss.backward()``, ``opt_g.step()``. This backward pass also
       leaves gradients in ``D``'s parameters; they are harmless, as
       ``opt_d.zero_grad()`` clears them before ``D``'s next step.

    ``zero_grad`` comes before each ``backward``: gradients *accumulate* in
    ``.grad``, and a step must see only its own loss's gradient.

    Args:
        G, D: a :class:`Generator` and a :class:`Discriminator` (any modules
            of those shapes).
        opt_g, opt_d: optimisers over ``G``'s and ``D``'s parameters.
        real: a batch of real points, ``(N, out_dim)``.
        latent_dim: size of ``z``.

    Returns:
        ``(d_loss, g_loss)`` as Python floats (``loss.item()``): numbers
        for logging, holding no graph.

    Example::

        >>> opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
        >>> opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
        >>> for real in batches:
        ...     d_loss, g_loss = train_step(G, D, opt_g, opt_d, real, latent_dim=2)
    """
    # BEGIN SOLUTION
    z = torch.randn(real.shape[0], latent_dim)
    fake = G(z)

    d_loss = discriminator_loss(D(real), D(fake.detach()))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()

    g_loss = generator_loss(D(fake))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
    # END SOLUTION
