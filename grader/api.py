"""dlgrade's Python API: what the CLI, the nbgrader bridge and scripts call.

Keyword-only, defaults here (not in the CLI). Raises typed exceptions from
:mod:`grader.errors`; never prints.
"""

from __future__ import annotations

from pathlib import Path

from . import assignments
from .results import Results
from .sandbox import Limits, describe


def grade(assignment: str, submission: str | Path, *, include_hidden: bool = True,
          allow_unsandboxed: bool = False, limits: Limits | None = None) -> Results:
    """Grade one submission with every check (visible and, by default, hidden).

    Args:
        assignment: one of ``batchnorm``, ``conv``, ``vae``, ``gan``, ``lstm``.
        submission: the student's file, or a folder holding ``ASSIGNMENT.py``.
        include_hidden: also run the hidden checks (not in a student bundle).
        allow_unsandboxed: run without bubblewrap if it is unavailable; the
            results then carry a warning. Default: refuse
            (:class:`~grader.errors.SandboxUnavailable`).
        limits: resource limits for the sandboxed child.

    Example::

        >>> from grader import api
        >>> results = api.grade("batchnorm", "submissions/alice/")
        >>> results.score, results.max_score
        (20.0, 20.0)
    """
    from . import pipeline

    spec = assignments.get(assignment)
    path = pipeline.resolve_submission(assignment, submission)
    checks = spec.checks(include_hidden)
    ctx = pipeline.Context(assignment=spec, path=path, checks=checks,
                           sandbox=describe(allow_unsandboxed), limits=limits or Limits())
    return pipeline.run(ctx)


def check(assignment: str, submission: str | Path, *, allow_unsandboxed: bool = True,
          limits: Limits | None = None) -> Results:
    """A student's self-check: the visible checks only.

    It runs in the sandbox when bubblewrap is available; otherwise (a
    student's laptop, macOS) it runs the student's *own* code with resource
    limits only, and says so.
    """
    return grade(assignment, submission, include_hidden=False, allow_unsandboxed=allow_unsandboxed,
                 limits=limits)
