"""Helpers shared by probes: seeded inputs and dtype names."""

from __future__ import annotations

from typing import Sequence

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def dtype_of(name: str) -> torch.dtype:
    return DTYPES[name]


def randn(shape: Sequence[int], seed: int, dtype: str = "float64", scale: float = 1.0,
          shift: float = 0.0) -> torch.Tensor:
    """A reproducible normal sample, independent of the global RNG."""
    gen = torch.Generator().manual_seed(int(seed))
    sample = torch.randn(*shape, generator=gen, dtype=torch.float64)
    return (sample * scale + shift).to(dtype_of(dtype))


def grad_or_none(t: torch.Tensor | None):
    return None if t is None or t.grad is None else t.grad


def snapshot(value):
    """A copy of a tensor as it is now (buffers change in place later);
    anything else is returned as is, for the encoder to judge."""
    if type(value) is torch.Tensor or type(value) is torch.nn.Parameter:
        return torch.Tensor.clone(value)
    return value
