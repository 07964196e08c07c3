"""Grading as an ordered list of single-purpose steps.

``load_submission → static_scan → run_sandboxed → compare → fingerprint →
build_results``; each step reads and extends one :class:`Context`. A
check that an early step already failed (a syntax error, a missing name,
a forbidden call in code it reaches) is not run in the sandbox.
"""

from __future__ import annotations

import ast
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import fingerprints
from .assignments import Assignment
from .check import Check
from .compare import Problem, compare
from .errors import SubmissionError
from .policy import EVASION, Rules, ScanResult, scan
from .results import Results, TestResult
from .runner import ChildReport, Launched, Outcome, launch, run_in_child
from .sandbox import Limits, SandboxInfo

MAX_SUBMISSION_BYTES = 1024 * 1024


@dataclass
class Context:
    assignment: Assignment
    path: Path
    checks: tuple[Check, ...]
    sandbox: SandboxInfo
    limits: Limits
    source: bytes = b""
    text: str = ""
    scan: ScanResult | None = None
    failed: dict[str, list[str]] = field(default_factory=dict)   # check id -> reasons, before running
    child: ChildReport | None = None
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)   # check id -> why it failed
    mistakes: dict[str, list[tuple[Any, list[str]]]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    results: Results | None = None
    launched: Launched | None = None
    started: float = field(default_factory=time.monotonic)


def resolve_submission(assignment: str, path: str | Path) -> Path:
    """The file to grade: ``path`` itself, or ``path/ASSIGNMENT.py``."""
    p = Path(path)
    if p.is_dir():
        inner = p / f"{assignment}.py"
        if not inner.is_file():
            raise SubmissionError(f"{p} is a folder without {assignment}.py in it")
        return inner
    if not p.exists():
        raise SubmissionError(f"no such file: {p}")
    if not p.is_file():
        raise SubmissionError(f"not a regular file: {p}")
    return p


def load_submission(ctx: Context) -> None:
    try:
        size = ctx.path.stat().st_size
        if size > MAX_SUBMISSION_BYTES:
            raise SubmissionError(f"{ctx.path} is {size} bytes; submissions are limited to "
                                  f"{MAX_SUBMISSION_BYTES // 1024} KiB")
        ctx.source = ctx.path.read_bytes()
    except OSError as exc:
        raise SubmissionError(f"cannot read {ctx.path}: {exc.strerror or exc}") from None
    try:
        ctx.text = ctx.source.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail_all(ctx, f"the file is not valid UTF-8 text (byte {exc.start}); save it as UTF-8")


def start_child(ctx: Context) -> None:
    """Start the sandboxed child now: it imports torch while the parent
    scans the source (and imports torch itself), instead of after."""
    if not ctx.failed:
        ctx.launched = launch(ctx.sandbox, ctx.assignment.name, ctx.source, ctx.limits)


def static_scan(ctx: Context) -> None:
    if ctx.failed:
        return
    a = ctx.assignment
    rules = _rules(a.name)
    try:
        ctx.scan = scan(ctx.text, rules)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f": {exc.text.strip()}" if exc.text else "")
        _fail_all(ctx, f"the file does not parse (SyntaxError: {exc.msg}, {where}); fix it and "
                       "run `python yourfile.py` to see the error in context")
        return
    except (ValueError, RecursionError) as exc:
        _fail_all(ctx, f"the file cannot be analysed ({exc.__class__.__name__}: {exc})")
        return
    defined = top_level_names(ctx.text)
    missing = [name for name in a.required if name not in defined]
    for name in missing:
        ctx.messages.append(f"Your file does not define {name} (at its top level).")
    for check in ctx.checks:
        reasons = [f"your file does not define {t}" for t in check.targets if t in missing]
        for finding in ctx.scan.tainted(check.targets):
            reasons.append(finding.message())
        if reasons:
            ctx.failed[check.id] = reasons
    for finding in ctx.scan.findings:
        if finding.kind == EVASION and finding.scope is None:
            ctx.messages.append(f"Not allowed: {finding.message()}")


