# dlgrade assignment 'vae': replace every `raise NotImplementedError` with your code.
# Check yourself with:  dlgrade check vae vae.py
r"""Assignment ``vae``: a variational auto-encoder for binary data.

Implement the reparameterisation trick (``reparameterize``), the VAE's
training loss, the negative evidence lower bound (``vae_loss``), and a
small ``VAE`` module with an encoder that maps ``x`` to the parameters of
a Gaussian posterior and a decoder that maps a latent ``z`` back to pixel
probabilities. The hidden layers are yours to design; the grader checks
what every correct VAE shares, then trains yours on synthetic data.

The model (Week 5). A latent ``z`` of ``latent_dim`` numbers is drawn from
the prior :math:`p(z) = \mathcal{N}(0, I)` and the decoder turns it into
independent Bernoulli probabilities for the pixels, :math:`p_\theta(x|z)`.
The encoder approximates the intractable posterior :math:`p(z|x)` by
:math:`q_\phi(z|x) = \mathcal{N}(\mu(x), \mathrm{diag}\,\sigma^2(x))`,
parameterised by ``mu`` and ``logvar`` :math:`= \log \sigma^2`. Jensen's
inequality gives the evidence lower bound (ELBO) on the log-likelihood:

.. math::

    \log p_\theta(x) \;\ge\; \mathrm{E}_{q_\phi(z|x)}[\log p_\theta(x|z)]
                      \;-\; \mathrm{KL}(q_\phi(z|x) \,\|\, p(z)).

Training maximises the ELBO, i.e. minimises its negative: a reconstruction
term (the binary cross-entropy of the decoded probabilities against ``x``)
plus a KL term that keeps the posterior close to the prior.

Allowed: everything in torch (``nn.Linear``, ``nn.Sequential``,
activations, ``torch.randn_like``, ``F.binary_cross_entropy``...). Nothing
numeric is forbidden in this assignment; the usual rules on hiding code
(``eval``, ``torch._C``, ``importlib``...) still hold.
"""

import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar):
    r"""Draw :math:`z \sim \mathcal{N}(\mu, \sigma^2)` so that gradients reach
    ``mu`` and ``logvar``: the reparameterisation trick.

    .. math::

        z = \mu + \sigma \odot \epsilon, \qquad
        \sigma = \exp(\tfrac{1}{2}\,\mathrm{logvar}), \qquad
        \epsilon \sim \mathcal{N}(0, I)

    Sampling ``z`` directly from :math:`\mathcal{N}(\mu, \sigma^2)` is not a
    differentiable operation of :math:`\mu` and :math:`\sigma`. Drawing the
    randomness as a separate input :math:`\epsilon` that does not depend on
    the parameters makes ``z`` a deterministic, differentiable function of
    them: :math:`\partial z/\partial\mu = 1` and
    :math:`\partial z/\partial\,\mathrm{logvar} = \tfrac{1}{2}\sigma\epsilon`,
    so the encoder is trained by ordinary back-propagation through ``z``.

    ``logvar`` is the log of the *variance*: the standard deviation is
    ``exp(0.5 * logvar)``, not ``exp(logvar)`` and not ``logvar``.

    Args:
        mu: posterior means, any shape (usually ``(N, latent_dim)``).
        logvar: posterior log-variances, same shape as ``mu``.

    Returns:
        ``z`` with the shape and dtype of ``mu``. The noise is
        ``eps = torch.randn_like(mu)``, drawn from torch's global random
        generator: after ``torch.manual_seed(s)`` the result is reproducible,
        and its dtype follows ``mu`` (float64 in, float64 noise).

    Example::

        >>> mu, logvar = torch.zeros(4, 2), torch.zeros(4, 2)
        >>> z = reparameterize(mu, logvar)      # 4 draws from N(0, I)
        >>> z.shape
        torch.Size([4, 2])
    """
    if mu.shape != logvar.shape:
        raise ValueError(f"expected mu and logvar of the same shape (got {tuple(mu.shape)} "
                         f"and {tuple(logvar.shape)})")
    raise NotImplementedError("reparameterize: your code here")


