"""Probes for the ``conv`` assignment: conv2d, conv_transpose2d, max_pool2d
and the Conv2d / ConvTranspose2d modules.

A tensor recipe is ``{"shape": [...], "seed": s, "scale": a, "shift": b}``
(``randn(shape) * scale + shift``). Argument values arrive as JSON, where
an ``(h, w)`` pair is a list; they are handed to the submission as tuples,
the form torch's users pass.
"""

from __future__ import annotations

from typing import Any

import torch

from .common import dtype_of, grad_or_none, randn

FUNCTIONS = ("conv2d", "conv_transpose2d", "max_pool2d")
MODULES = ("Conv2d", "ConvTranspose2d")
UPSTREAM_SEED = 7919            # offset of the upstream gradient's seed from the input's
MAX_OUTPUT_ELEMENTS = 1_000_000  # an upstream gradient larger than this is not drawn


def _tensor(recipe: dict, dtype: str, grad: bool) -> torch.Tensor:
    t = randn(recipe["shape"], recipe["seed"], dtype, recipe.get("scale", 1.0), recipe.get("shift", 0.0))
    return t.requires_grad_(grad)


def _arguments(values: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


def _backward(out: Any, seed: int, dtype: str) -> bool:
    """Back-propagate a seeded upstream gradient through ``out``; False when
    ``out`` cannot carry one (not a plain tensor, or no autograd history)."""
    if type(out) is not torch.Tensor or not out.requires_grad:
        return False
    shape = [int(s) for s in out.shape]
    if out.numel() > MAX_OUTPUT_ELEMENTS:
        raise ValueError(f"the output has {out.numel()} elements; these checks expect far fewer")
    upstream = randn(shape, seed + UPSTREAM_SEED, dtype)
    # The gradient of out.backward(upstream), without the ~0.5 s first-use
    # import an explicit grad tensor costs in torch 2.x (see probes/batchnorm.py).
    (out * upstream).sum().backward()
    return True


def functional(api: Any, fn: str, x: dict, kwargs: dict, weight: dict | None = None, bias: dict | None = None,
               backward: bool = False, dtype: str = "float64") -> dict:
    """Call ``api.<fn>`` once and observe its output (and, with ``backward``,
    the gradients of x, weight and bias for a seeded upstream gradient).

    ``conv2d`` and ``conv_transpose2d`` get ``(x, weight)`` positionally,
    ``max_pool2d`` gets ``(x, kernel_size)``; everything else (bias
    included) by keyword, and only when the recipe gives it, so that the
    submission's defaults are exercised too.
    """
    if fn not in FUNCTIONS:
        raise ValueError(f"unknown function {fn!r}")
    kw = _arguments(kwargs)
    xt = _tensor(x, dtype, backward)
    leaves = {"grad_x": xt}
    if fn == "max_pool2d":
        out = api.max_pool2d(xt, kw.pop("kernel_size"), **kw)
    else:
        wt = _tensor(weight, dtype, backward)
        leaves["grad_weight"] = wt
        if bias is not None:
            kw["bias"] = leaves["grad_bias"] = _tensor(bias, dtype, backward)
        out = getattr(api, fn)(xt, wt, **kw)
    obs: dict[str, Any] = {"out": out}
    if backward:
        reached = _backward(out, x["seed"], dtype)
        for key, leaf in leaves.items():
            obs[key] = grad_or_none(leaf) if reached else None
    return obs


def _build(api: Any, cls: str, init: dict) -> Any:
    if cls not in MODULES:
        raise ValueError(f"unknown module {cls!r}")
    kw = _arguments(init)
    return getattr(api, cls)(kw.pop("in_channels"), kw.pop("out_channels"), kw.pop("kernel_size"), **kw)


def _label(cls: str, init: dict) -> str:
    """``ConvTranspose2d(3, 2, (2, 3), stride=2)``: how the check built it."""
    kw = _arguments(init)
    head = [repr(kw.pop(k)) for k in ("in_channels", "out_channels", "kernel_size")]
    return f"{cls}({', '.join(head + [f'{k}={v!r}' for k, v in kw.items()])})"


def torch_shapes(cls: str, init: dict) -> dict:
    """The shapes of torch's parameters for this constructor call."""
    k = init["kernel_size"]
    kh, kw = (k, k) if isinstance(k, int) else k
    cin, cout = init["in_channels"], init["out_channels"]
    if cls == "Conv2d":
        shapes = {"weight": [cout, cin // init.get("groups", 1), kh, kw]}
    else:
        shapes = {"weight": [cin, cout, kh, kw]}
    if init.get("bias", True):
        shapes["bias"] = [cout]
    return shapes


def structure(api: Any, cls: str, configs: list) -> dict:
    """What each constructed module registers: parameter names and shapes,
    ``state_dict`` keys and shapes, and parameter dtypes (torch's default
    float32), keyed by how the module was built."""
    obs: dict[str, Any] = {}
    for init in configs:
        module = _build(api, cls, init)
        label = _label(cls, init)
        named = dict(module.named_parameters())
        obs[f"{label}: parameters"] = {name: list(p.shape) for name, p in sorted(named.items())}
        obs[f"{label}: state_dict"] = {k: list(v.shape) for k, v in sorted(module.state_dict().items())}
        obs[f"{label}: dtypes"] = {name: str(p.dtype).replace("torch.", "") for name, p in sorted(named.items())}
    return obs


def load_state(api: Any, cls: str, init: dict, x: dict, seed: int, dtype: str = "float64",
               backward: bool = True) -> dict:
    """Load a state_dict laid out as torch's (seeded values), run the module
    on ``x`` and observe the output and the gradients of x, weight and bias."""
    module = _build(api, cls, init).to(dtype_of(dtype))
    state = {name: randn(shape, seed + i, dtype, scale=0.5)
             for i, (name, shape) in enumerate(torch_shapes(cls, init).items())}
    result = module.load_state_dict(state, strict=False)
    obs: dict[str, Any] = {"missing_keys": sorted(result.missing_keys),
                           "unexpected_keys": sorted(result.unexpected_keys)}
    xt = _tensor(x, dtype, backward)
    out = module(xt)
    obs["out"] = out
    if backward:
        for p in module.parameters():
            p.grad = None
        reached = _backward(out, x["seed"], dtype)
        obs["grad_x"] = grad_or_none(xt) if reached else None
        for name in ("weight", "bias"):
            param = getattr(module, name, None)
            obs[f"grad_{name}"] = grad_or_none(param) if reached and isinstance(param, torch.Tensor) else None
    return obs


PROBES = {"functional": functional, "structure": structure, "load_state": load_state}