def run_sandboxed(ctx: Context) -> None:
    to_run = [c for c in ctx.checks if c.id not in ctx.failed]
    launched, ctx.launched = ctx.launched, None
    if not to_run:
        if launched is not None:
            launched.close()
        return
    ctx.child = run_in_child(ctx.sandbox, ctx.assignment.name, ctx.source, to_run,
                             ctx.assignment.forbidden_wire(), ctx.limits, launched=launched)
    report = ctx.child
    if report.import_error:
        reason = "importing your file failed: " + describe_error(report.import_error)
        for check in to_run:
            ctx.failed[check.id] = [reason]
    elif report.startup_failure:
        for check in to_run:
            ctx.failed[check.id] = [report.startup_failure]
    if report.import_forbidden:
        for check in to_run:
            ctx.failed.setdefault(check.id, []).append(
                "your file calls " + ", ".join(report.import_forbidden) + " when it is imported, "
                "which this assignment forbids")


def compare_step(ctx: Context) -> None:
    outcomes = ctx.child.outcomes if ctx.child else {}
    for check in ctx.checks:
        if check.id in ctx.failed:
            ctx.reasons[check.id] = ctx.failed[check.id]
            continue
        outcome: Outcome | None = outcomes.get(check.id)
        if outcome is None:
            ctx.reasons[check.id] = ["not run (the grading process stopped before this check)"]
            continue
        reasons: list[str] = []
        if outcome.forbidden:
            reasons.append("reached " + ", ".join(outcome.forbidden) + ", which this assignment forbids")
        if outcome.failure:
            reasons.append(outcome.failure)
        elif outcome.error:
            reasons.append(describe_error(outcome.error))
        else:
            expected = oracle_observations(ctx.assignment.name, check)
            outcome.observations = check.observe(outcome.observations)
            problems = compare(expected, outcome.observations, check.keys, check.tolerance, dict(check.layouts))
            if problems:
                ctx.problems[check.id] = problems
                reasons.extend(_problem_lines(ctx.assignment, check, problems))
                if any("error" in p.message for p in problems):
                    reasons.append(f"(values are compared with tolerance {check.tolerance.describe()})")
        if reasons:
            ctx.reasons[check.id] = reasons


def fingerprint_step(ctx: Context) -> None:
    """Name known mistakes behind failing checks.

    Per check, the candidates are the mistakes that reproduce the most of
    its failing values. Ties are broken by the whole submission: a mistake
    that explains more failures elsewhere is the likelier one (a module
    whose weight is a plain tensor fails the same visible check as one
    that forgets weight altogether, but not the same set of checks).
    """
    source = fingerprints.source_for(ctx.assignment)
    if source is None:
        return
    outcomes = ctx.child.outcomes if ctx.child else {}
    candidates: dict[str, list] = {}
    support: dict[str, int] = {}
    for check in ctx.checks:
        problems = ctx.problems.get(check.id)
        if problems:
            found = fingerprints.explain(source, check, outcomes[check.id].observations,
                                         [p.key for p in problems])
            candidates[check.id] = found
            for mistake, keys in found:
                support[mistake.id] = support.get(mistake.id, 0) + len(keys)
    for check_id, found in candidates.items():
        if found:
            best = max(support[m.id] for m, _ in found)
            ctx.mistakes[check_id] = [(m, keys) for m, keys in found if support[m.id] == best]


def build_results(ctx: Context) -> None:
    tests = []
    outcomes = ctx.child.outcomes if ctx.child else {}
    for check in ctx.checks:
        reasons = ctx.reasons.get(check.id, [])
        lines: list[str] = []
        if reasons:
            lines += [f"- {r}" for r in reasons]
            for mistake, keys in ctx.mistakes.get(check.id, []):
                lines.append(f"Likely mistake: you {mistake.title}. {mistake.explanation}")
            if check.explain:
                lines.append(f"What this checks: {check.explain}")
        else:
            lines.append("Passed.")
        outcome = outcomes.get(check.id)
        tests.append(TestResult(check, passed=not reasons, output="\n".join(lines),
                                mistakes=[m.id for m, _ in ctx.mistakes.get(check.id, [])],
                                seconds=outcome.seconds if outcome else 0.0))
    ctx.results = Results(
        assignment=ctx.assignment.name, submission=str(ctx.path), tests=tests,
        sandbox=ctx.sandbox.as_json(), execution_time=time.monotonic() - ctx.started,
        messages=ctx.messages, student_output=ctx.child.stderr if ctx.child else "")


