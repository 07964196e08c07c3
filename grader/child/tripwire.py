"""Run-time detection of forbidden calls inside the sandbox.

Two torch hooks watch the submission while a probe runs:

* a ``TorchFunctionMode`` sees every call of a public torch function
  (``torch.*``, ``torch.nn.functional.*``, ``torch._VF.*``, tensor methods),
  however the submission got hold of it (aliases, ``getattr`` with a built
  string, a module's ``forward``); forbidden ones are matched by identity;
* a ``TorchDispatchMode`` sees every ATen operator that actually executes,
  including ``torch.ops.aten.*`` called directly and operators reached
  through code we did not anticipate; forbidden ones are matched by a
  pattern on the operator's name. A CompositeImplicitAutograd operator
  (``aten.lstm_cell``, ``aten.gru_cell``...) decomposes into its parts
  before it reaches this hook, so the function hook also matches that
  pattern against ATen operators called from Python
  (``torch.ops.aten.X(...)``, however the submission got hold of ``X``).

A hit is recorded against the check in progress and the call still runs
(the submission is not told). The parent turns hits into failed checks. A
submission could in principle tear the hooks down from inside its own
process; the static scan in the parent rejects the means to do so
(``torch._C``, ``torch.overrides``, ``sys.modules``, ``gc``...), and nothing
the child reports is trusted as a score anyway.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from .forbidden import resolve

# What ``torch.ops.aten.X`` and ``torch.ops.aten.X.overload`` are.
_ATEN_CALLABLES = (torch._ops.OpOverloadPacket, torch._ops.OpOverload)


class Tripwire:
    """Records forbidden calls, attributed to the check that is running."""

    def __init__(self, function_patterns: Iterable[str], aten_patterns: Iterable[str]):
        self._functions = resolve(function_patterns)
        self._keep_alive = list(self._functions)  # ids stay valid: objects live in torch's modules
        self._aten = re.compile("|".join(f"(?:{p})" for p in aten_patterns)) if aten_patterns else None
        self.hits: list[str] = []
        self._modes: list[Any] = []

    # -- the two hooks ---------------------------------------------------
    def _on_function(self, func: Any) -> None:
        name = self._functions.get(id(func))
        if name is not None and name not in self.hits:
            self.hits.append(name)
        elif isinstance(func, _ATEN_CALLABLES) and str(func).startswith("aten."):
            self._on_aten(func)   # seen here before any decomposition

    def _on_aten(self, op: Any) -> None:
        if self._aten is None:
            return
        name = getattr(op, "__name__", "") or str(op)
        base = name.split(".")[0]
        if self._aten.search(base):
            label = f"torch.ops.aten.{base}"
            if label not in self.hits:
                self.hits.append(label)

    # -- activation --------------------------------------------------------
    def __enter__(self) -> "Tripwire":
        if not self._functions and self._aten is None:
            # Nothing is forbidden: the hooks could record nothing, and they
            # slow Python-heavy torch code (a training loop) two- to fourfold.
            return self
        wire = self

        class _Functions(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                wire._on_function(func)
                return func(*args, **(kwargs or {}))

        class _Operators(TorchDispatchMode):
            @classmethod
            def _should_skip_dynamo(cls) -> bool:
                # torch would wrap this hook in dynamo.disable, importing
                # torch._dynamo (1.3 s) on first use; nothing is compiled here.
                return False

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                wire._on_aten(func)
                return func(*args, **(kwargs or {}))

        self._modes = [_Functions(), _Operators()]
        for mode in self._modes:
            mode.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for mode in reversed(self._modes):
            try:
                mode.__exit__(None, None, None)
            except Exception:  # a submission may have left the stack unbalanced
                pass
        self._modes = []

    def take(self) -> list[str]:
        """Return and clear the hits recorded so far."""
        hits, self.hits = self.hits, []
        return hits
