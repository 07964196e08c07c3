"""Probes for the ``lstm`` assignment: ``LSTMCell`` and the one-layer ``LSTM``.

Every probe builds the module the way a user would, then copies seeded
parameters in under torch's names (``weight_ih``... for the cell,
``weight_ih_l0``... for the layer), so that initialisation never matters
and both sides compute with the same numbers. Weights are ``randn * 0.6``:
the gates then sit in the steep part of sigmoid and tanh, where every
known mistake (a swapped gate, a missing tanh, one bias left out) moves
the output by O(0.1).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .common import dtype_of, grad_or_none, randn

CLASSES = ("LSTMCell", "LSTM")
WEIGHT_SCALE = 0.6
UPSTREAM_SEED = 7919   # offset of the upstream gradients' seeds from the probe's seed
INPUT_SEED = 100       # offsets of the input and initial state from the probe's seed
STATE_SEED = 200


def torch_shapes(cls: str, I: int, H: int, bias: bool = True) -> dict[str, tuple[int, ...]]:
    """torch's parameter names and shapes for ``cls(I, H)``, in torch's order."""
    suffix = "_l0" if cls == "LSTM" else ""
    shapes = {f"weight_ih{suffix}": (4 * H, I), f"weight_hh{suffix}": (4 * H, H)}
    if bias:
        shapes.update({f"bias_ih{suffix}": (4 * H,), f"bias_hh{suffix}": (4 * H,)})
    return shapes


def _build(api: Any, cls: str, init: dict) -> Any:
    """``cls(input_size, hidden_size, **rest)``: the optional arguments by
    keyword and only when the recipe gives them, so defaults are exercised."""
    if cls not in CLASSES:
        raise ValueError(f"unknown module {cls!r}")
    kw = dict(init)
    return getattr(api, cls)(kw.pop("input_size"), kw.pop("hidden_size"), **kw)


def _label(cls: str, init: dict) -> str:
    """``LSTMCell(3, 5, bias=False)``: how the check built the module."""
    kw = dict(init)
    head = [repr(kw.pop("input_size")), repr(kw.pop("hidden_size"))]
    return f"{cls}({', '.join(head + [f'{k}={v!r}' for k, v in kw.items()])})"


def _set_parameters(module: Any, cls: str, shapes: dict, seed: int, dtype: str) -> dict[str, Any]:
    """Copy seeded values into the module's parameters, found by torch's names."""
    found = {}
    for k, (name, shape) in enumerate(shapes.items()):
        p = getattr(module, name, None)
        if not isinstance(p, torch.Tensor):
            raise AttributeError(f"{cls} has no tensor attribute {name!r}: the checks set torch's parameters "
                                 f"{', '.join(shapes)} by name (got {type(p).__name__})")
        if tuple(p.shape) != tuple(shape):
            raise ValueError(f"{cls}.{name} has shape {tuple(p.shape)}; torch's is {tuple(shape)}, and the "
                             "checks copy torch-shaped values into it")
        with torch.no_grad():
            p.copy_(randn(shape, seed + k, dtype, scale=WEIGHT_SCALE))
        found[name] = p
    return found


def _pair(value: Any, what: str) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        got = type(value).__name__ + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "")
        raise TypeError(f"expected {what} to be a pair (a tuple of two), got a {got}")
    return value[0], value[1]


def _as_shape(t: Any, shape: tuple[int, ...]) -> Any:
    """``t`` viewed as ``shape`` when it holds that many elements (so that a
    wrong layout of h_n costs only the check that looks at its shape)."""
    if type(t) is torch.Tensor and tuple(t.shape) != shape and t.numel() == math.prod(shape):
        return t.reshape(shape)
    return t


def _shape(t: Any) -> Any:
    """The shape of a tensor as a list; what else it is, otherwise."""
    return [int(s) for s in t.shape] if isinstance(t, torch.Tensor) else f"not a tensor ({type(t).__name__})"


def _backward(terms: list[tuple[Any, tuple[int, ...]]], seed: int, dtype: str) -> None:
    """Back-propagate ``sum_k (t_k * u_k).sum()`` for seeded upstream ``u_k``
    drawn in the *expected* shape of each output. A term of the wrong size,
    or without autograd history, contributes nothing (its gradients then
    show the mistake). ``(t * u).sum().backward()`` gives the same gradient
    as ``t.backward(u)`` without the 0.5 s first-use import of the latter."""
    loss = None
    for k, (t, shape) in enumerate(terms):
        t = _as_shape(t, shape)
        if type(t) is not torch.Tensor or not t.requires_grad or tuple(t.shape) != shape:
            continue
        term = (t * randn(shape, seed + UPSTREAM_SEED + k, dtype)).sum()
        loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()


def _grads(obs: dict, leaves: dict[str, Any]) -> None:
    for name, leaf in leaves.items():
        obs[f"grad_{name}"] = grad_or_none(leaf)


def cell(api: Any, input_size: int, hidden_size: int, N: int, seed: int, steps: int = 1, state: bool = False,
         bias: bool | None = None, backward: bool = False, dtype: str = "float64") -> dict:
    """``LSTMCell`` applied ``steps`` times, each step's ``(h, c)`` fed to the next.

    The first step gets ``state`` (``(h0, c0)`` drawn from the seed) or no
    state at all (the default ``None``: zeros). Observes the last ``h`` and
    ``c`` and, with ``backward``, the gradients of ``x`` (all steps,
    ``(steps, N, I)``), ``h0``, ``c0`` and every parameter.
    """
    init = {"input_size": input_size, "hidden_size": hidden_size}
    if bias is not None:
        init["bias"] = bias
    I, H = input_size, hidden_size
    module = _build(api, "LSTMCell", init).to(dtype_of(dtype))
    params = _set_parameters(module, "LSTMCell", torch_shapes("LSTMCell", I, H, bias is not False), seed, dtype)
    xs = randn((steps, N, I), seed + INPUT_SEED, dtype).requires_grad_(backward)
    leaves = {"x": xs}
    current = None
    if state:
        h0 = randn((N, H), seed + STATE_SEED, dtype).requires_grad_(backward)
        c0 = randn((N, H), seed + STATE_SEED + 1, dtype).requires_grad_(backward)
        leaves.update(h0=h0, c0=c0)
        current = (h0, c0)
    for t in range(steps):
        result = module(xs[t]) if current is None else module(xs[t], current)
        current = _pair(result, "what LSTMCell.forward returns, (h, c),")
    h, c = current
    obs: dict[str, Any] = {"h": h, "c": c}
    if backward:
        _backward([(h, (N, H)), (c, (N, H))], seed, dtype)
        _grads(obs, {**leaves, **params})
    return obs


def sequence(api: Any, input_size: int, hidden_size: int, L: int, N: int, seed: int,
             batch_first: bool | None = None, state: bool = False, backward: bool = False,
             dtype: str = "float64") -> dict:
    """``LSTM`` over one sequence of length ``L``, batch ``N``.

    ``x`` is ``(L, N, I)``, or ``(N, L, I)`` with ``batch_first``; ``state``
    gives ``(h0, c0)`` of shape ``(1, N, H)``. Observes ``out``, ``h_n``,
    ``c_n`` as returned, their shapes alone (``h_n shape``...), ``h_n
    values`` and ``c_n values`` (h_n and c_n brought to ``(1, N, H)`` when
    they hold N·H numbers: one layout mistake, one check lost) and, with
    ``backward``, the gradients of ``x``, ``h0``, ``c0`` and every
    parameter for seeded upstream gradients on output, h_n and c_n.
    """
    init: dict[str, Any] = {"input_size": input_size, "hidden_size": hidden_size}
    if batch_first is not None:
        init["batch_first"] = batch_first
    I, H = input_size, hidden_size
    module = _build(api, "LSTM", init).to(dtype_of(dtype))
    params = _set_parameters(module, "LSTM", torch_shapes("LSTM", I, H), seed, dtype)
    x_shape = (N, L, I) if batch_first else (L, N, I)
    out_shape = (N, L, H) if batch_first else (L, N, H)
    x = randn(x_shape, seed + INPUT_SEED, dtype).requires_grad_(backward)
    leaves = {"x": x}
    if state:
        h0 = randn((1, N, H), seed + STATE_SEED, dtype).requires_grad_(backward)
        c0 = randn((1, N, H), seed + STATE_SEED + 1, dtype).requires_grad_(backward)
        leaves.update(h0=h0, c0=c0)
        result = module(x, (h0, c0))
    else:
        result = module(x)
    out, last = _pair(result, "what LSTM.forward returns, (output, (h_n, c_n)),")
    h_n, c_n = _pair(last, "the second item LSTM.forward returns, (h_n, c_n),")
    obs: dict[str, Any] = {"out": out, "h_n": h_n, "c_n": c_n, "h_n shape": _shape(h_n), "c_n shape": _shape(c_n),
                           "h_n values": _as_shape(h_n, (1, N, H)), "c_n values": _as_shape(c_n, (1, N, H))}
    if backward:
        _backward([(out, out_shape), (h_n, (1, N, H)), (c_n, (1, N, H))], seed, dtype)
        _grads(obs, {**leaves, **params})
    return obs


def module(api: Any, cls: str, configs: list[dict], seed: int) -> dict:
    """What each constructed module registers, and whether torch's
    ``state_dict`` loads into it.

    Per configuration (keyed by how the module was built): parameter names
    and shapes, ``state_dict`` keys and shapes, parameter dtypes (torch's
    default float32); then a ``state_dict`` laid out as torch's (seeded
    values) is loaded with ``strict=False``: the missing and unexpected
    keys, whether loading raised, and the parameters read back.
    """
    obs: dict[str, Any] = {}
    for k, init in enumerate(configs):
        m = _build(api, cls, init)
        label = _label(cls, init)
        named = dict(m.named_parameters())
        obs[f"{label}: parameters"] = {name: list(p.shape) for name, p in sorted(named.items())}
        obs[f"{label}: state_dict"] = {key: list(v.shape) for key, v in sorted(m.state_dict().items())}
        obs[f"{label}: dtypes"] = {name: str(p.dtype).replace("torch.", "") for name, p in sorted(named.items())}
        shapes = torch_shapes(cls, init["input_size"], init["hidden_size"], init.get("bias", True))
        state = {name: randn(shape, seed + 10 * k + j, "float32") for j, (name, shape) in enumerate(shapes.items())}
        try:
            result = m.load_state_dict(state, strict=False)
        except RuntimeError as exc:
            obs[f"{label}: load_state_dict"] = str(exc).strip().splitlines()[-1].strip()[:300]
            continue
        obs[f"{label}: load_state_dict"] = "loaded"
        obs[f"{label}: missing keys"] = sorted(result.missing_keys)
        obs[f"{label}: unexpected keys"] = sorted(result.unexpected_keys)
        obs[f"{label}: loaded values"] = {name: p for name, p in sorted(m.named_parameters())}
    return obs


PROBES = {"cell": cell, "sequence": sequence, "module": module}