STEPS: tuple[Callable[[Context], None], ...] = (
    load_submission, start_child, static_scan, run_sandboxed, compare_step, fingerprint_step, build_results,
)


def run(ctx: Context) -> Results:
    try:
        for step in STEPS:
            step(ctx)
    finally:
        if ctx.launched is not None:  # a step failed before the child got its job
            ctx.launched.close()
    assert ctx.results is not None
    return ctx.results


# ----------------------------------------------------------------- helpers
def _fail_all(ctx: Context, reason: str) -> None:
    for check in ctx.checks:
        ctx.failed[check.id] = [reason]


@functools.lru_cache(maxsize=None)
def _rules(assignment_name: str) -> Rules:
    from .assignments import get

    a = get(assignment_name)
    return Rules(a.forbidden_functions, a.forbidden_aten, a.forbidden_prefixes)


_ORACLE_CACHE: dict[tuple[str, str], dict] = {}


def oracle_observations(assignment_name: str, check: Check) -> dict:
    """What torch's own implementation observes for ``check`` (cached)."""
    from .assignments import get

    key = (assignment_name, fingerprints.probe_key(check))
    if key not in _ORACLE_CACHE:
        try:
            api = get(assignment_name).oracle()
        except ModuleNotFoundError:
            # A student bundle leaves out an oracle that would be a solution
            # (grader/oracles) and carries its observations of the visible checks.
            recorded = fingerprints.recorded_oracle(assignment_name, check)
            if recorded is None:
                raise
            _ORACLE_CACHE[key] = recorded
        else:
            _ORACLE_CACHE[key] = fingerprints.run_probe(assignment_name, api, check)
    return check.observe(_ORACLE_CACHE[key], strict=True)


def _problem_lines(assignment: Assignment, check: Check, problems: list[Problem]) -> list[str]:
    lines = []
    for p in problems:
        label = describe_key(check, p.key)
        lines.append(f"{label}: {p.message}" if label else p.message)
        hint = _hint(check, p.key)
        if hint:
            lines.append(f"Hint: {hint}")
    return lines


def _hint(check: Check, key: str) -> str | None:
    if key in check.hints:
        return check.hints[key]
    suffix = key.split(".", 1)[1] if "." in key and key.split(".", 1)[0].isdigit() else None
    return check.hints.get(suffix) if suffix else None


KEY_LABELS = {"out": "output", "grad_x": "gradient of the input (x.grad)", "grad_weight": "weight.grad",
              "grad_bias": "bias.grad"}


def describe_key(check: Check, key: str) -> str:
    """``"2.out"`` -> ``"output of step 3 (eval mode)"`` for multi-step probes."""
    head, _, tail = key.partition(".")
    if tail and head.isdigit():
        name = KEY_LABELS.get(tail, tail)
        steps = check.args.get("steps") if isinstance(check.args, dict) else None
        if isinstance(steps, list) and len(steps) > 1 and int(head) < len(steps):
            mode = steps[int(head)].get("mode", "")
            return f"{name} after step {int(head) + 1} of {len(steps)}" + (f" ({mode} mode)" if mode else "")
        return name
    return KEY_LABELS.get(key, key)


def describe_error(error: dict) -> str:
    """The child's report of an exception, as a sentence for the student."""
    kind = error.get("type", "Error")
    message = error.get("message", "")
    where = error.get("where")
    place = ""
    if where and where.get("line"):
        place = f" (your file, line {where['line']}"
        if where.get("function") and where["function"] != "<module>":
            place += f", in {where['function']}"
        place += f": `{where['code']}`)" if where.get("code") else ")"
    if kind == "NotImplementedError":
        return f"not implemented yet (NotImplementedError{': ' + message if message else ''}){place}"
    if kind == "SystemExit":
        return f"your code called sys.exit() / exit(){place}; a submission must not end the process"
    return f"your code raised {kind}: {message}{place}"


def top_level_names(source: str) -> set[str]:
    """Names a module binds at its top level (also inside if/try/with)."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            names.add(node.id)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for part in ("body", "orelse", "finalbody"):
                    visit(getattr(stmt, part, []) or [])
                for handler in getattr(stmt, "handlers", []) or []:
                    visit(handler.body)

    visit(ast.parse(source).body)
    return names
