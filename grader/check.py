"""Checks are data: what to run, what it is worth, how close is close.

A :class:`Check` names a probe (child-side code, ``grader/child/probes``)
and the JSON recipe it runs with. The parent runs the same probe on the
oracle (torch's built-ins) and compares the observations key by key with
the check's :class:`Tolerance`; it never trusts anything else the child says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

VISIBLE = "visible"
HIDDEN = "hidden"


@dataclass(frozen=True)
class Tolerance:
    """``|got - expected| <= atol + rtol * |expected|`` elementwise, where
    ``atol = abs_floor + scale_rtol * max|expected|``.

    The scale term makes the test invariant to the magnitude of a whole
    tensor (gradients of a mean are small everywhere) without letting a
    wrong value hide behind a large neighbour: it is a small multiple of
    the dtype's rounding error, far below any real mistake's effect.
    """

    rtol: float
    scale_rtol: float = 0.0
    abs_floor: float = 0.0

    def describe(self) -> str:
        parts = [f"rtol={self.rtol:g}"]
        if self.scale_rtol:
            parts.append(f"atol={self.scale_rtol:g}*max|expected|")
        if self.abs_floor:
            parts.append(f"+{self.abs_floor:g}")
        return ", ".join(parts)


# float64 agrees with torch to ~1e-13 on these sizes; float32 to ~1e-6.
# The bounds sit two orders of magnitude above that and several below the
# smallest mistake the checks are built to expose (e.g. n/(n-1) with
# n <= 256 changes a result by >= 2e-3).
FLOAT64 = Tolerance(rtol=1e-7, scale_rtol=1e-9, abs_floor=1e-12)
FLOAT32 = Tolerance(rtol=2e-4, scale_rtol=2e-5, abs_floor=1e-6)


@dataclass(frozen=True)
class Check:
    """One graded check.

    Attributes:
        number: Gradescope's test number, e.g. ``"1.3"``.
        name: what is checked, for the student (``"running statistics"``).
        points: what passing is worth.
        probe: name of the probe function for this assignment.
        args: the probe's JSON recipe (shapes, seeds, hyper-parameters).
        targets: the submission names this check exercises; a forbidden
            call found (statically) in code reachable from them fails it.
        visibility: ``"visible"`` (self-check and grade) or ``"hidden"``.
        keys: observation keys to compare (default: all the oracle gives).
        tolerance: numeric tolerance for tensors.
        explain: one or two sentences on what the check verifies and why,
            shown when it fails.
        timeout: seconds this check may take in the sandbox.
        group: the check group (partial credit unit in nbgrader).
        hints: observation key (or its part after ``"i."``) -> advice shown
            when that observation is wrong.
        layouts: observation key -> axis letters (``"LNH"``), so feedback can
            say which channels (C) or time steps (L) are off; 4D tensors are
            read as NCHW unless stated.
        derive: optional parent-side function ``(args, observations) ->
            observations``, applied to the oracle's, the submission's and
            each known mistake's decoded observations before they are
            compared. For properties that relate a submission's own outputs
            to each other (any correct design shares them, no oracle
            computes them): trusted code computes them in the parent from
            the raw tensors the child sent, never the child itself.
    """

    number: str
    name: str
    points: float
    probe: str
    args: Mapping[str, Any]
    targets: tuple[str, ...]
    visibility: str = VISIBLE
    keys: tuple[str, ...] | None = None
    tolerance: Tolerance = FLOAT64
    explain: str = ""
    timeout: float = 10.0
    group: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)
    layouts: Mapping[str, str] = field(default_factory=dict)
    derive: Callable[[Mapping[str, Any], dict], dict] | None = None

    def __post_init__(self) -> None:
        if self.visibility not in (VISIBLE, HIDDEN):
            raise ValueError(f"visibility must be 'visible' or 'hidden' (got {self.visibility!r})")
        if self.points < 0:
            raise ValueError(f"points must be >= 0 (got {self.points})")

    @property
    def id(self) -> str:
        return self.number

    def observe(self, raw: Any, strict: bool = False) -> Any:
        """The observations to compare: ``derive(args, raw)`` where the check
        has one (and ``raw`` is a dict of observations), else ``raw``. A
        derive that fails on malformed observations yields none, which the
        comparison reports key by key as not observed; with ``strict`` (the
        oracle's observations) it raises, as a bug in the grader."""
        if self.derive is None or not isinstance(raw, dict):
            return raw
        if strict:
            return self.derive(self.args, raw)
        try:
            return self.derive(self.args, raw)
        except Exception:  # noqa: BLE001 - the raw observations come from untrusted code
            return {}