def vae_loss(x_recon, x, mu, logvar, beta=1.0):
    r"""The negative ELBO, averaged over the batch.

    For each sample :math:`n` of the batch,

    .. math::

        \ell_n = \underbrace{-\sum_d \big[x_{nd}\log \hat{x}_{nd}
                 + (1 - x_{nd})\log(1 - \hat{x}_{nd})\big]}_{\text{reconstruction (BCE)}}
                 \;+\; \beta\,\underbrace{\Big(-\tfrac{1}{2}\sum_j \big(1 + \mathrm{logvar}_{nj}
                 - \mu_{nj}^2 - e^{\mathrm{logvar}_{nj}}\big)\Big)}_{\mathrm{KL}(q(z|x_n)\,\|\,\mathcal{N}(0, I))}

    and the loss is :math:`\frac{1}{N}\sum_n \ell_n`.

    * The reconstruction term is the binary cross-entropy of the decoder's
      *probabilities* ``x_recon`` (in (0, 1): after a sigmoid, not logits)
      against ``x`` (in [0, 1]), **summed** over every non-batch dimension
      (pixels, channels...): it is :math:`-\log p_\theta(x|z)` for
      independent Bernoulli pixels, in nats. Averaging over pixels instead
      (``F.binary_cross_entropy``'s default ``reduction='mean'``) shrinks it
      by the number of pixels and lets the KL term dominate.
    * The KL divergence between two Gaussians has a closed form. For
      :math:`q = \mathcal{N}(\mu, \sigma^2)` and the prior
      :math:`\mathcal{N}(0, 1)`, per latent dimension,
      :math:`\mathrm{KL} = \tfrac{1}{2}(\sigma^2 + \mu^2 - 1 - \log\sigma^2)
      = -\tfrac{1}{2}(1 + \mathrm{logvar} - \mu^2 - e^{\mathrm{logvar}})`,
      which is :math:`\ge 0` and zero only when :math:`q` is the prior. It
      is summed over the latent dimensions.
    * ``beta`` weighs the KL term (the beta-VAE); ``beta=1`` is the ELBO.
    * Both terms are summed per sample, then the *mean over the batch* is
      taken, so the loss does not grow with the batch size.

    Args:
        x_recon: decoded probabilities, ``(N, *)``, in (0, 1).
        x: the data, same shape as ``x_recon``, in [0, 1].
        mu: ``(N, latent_dim)`` posterior means.
        logvar: ``(N, latent_dim)`` posterior log-variances.
        beta: weight of the KL term. Default: ``1.0``.

    Returns:
        A 0-dimensional tensor (differentiable with respect to ``x_recon``,
        ``mu`` and ``logvar``).

    Example::

        >>> x = torch.tensor([[1.0, 0.0]])
        >>> loss = vae_loss(torch.tensor([[0.5, 0.5]]), x, torch.zeros(1, 3), torch.zeros(1, 3))
        >>> round(loss.item(), 4)      # 2 * log 2: the KL term is 0 at the prior
        1.3863
    """
    if x_recon.shape != x.shape:
        raise ValueError(f"expected x_recon and x of the same shape (got {tuple(x_recon.shape)} "
                         f"and {tuple(x.shape)})")
    if mu.shape != logvar.shape or mu.dim() != 2 or mu.shape[0] != x.shape[0]:
        raise ValueError(f"expected mu and logvar of shape (N, latent_dim) with N = {x.shape[0]} "
                         f"(got {tuple(mu.shape)} and {tuple(logvar.shape)})")
    raise NotImplementedError("vae_loss: your code here")


class VAE(nn.Module):
    r"""A variational auto-encoder with multilayer-perceptron encoder and decoder.

    ::

        x (N, input_dim) -> encoder -> mu, logvar (N, latent_dim)
        z = reparameterize(mu, logvar)                      # (N, latent_dim)
        z -> decoder -> x_recon (N, input_dim), probabilities in (0, 1)

    The design here is one hidden layer of ``hidden_dim`` units with ReLU on
    each side, and two linear heads on the encoder's hidden layer, one for
    ``mu`` and one for ``logvar``. ``logvar`` is unconstrained (any real
    number is a valid log-variance), which is why the encoder predicts it
    rather than :math:`\sigma`. The decoder ends with a sigmoid, so its
    outputs are Bernoulli probabilities, as :func:`vae_loss` expects.

    Args:
        input_dim: number of pixels ``D`` of a (flattened) sample. Default: 64 (8x8).
        latent_dim: size ``L`` of the latent ``z``. Default: 8.
        hidden_dim: width of the hidden layers (this design's choice).
            Default: 128.

    Shape:
        - ``encode``: ``(N, D)`` -> ``(mu, logvar)``, each ``(N, L)``.
        - ``decode``: ``(N, L)`` -> ``(N, D)``, probabilities in (0, 1).
        - ``forward``: ``(N, D)`` -> ``(x_recon, mu, logvar)``.

    Example::

        >>> model = VAE(input_dim=64, latent_dim=8)
        >>> x = torch.rand(16, 64).round()           # binary data
        >>> x_recon, mu, logvar = model(x)
        >>> loss = vae_loss(x_recon, x, mu, logvar)
        >>> loss.backward()
    """

    def __init__(self, input_dim=64, latent_dim=8, hidden_dim=128):
        super().__init__()
        self.input_dim = input_dim
        self.latent_dim = latent_dim
        # Build the encoder (input_dim -> mu, logvar of latent_dim each) and
        # the decoder (latent_dim -> input_dim probabilities) from nn.Linear
        # layers and activations of your choice.
        raise NotImplementedError("VAE.__init__: your code here")

    def encode(self, x):
        """``x`` ``(N, input_dim)`` -> ``(mu, logvar)``, each ``(N, latent_dim)``."""
        if x.dim() != 2 or x.shape[1] != self.input_dim:
            raise ValueError(f"expected input of shape (N, {self.input_dim}) (got {tuple(x.shape)})")
        raise NotImplementedError("VAE.encode: your code here")

    def decode(self, z):
        """``z`` ``(N, latent_dim)`` -> probabilities ``(N, input_dim)`` in (0, 1)."""
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected z of shape (N, {self.latent_dim}) (got {tuple(z.shape)})")
        raise NotImplementedError("VAE.decode: your code here")

    def forward(self, x):
        """``x`` -> ``(x_recon, mu, logvar)``: encode, sample ``z`` with
        :func:`reparameterize`, decode."""
        raise NotImplementedError("VAE.forward: your code here")
