"""Formula answers: sympy expressions built from a validated tree, and
equivalence checking with a time limit.

sympy is imported only here and only when a formula is checked, so the quiz
starts without it. sympy never parses text: the expression is assembled node
by node from the whitelisted ``ast`` of :mod:`question_bank.parse`. Constant
subtrees are evaluated exactly first (with the caps of
:mod:`question_bank.evaluate`), and the polynomial degree is capped, so
``expand``/``simplify`` always get small inputs.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from .deadline import CheckTimeout, deadline
from .errors import AnswerRejected
from .evaluate import Number, eval_node, evaluate
from .parse import CONSTANTS, Parsed

MAX_DEGREE = 16
"""Highest polynomial degree a formula may reach (``i**17`` is refused)."""
TIME_LIMIT = 2.0
"""Seconds sympy may spend proving two formulas equal."""


def uses_symbols(node: ast.AST) -> bool:
    """True when the subtree contains a name other than a constant or a function."""
    functions = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    return any(
        isinstance(n, ast.Name) and id(n) not in functions and n.id not in CONSTANTS for n in ast.walk(node)
    )


def degree(node: ast.expr, source: str) -> int:
    """An upper bound on the polynomial degree of a subtree, in all symbols together."""
    if not uses_symbols(node):
        return 0
    if isinstance(node, ast.Name):
        return 1
    if isinstance(node, ast.UnaryOp):
        return degree(node.operand, source)
    if isinstance(node, ast.Call):
        return degree(node.args[0], source)
    if isinstance(node, ast.BinOp):
        left, right = degree(node.left, source), degree(node.right, source)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return max(left, right)
        if isinstance(node.op, ast.Pow):
            if right:
                raise AnswerRejected("exponents must be numbers, not formulas")
            exponent = eval_node(node.right, source, {})
            return left * math.ceil(abs(exponent))
        return left + right
    return 0


def check_formula(parsed: Parsed) -> None:
    """Refuse formulas sympy could choke on: tuples, symbolic exponents, degree above :data:`MAX_DEGREE`."""
    if isinstance(parsed.tree, ast.Tuple):
        raise AnswerRejected("give a single formula, not a tuple")
    if degree(parsed.tree, parsed.text) > MAX_DEGREE:
        raise AnswerRejected(f"formula degree too high (at most {MAX_DEGREE})")


def to_sympy(parsed: Parsed) -> Any:
    """Build the sympy expression of a validated formula.

    Symbols are positive integers (sizes, channel counts).

    Raises:
        AnswerRejected: see :func:`check_formula`; or a constant part out of bounds.
    """
    check_formula(parsed)
    return _build(parsed.tree, parsed.text)


def _number(value: Number) -> Any:
    import sympy

    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(value)


def _build(node: ast.expr, source: str) -> Any:
    import sympy

    if not uses_symbols(node):
        if isinstance(node, ast.Name):
            return sympy.pi if node.id == "pi" else sympy.E
        return _number(eval_node(node, source, {}))
    if isinstance(node, ast.Name):
        return sympy.Symbol(node.id, integer=True, positive=True)
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, source)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = {"floor": sympy.floor, "ceil": sympy.ceiling, "sqrt": sympy.sqrt, "exp": sympy.exp,
                    "log": sympy.log, "gamma": sympy.gamma, "factorial": sympy.factorial}[node.func.id]
        return function(_build(node.args[0], source))
    if isinstance(node, ast.BinOp):
        a, b = _build(node.left, source), _build(node.right, source)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            return a / b
        if isinstance(node.op, ast.FloorDiv):
            return sympy.floor(a / b)
        return a**b
    raise AnswerRejected(f"{type(node).__name__} is not allowed in a formula")


def _has_rounding(*parsed: Parsed) -> bool:
    return any(
        isinstance(n, ast.FloorDiv) or (isinstance(n, ast.Call) and n.func.id in ("floor", "ceil"))  # type: ignore[attr-defined]
        for p in parsed
        for n in ast.walk(p.tree)
    )


def _agree(a: Number, b: Number) -> bool:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def agree_on(answer: Parsed, expected: Parsed, points: Iterable[Mapping[str, int]]) -> bool:
    """True when both formulas give the same value at every point."""
    for point in points:
        env = {name: Fraction(value) for name, value in point.items()}
        try:
            got = evaluate(answer, env)
        except AnswerRejected:
            return False  # e.g. a division by zero where the expected formula is fine
        if not _agree(got, evaluate(expected, env)):  # type: ignore[arg-type]
            return False
    return True


def equivalent(
    answer: Parsed, expected: Parsed, points: list[Mapping[str, int]], time_limit: float = TIME_LIMIT
) -> bool:
    """Whether two formulas are the same function on the question's domain.

    0. Refuse what :func:`check_formula` refuses (raises AnswerRejected).
    1. Evaluate both, exactly, at ``points`` (the sizes where the question
       makes sense): any disagreement means not equivalent.
    2. Ask sympy to prove ``simplify(answer − expected) == 0`` within
       ``time_limit`` seconds.
    3. If sympy cannot prove it but the formulas round (floor, ceil, ``//``),
       which sympy rarely simplifies, agreement on every point decides;
       otherwise the answer is not accepted.
    """
    check_formula(answer)
    if not agree_on(answer, expected, points):
        return False
    import sympy

    a, b = to_sympy(answer), to_sympy(expected)
    try:
        with deadline(time_limit) as enforced:
            difference = sympy.expand(a - b)
            if difference == 0:
                return True
            if enforced and sympy.simplify(difference) == 0:
                return True
    except CheckTimeout:
        pass
    return _has_rounding(answer, expected)
