"""Naming a student's mistake from their numbers.

For a failing check, every known mistake of the assignment is run through
the same probe; a mistake *explains* an observation when it reproduces
the student's value within the check's tolerance. Mistakes come from one
of two sources:

* live: ``grader/mistakes/ASSIGNMENT.py`` (runnable buggy variants; an
  instructor's installation);
* recorded: ``grader/fingerprint_data/ASSIGNMENT.json``, the variants'
  observations on the visible checks, written into the student bundle in
  place of the variants' code (which, with its bugs switched off, would be
  a solution). The same file holds the oracle's observations (``"oracle"``)
  for an oracle that is left out for the same reason (``grader/oracles``).
"""

from __future__ import annotations

import importlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .check import Check
from .child import protocol
from .child.probes import PROBES

RECORDED_DIR = Path(__file__).resolve().parent / "fingerprint_data"


@dataclass(frozen=True)
class KnownMistake:
    id: str
    title: str
    explanation: str


def probe_key(check: Check) -> str:
    """Identifies a check's recipe (same recipe, same observations)."""
    return json.dumps([check.probe, dict(check.args)], sort_keys=True)


# One probe at a time in this process: a probe may set process-wide torch
# state for its run (the global RNG that SPEC's noise comes from, the
# default dtype), and ``dlgrade batch`` grades students in threads.
_PROBE_LOCK = threading.Lock()


def run_probe(assignment: str, api: Any, check: Check) -> dict:
    """Run ``check``'s probe on ``api`` in-process (trusted code only) and
    return observations in the same decoded form the child's arrive in."""
    with _PROBE_LOCK:
        _one_thread()
        observations = PROBES[assignment][check.probe](api, **check.args)
    return protocol.decode(protocol.encode(observations))


def _one_thread() -> None:
    """The parent's probes run on tiny tensors, where extra intra-op threads
    only add contention with the sandboxed child (x100 seen on 2 cores)."""
    import torch

    if torch.get_num_threads() > 1:
        torch.set_num_threads(1)


class Source:
    """Known mistakes of one assignment and their observations."""

    def __init__(self, mistakes: list[KnownMistake]):
        self.mistakes = mistakes

    def observations(self, index: int, check: Check) -> dict | None:
        raise NotImplementedError


class Live(Source):
    def __init__(self, assignment: str, variants: Iterable[Any]):
        self._variants = list(variants)
        super().__init__([KnownMistake(v.id, v.title, v.explanation) for v in self._variants])
        self._assignment = assignment
        self._cache: dict[tuple[int, str], dict | None] = {}

    def observations(self, index: int, check: Check) -> dict | None:
        key = (index, probe_key(check))
        if key not in self._cache:
            try:
                self._cache[key] = run_probe(self._assignment, self._variants[index].build(), check)
            except Exception:  # noqa: BLE001 - a variant may not support every probe
                self._cache[key] = None
        return check.observe(self._cache[key])


class Recorded(Source):
    def __init__(self, data: dict):
        super().__init__([KnownMistake(**m) for m in data["mistakes"]])
        self._observations = data["observations"]   # probe key -> [encoded or None per mistake]
        self._decoded: dict[tuple[int, str], dict | None] = {}

    def observations(self, index: int, check: Check) -> dict | None:
        key = (index, probe_key(check))
        if key not in self._decoded:
            row = self._observations.get(key[1])
            value = row[index] if row is not None and index < len(row) else None
            self._decoded[key] = protocol.decode(value) if value is not None else None
        return check.observe(self._decoded[key])


_SOURCES: dict[str, Source | None] = {}


def source_for(assignment: Any) -> Source | None:
    """The mistakes of ``assignment`` (an Assignment), live if installed."""
    if assignment.name not in _SOURCES:
        _SOURCES[assignment.name] = _load(assignment)
    return _SOURCES[assignment.name]


def _load(assignment: Any) -> Source | None:
    if assignment.mistakes_module:
        try:
            module = importlib.import_module(assignment.mistakes_module)
        except ModuleNotFoundError:
            module = None
        if module is not None:
            return Live(assignment.name, module.MISTAKES)
    recorded = RECORDED_DIR / f"{assignment.name}.json"
    if recorded.is_file():
        return Recorded(json.loads(recorded.read_text()))
    return None


def record(assignment: Any, checks: Iterable[Check]) -> dict:
    """The recorded form of the live mistakes over ``checks`` (for a bundle)."""
    module = importlib.import_module(assignment.mistakes_module)
    variants = list(module.MISTAKES)
    out: dict[str, Any] = {
        "mistakes": [{"id": v.id, "title": v.title, "explanation": v.explanation} for v in variants],
        "observations": {},
    }
    for check in checks:
        row = []
        for variant in variants:
            try:
                row.append(protocol.encode(PROBES[assignment.name][check.probe](variant.build(), **check.args)))
            except Exception:  # noqa: BLE001
                row.append(None)
        out["observations"][probe_key(check)] = row
    return out


def record_oracle(assignment: Any, checks: Iterable[Check]) -> dict:
    """The oracle's raw observations over ``checks``, by probe key (for a
    bundle, which may leave the oracle's code out: ``grader/oracles``)."""
    api = assignment.oracle()
    return {probe_key(check): protocol.encode(PROBES[assignment.name][check.probe](api, **check.args))
            for check in checks}


def recorded_oracle(assignment: str, check: Check) -> dict | None:
    """The oracle's recorded raw observations for ``check``, decoded; None
    where this installation recorded none."""
    path = RECORDED_DIR / f"{assignment}.json"
    if path not in _RECORDED_ORACLES:
        _RECORDED_ORACLES[path] = json.loads(path.read_text()).get("oracle", {}) if path.is_file() else {}
    value = _RECORDED_ORACLES[path].get(probe_key(check))
    return protocol.decode(value) if value is not None else None


_RECORDED_ORACLES: dict[Path, dict] = {}


def explain(source: Source, check: Check, got: dict, failing_keys: list[str]) -> list[tuple[KnownMistake, list[str]]]:
    """Mistakes that reproduce the student's values on the failing keys,
    keeping those that explain the most keys."""
    from .compare import compare_value

    found: list[tuple[KnownMistake, list[str]]] = []
    for index, mistake in enumerate(source.mistakes):
        observed = source.observations(index, check)
        if observed is None:
            continue
        keys = [k for k in failing_keys
                if k in observed and k in got and compare_value(observed[k], got[k], check.tolerance) is None]
        if keys:
            found.append((mistake, keys))
    if not found:
        return []
    best = max(len(keys) for _, keys in found)
    return [(m, keys) for m, keys in found if len(keys) == best]
