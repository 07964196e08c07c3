"""The assignments dlgrade knows, and what each one is made of.

Each assignment is one module under ``grader/checks`` that defines
``ASSIGNMENT``; hidden checks live apart, under ``grader/hidden`` (left out
of the student bundle). Adding an assignment means adding those files, its
probes (``grader/child/probes``), its mistakes, its reference, and one line
in :data:`REGISTRY`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from .check import Check
from .errors import BundleError, UsageError

# Every assignment of the contract (SPEC §1), mapped to its checks module;
# None = not available in this version.
REGISTRY: dict[str, str | None] = {
    "batchnorm": "grader.checks.batchnorm",
    "conv": "grader.checks.conv",
    "vae": "grader.checks.vae",
    "gan": "grader.checks.gan",
    "lstm": "grader.checks.lstm",
}


@dataclass(frozen=True)
class Assignment:
    """Everything the parent needs to grade one assignment.

    Attributes:
        name: the contract's name (``"batchnorm"``).
        title: a human title.
        required: names the submission must define.
        forbidden_functions: dotted patterns (last part may use ``*``) of
            forbidden torch callables, matched by identity.
        forbidden_aten: regexes over ATen operator names, for the run-time
            tripwire (and ``torch.ops.aten.X`` in the static scan).
        forbidden_prefixes: dotted prefixes forbidden wholesale in source.
        visible: the visible checks (self-check and grade).
        oracle: returns the API namespace built from torch's own functions.
        mistakes_module: module holding ``MISTAKES`` (runnable buggy variants;
            left out of the student bundle, which carries their recorded
            observations on the visible checks instead).
        hidden_module: module holding ``CHECKS`` (the hidden checks).
    """

    name: str
    title: str
    required: tuple[str, ...]
    forbidden_functions: tuple[str, ...]
    forbidden_aten: tuple[str, ...]
    visible: tuple[Check, ...]
    oracle: Callable[[], Any]
    mistakes_module: str | None = None
    forbidden_prefixes: tuple[str, ...] = ()
    hidden_module: str | None = None
    summary: str = ""
    groups: tuple[str, ...] = field(default=())

    def forbidden_wire(self) -> dict:
        """The forbidden lists as sent to the child."""
        return {"functions": list(self.forbidden_functions), "aten": list(self.forbidden_aten)}

    def hidden(self) -> tuple[Check, ...]:
        """The hidden checks; raise BundleError where they are not installed."""
        if self.hidden_module is None:
            return ()
        try:
            module = importlib.import_module(self.hidden_module)
        except ModuleNotFoundError:
            raise BundleError(
                f"the hidden checks of '{self.name}' are not installed here (a student bundle "
                "has the visible checks only): use 'dlgrade check'") from None
        return tuple(module.CHECKS)

    def checks(self, include_hidden: bool) -> tuple[Check, ...]:
        return self.visible + (self.hidden() if include_hidden else ())


def names() -> list[str]:
    return list(REGISTRY)


def available() -> list[str]:
    return [name for name, module in REGISTRY.items() if module is not None]


def get(name: str) -> Assignment:
    """The assignment called ``name``; UsageError if unknown or unavailable."""
    if name not in REGISTRY:
        raise UsageError(f"unknown assignment {name!r} (choose from: {', '.join(REGISTRY)})")
    module_name = REGISTRY[name]
    if module_name is None:
        raise UsageError(f"assignment {name!r} is not available in this version yet "
                         f"(available: {', '.join(available())})")
    return importlib.import_module(module_name).ASSIGNMENT
