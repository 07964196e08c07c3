"""The data set the ``gan`` checks train on: a ring of Gaussians in the plane.

``modes`` Gaussians of standard deviation ``std`` sit evenly on a circle
of radius ``radius`` around ``centre``, the first at angle ``phase``; a
point picks its mode uniformly. The classic GAN toy (eight modes, radius
2): a generator that has learnt puts its samples near the modes, one that
has not sits near its initial output (near the origin for small weights).

Made in code from a seed with a generator of its own, never the global
RNG, so the child and the parent (which judges samples against
:func:`centres`) agree on it without a file. The random functions are
bound when this module is imported, before any submission is: one that
replaces ``torch.randn`` for everyone (to make the noise predictable)
changes neither the data nor the probes' noise (:func:`normal`).
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import torch

RING = {"modes": 8, "radius": 2.0, "std": 0.15, "centre": [0.0, 0.0], "phase": 0.0}
_randn, _randint, _Generator = torch.randn, torch.randint, torch.Generator


def _spec(ring: Mapping | None) -> dict:
    spec = dict(RING)
    spec.update(ring or {})
    return spec


def centres(ring: Mapping | None = None) -> torch.Tensor:
    """The modes' centres, ``(modes, 2)`` float64."""
    spec = _spec(ring)
    k = torch.arange(int(spec["modes"]), dtype=torch.float64)
    angle = spec["phase"] + 2 * math.pi * k / int(spec["modes"])
    cx, cy = (float(c) for c in spec["centre"])
    return torch.stack([cx + spec["radius"] * torch.cos(angle), cy + spec["radius"] * torch.sin(angle)], dim=1)


def sample(n: int, seed: int, ring: Mapping | None = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``n`` points of the ring, ``(n, 2)``, reproducible from ``seed``."""
    spec = _spec(ring)
    gen = _Generator().manual_seed(int(seed))
    which = _randint(int(spec["modes"]), (n,), generator=gen)
    noise = _randn(n, 2, generator=gen, dtype=torch.float64)
    return (centres(spec)[which] + spec["std"] * noise).to(dtype)


def normal(shape: Sequence[int], seed: int) -> torch.Tensor:
    """A float32 standard normal sample reproducible from ``seed`` (the
    probes' noise ``z`` and inputs of the modules of free design)."""
    return _randn(*shape, generator=_Generator().manual_seed(int(seed)), dtype=torch.float32)


def near_modes(points: Sequence, ring: Mapping | None = None, radius_in_std: float = 3.0) -> tuple[float, int]:
    """The fraction of ``points`` (an ``(n, 2)`` array) within
    ``radius_in_std`` standard deviations of some mode, and how many modes
    hold at least 2% of the points that way (modes covered)."""
    spec = _spec(ring)
    x = torch.as_tensor(points, dtype=torch.float64).reshape(-1, 2)
    distance, nearest = torch.cdist(x, centres(spec)).min(dim=1)
    near = distance < radius_in_std * spec["std"]
    counts = torch.bincount(nearest[near], minlength=int(spec["modes"]))
    return float(near.double().mean()), int((counts >= 0.02 * len(x)).sum())
