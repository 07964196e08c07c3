"""Resolve forbidden-call patterns to the objects they name.

Shared by the child's run-time tripwire and the parent's static scan, so
both agree on what a pattern such as ``torch.nn.functional.conv*`` covers.
Matching is by object identity: ``torch.nn.modules.batchnorm.BatchNorm2d``
and ``nn.BatchNorm2d`` are the same class, however the code spells it.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Iterable

import torch


def resolve(patterns: Iterable[str]) -> dict[int, str]:
    """Map id(object) -> dotted name for every object a pattern names.

    A pattern is a dotted path whose last part may hold ``*`` wildcards
    (``torch.nn.functional.conv*``); it is expanded over that module's
    attributes. Paths that do not exist in this torch version are skipped.
    """
    found: dict[int, str] = {}
    for pattern in patterns:
        head, _, last = pattern.rpartition(".")
        base = _lookup(head)
        if base is None:
            continue
        names = [n for n in dir(base) if fnmatch.fnmatchcase(n, last)] if "*" in last else [last]
        for name in names:
            obj = getattr(base, name, None)
            if obj is not None and callable(obj):
                found.setdefault(id(obj), f"{head}.{name}")
    return found


def _lookup(dotted: str) -> Any:
    parts = dotted.split(".")
    if parts[0] != "torch":
        return None
    obj: Any = torch
    for part in parts[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj
