"""Compare observations like a numerical analyst, and say what differs.

The parent compares the oracle's observations with the submission's, key
by key: type first (a plain tensor, not a subclass or a list), then shape,
dtype, finiteness, values (with the check's tolerance), and finally
whether autograd history is where torch keeps it. Each problem becomes a
sentence a student can act on: where the largest error is, which channels
are off, how many elements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from .check import Tolerance
from .child.protocol import Invalid, Tensor


@dataclass(frozen=True)
class Problem:
    key: str
    message: str


AXIS_NAMES = {"C": "channels", "L": "time steps"}


def compare(expected: dict, got: Any, keys: Iterable[str] | None, tol: Tolerance,
            layouts: dict[str, str] | None = None) -> list[Problem]:
    """All problems found comparing ``got`` against ``expected``.

    ``layouts`` maps an observation key (or the part after ``"i."``) to its
    axis letters, e.g. ``"LNH"``, so that messages can say which channels or
    time steps are off; 4D tensors default to ``"NCHW"``.
    """
    if not isinstance(got, dict):
        return [Problem("", f"the probe returned {_kind(got)} instead of observations")]
    problems: list[Problem] = []
    for key in (list(keys) if keys is not None else list(expected)):
        if key not in expected:
            raise KeyError(f"check compares {key!r}, which the oracle did not observe")
        if key not in got:
            problems.append(Problem(key, "was not observed"))
            continue
        message = compare_value(expected[key], got[key], tol, layout_for(layouts or {}, key))
        if message:
            problems.append(Problem(key, message))
    return problems


def layout_for(layouts: dict[str, str], key: str) -> str | None:
    if key in layouts:
        return layouts[key]
    head, _, tail = key.partition(".")
    return layouts.get(tail) if tail and head.isdigit() else None


def compare_value(exp: Any, got: Any, tol: Tolerance, layout: str | None = None) -> str | None:
    """None when ``got`` matches ``exp``, else one sentence saying how not."""
    if isinstance(got, Invalid):
        return f"your code produced {got.why}"
    if isinstance(exp, Tensor):
        return _compare_tensor(exp, got, tol, layout)
    if isinstance(exp, float) and not isinstance(exp, bool):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"expected a number, got {_kind(got)}"
        return None if _close_scalar(exp, float(got), tol) else f"expected {exp:.6g}, got {float(got):.6g}"
    if isinstance(exp, dict) and isinstance(got, dict):
        if set(exp) != set(got):
            missing = sorted(set(exp) - set(got))
            extra = sorted(set(got) - set(exp))
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if extra:
                parts.append(f"unexpected {', '.join(extra)}")
            return f"expected entries {sorted(exp)}, got {sorted(got)} ({'; '.join(parts)})"
        for k in exp:
            sub = compare_value(exp[k], got[k], tol)
            if sub:
                return f"[{k!r}] {sub}"
        return None
    if isinstance(exp, list) and isinstance(got, list) and any(isinstance(e, (Tensor, float)) for e in exp):
        if len(exp) != len(got):
            return f"expected {len(exp)} items, got {len(got)}"
        for i, (e, g) in enumerate(zip(exp, got)):
            sub = compare_value(e, g, tol)
            if sub:
                return f"item {i}: {sub}"
        return None
    if type(exp) is not type(got) or exp != got:
        return f"expected {_show(exp)}, got {_show(got)}"
    return None


def _compare_tensor(exp: Tensor, got: Any, tol: Tolerance, layout: str | None = None) -> str | None:
    if not isinstance(got, Tensor):
        return f"expected a torch.Tensor of shape {_shape(exp.shape)}, got {_kind(got)}"
    if exp.shape != got.shape:
        return f"expected shape {_shape(exp.shape)}, got {_shape(got.shape)}"
    if exp.torch_dtype != got.torch_dtype:
        return f"expected dtype torch.{exp.torch_dtype}, got torch.{got.torch_dtype}"
    e = exp.array
    g = got.array
    if e.dtype.kind == "b" or e.dtype.kind in "iu":
        wrong = e != g
        if wrong.any():
            return _where(wrong, e, g, "values differ", layout=layout)
    else:
        e64 = e.astype(np.float64)
        g64 = g.astype(np.float64)
        bad_nan = np.isnan(g64) & ~np.isnan(e64)
        if bad_nan.any():
            first = _index(np.argwhere(bad_nan)[0])
            return (f"contains NaN at {int(bad_nan.sum())} of {g64.size} positions (first at {first}) "
                    "where finite values were expected: look for a division by zero, sqrt or log of a "
                    "negative number, or an uninitialised tensor (torch.empty)")
        scale = float(np.nanmax(np.abs(e64[np.isfinite(e64)]))) if np.isfinite(e64).any() else 0.0
        atol = tol.abs_floor + tol.scale_rtol * scale
        with np.errstate(invalid="ignore"):
            err = np.abs(g64 - e64)
            same_special = (np.isnan(e64) & np.isnan(g64)) | ((e64 == g64) & ~np.isfinite(e64))
            # An infinite expected value is matched by the same infinity only
            # (rtol * inf would otherwise let any finite value through).
            wrong = ~same_special & (np.isinf(e64) | ~(err <= atol + tol.rtol * np.abs(e64)))
        if wrong.any():
            return _where(wrong, e64, g64, None, err=err, layout=layout)
    if exp.requires_grad != got.requires_grad:
        if exp.requires_grad:
            return ("has the right values but no autograd history (requires_grad=False): it was computed "
                    "from tensors that do not require grad, or under torch.no_grad()/detach(), so gradients "
                    "cannot flow through it as they do in torch")
        return ("has the right values but carries autograd history (requires_grad=True) where torch's does "
                "not: compute it under torch.no_grad() or from detached tensors")
    return None


def _where(wrong: np.ndarray, e: np.ndarray, g: np.ndarray, what: str | None,
           err: np.ndarray | None = None, layout: str | None = None) -> str:
    count = int(wrong.sum())
    if err is not None:
        masked = np.where(wrong, np.nan_to_num(err, nan=np.inf), -1.0)
        flat = int(np.argmax(masked))
    else:
        flat = int(np.flatnonzero(wrong)[0])
    idx = np.unravel_index(flat, e.shape) if e.ndim else ()
    ev, gv = e[idx] if e.ndim else e, g[idx] if g.ndim else g
    head = what or f"max abs error {float(err[idx]):.3g}"
    text = (f"{head} at index {_index(idx)} (expected {_num(ev)}, got {_num(gv)}); "
            f"{count} of {wrong.size} elements off")
    if layout is None and e.ndim == 4:
        layout = "NCHW"
    if layout is not None and len(layout) == e.ndim:
        for axis, letter in enumerate(layout):
            if letter in AXIS_NAMES and e.shape[axis] > 1:
                hit = sorted({int(i) for i in np.argwhere(wrong)[:, axis]})
                text += f"; {AXIS_NAMES[letter]} affected: {_short_list(hit, e.shape[axis])}"
    elif e.ndim == 1 and e.shape[0] > 1:
        entries = [int(i) for i in np.flatnonzero(wrong)]
        text += f"; entries affected: {_short_list(entries, e.shape[0])}"
    return text


def _close_scalar(e: float, g: float, tol: Tolerance) -> bool:
    if math.isnan(e) or math.isnan(g):
        return math.isnan(e) and math.isnan(g)
    if math.isinf(e) or math.isinf(g):
        return e == g
    return abs(g - e) <= tol.abs_floor + tol.scale_rtol * abs(e) + tol.rtol * abs(e)


def _short_list(items: list[int], total: int) -> str:
    if len(items) == total:
        return f"all {total}"
    shown = ", ".join(map(str, items[:8]))
    return shown + (f" (+{len(items) - 8} more)" if len(items) > 8 else "")


def _num(v: Any) -> str:
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.6g}"


def _index(idx: Iterable[Any]) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _kind(v: Any) -> str:
    if v is None:
        return "None"
    if isinstance(v, Tensor):
        return f"a tensor of shape {_shape(v.shape)}"
    if isinstance(v, Invalid):
        return v.why
    if isinstance(v, bool):
        return f"a bool ({v})"
    if isinstance(v, (int, float)):
        return f"a number ({v:.6g})"
    if isinstance(v, list):
        return f"a list of {len(v)} items"
    if isinstance(v, dict):
        return "a dict"
    return type(v).__name__


def _show(v: Any) -> str:
    if isinstance(v, (Tensor, Invalid)) or v is None:
        return _kind(v)
    text = repr(v)
    return text if len(text) <= 120 else text[:117] + "..."
