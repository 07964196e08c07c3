"""Probes for the ``batchnorm`` assignment (``BatchNorm2d``)."""

from __future__ import annotations

from typing import Any

import torch

from .common import dtype_of, randn, snapshot


def _build(api: Any, C: int, eps: float | None, momentum: float | None, dtype: str) -> Any:
    kwargs = {}
    if eps is not None:
        kwargs["eps"] = eps
    if momentum is not None:
        kwargs["momentum"] = momentum
    module = api.BatchNorm2d(C, **kwargs)
    return module.to(dtype_of(dtype))


def _set_affine(module: Any, C: int, seed: int, dtype: str) -> None:
    """Non-trivial weight and bias, so forgetting either shows."""
    with torch.no_grad():
        module.weight.copy_(randn((C,), seed, dtype, scale=0.5, shift=1.0))
        module.bias.copy_(randn((C,), seed + 1, dtype, scale=0.5))


def session(api: Any, C: int, steps: list[dict], dtype: str = "float64", eps: float | None = None,
            momentum: float | None = None, affine_seed: int | None = None) -> dict:
    """Build ``BatchNorm2d(C, eps, momentum)`` and run a sequence of steps.

    Each step is ``{"mode": "train"|"eval", "shape": [N, C, H, W], "seed": s,
    "scale": a, "shift": b, "backward": bool}``; the input is
    ``randn(shape) * scale + shift``. After step ``i`` the observations hold
    ``i.out``, ``i.running_mean``, ``i.running_var`` and, with backward (a
    seeded upstream gradient), ``i.grad_x``, ``i.grad_weight``, ``i.grad_bias``.
    """
    module = _build(api, C, eps, momentum, dtype)
    if affine_seed is not None:
        _set_affine(module, C, affine_seed, dtype)
    obs: dict[str, Any] = {}
    for i, step in enumerate(steps):
        module.train(step["mode"] == "train")
        x = randn(step["shape"], step["seed"], dtype, step.get("scale", 1.0), step.get("shift", 0.0))
        x.requires_grad_(bool(step.get("backward")))
        for p in module.parameters():
            p.grad = None
        out = module(x)
        obs[f"{i}.out"] = out
        if step.get("backward"):
            upstream = randn(step["shape"], step["seed"] + 7919, dtype)
            # The same gradient as out.backward(upstream), without the 0.5 s
            # first-use import that an explicit grad tensor costs in torch 2.x.
            (out * upstream).sum().backward()
            obs[f"{i}.grad_x"] = x.grad
            obs[f"{i}.grad_weight"] = getattr(module.weight, "grad", None)
            obs[f"{i}.grad_bias"] = getattr(module.bias, "grad", None)
        obs[f"{i}.running_mean"] = snapshot(module.running_mean)
        obs[f"{i}.running_var"] = snapshot(module.running_var)
    return obs


def structure(api: Any, C: int) -> dict:
    """What the module registers: parameters, buffers, state_dict layout."""
    module = api.BatchNorm2d(C)
    params = {name: list(p.shape) for name, p in module.named_parameters()}
    buffers = {name: list(b.shape) for name, b in module.named_buffers() if name != "num_batches_tracked"}
    state = {k: list(v.shape) for k, v in module.state_dict().items() if k != "num_batches_tracked"}
    return {
        "parameters": dict(sorted(params.items())),
        "buffers": dict(sorted(buffers.items())),
        "state_dict": dict(sorted(state.items())),
        "weight": module.weight,
        "bias": module.bias,
        "running_mean": module.running_mean,
        "running_var": module.running_var,
        "training": bool(module.training),
    }


def load_state(api: Any, C: int, seed: int, shape: list[int], dtype: str = "float64") -> dict:
    """Load a state_dict laid out as torch's and evaluate with it."""
    module = _build(api, C, None, None, dtype)
    state = {
        "weight": randn((C,), seed, dtype, 0.5, 1.0),
        "bias": randn((C,), seed + 1, dtype, 0.5),
        "running_mean": randn((C,), seed + 2, dtype),
        "running_var": randn((C,), seed + 3, dtype).abs() + 0.5,
        "num_batches_tracked": torch.tensor(5),
    }
    result = module.load_state_dict(state, strict=False)
    missing = sorted(k for k in result.missing_keys if k != "num_batches_tracked")
    unexpected = sorted(k for k in result.unexpected_keys if k != "num_batches_tracked")
    module.eval()
    x = randn(shape, seed + 4, dtype)
    return {"missing_keys": missing, "unexpected_keys": unexpected, "out": module(x)}


PROBES = {"session": session, "structure": structure, "load_state": load_state}
