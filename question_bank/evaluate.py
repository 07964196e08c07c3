"""Exact, bounded evaluation of a parsed answer (no sympy, no ``eval``).

Integers and decimals stay exact as :class:`fractions.Fraction`; ``sqrt`` of
a non-square, ``exp``, ``log``, ``gamma``, ``pi`` and fractional powers give
floats. Every step is capped so that no answer can make the checker slow or
run out of memory: ``9**9**9**9`` is refused at its first oversized power.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from fractions import Fraction

from .errors import AnswerRejected
from .parse import Parsed, literal_value

Number = Fraction | float
Value = Number | tuple[Number, ...]

MAX_BITS = 2048
"""Largest numerator or denominator kept exact, in bits (about 600 digits)."""
MAX_EXPONENT = 4096
"""Largest integer exponent."""


def evaluate(parsed: Parsed, env: Mapping[str, Number] | None = None) -> Value:
    """The value of an answer, symbols taken from ``env``.

    Args:
        parsed: from :func:`question_bank.parse.parse_answer`.
        env: a value for every symbol the answer uses.

    Raises:
        AnswerRejected: on division by zero, an oversized number or power,
            a value outside a function's domain, or a symbol without a value.

    Example::

        >>> from question_bank.parse import parse_answer
        >>> evaluate(parse_answer("(32 + 2*1 - 5)//2 + 1"))
        Fraction(15, 1)
    """
    values = env or {}
    if isinstance(parsed.tree, ast.Tuple):
        return tuple(_eval(node, parsed.text, values) for node in parsed.tree.elts)
    return _eval(parsed.tree, parsed.text, values)


def eval_node(node: ast.expr, source: str, env: Mapping[str, Number]) -> Number:
    """Evaluate one subtree (used by the sympy builder for constant parts)."""
    return _eval(node, source, env)


def _checked(x: Number) -> Number:
    if isinstance(x, Fraction):
        if x.numerator.bit_length() > MAX_BITS or x.denominator.bit_length() > MAX_BITS:
            raise AnswerRejected("number too large")
        return x
    if not math.isfinite(x):
        raise AnswerRejected("number too large")
    return x


def _eval(node: ast.expr, source: str, env: Mapping[str, Number]) -> Number:
    if isinstance(node, ast.Constant):
        return literal_value(node, source)
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        if node.id == "pi":
            return math.pi
        if node.id == "e":
            return math.e
        raise AnswerRejected(f"no value for {node.id!r}")
    if isinstance(node, ast.UnaryOp):
        x = _eval(node.operand, source, env)
        return -x if isinstance(node.op, ast.USub) else x
    try:
        if isinstance(node, ast.BinOp):
            a, b = _eval(node.left, source, env), _eval(node.right, source, env)
            return _checked(_binary(node.op, a, b))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _checked(_call(node.func.id, _eval(node.args[0], source, env)))
    except OverflowError:  # a huge exact number meeting a float (e.g. 99**155 + exp(0))
        raise AnswerRejected("number too large") from None
    except (ZeroDivisionError, ValueError):  # belt and braces: the checks above should catch these first
        raise AnswerRejected("the value is undefined") from None
    raise AnswerRejected(f"{type(node).__name__} is not allowed in an answer")


def _binary(op: ast.operator, a: Number, b: Number) -> Number:
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(op, (ast.Div, ast.FloorDiv)):
        if b == 0:
            raise AnswerRejected("division by zero")
        quotient = a / b
        return Fraction(math.floor(quotient)) if isinstance(op, ast.FloorDiv) else quotient
    return _power(a, b)


def _power(base: Number, exponent: Number) -> Number:
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        e = exponent.numerator
        if abs(e) > MAX_EXPONENT:
            raise AnswerRejected("power too large")
        if base == 0 and e < 0:
            raise AnswerRejected("division by zero")
        if isinstance(base, Fraction) and base not in (0, 1, -1):
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(e) > MAX_BITS:
                raise AnswerRejected("power too large")
        try:
            return base**e
        except OverflowError:
            raise AnswerRejected("power too large") from None
    if base < 0:
        raise AnswerRejected("a negative number to a fractional power is not real")
    if base == 0:
        if exponent <= 0:
            raise AnswerRejected("division by zero")
        return 0.0
    try:
        return float(base) ** float(exponent)
    except OverflowError:
        raise AnswerRejected("power too large") from None


def _call(name: str, x: Number) -> Number:
    if name in ("floor", "ceil"):
        if isinstance(x, float) and not math.isfinite(x):
            raise AnswerRejected("number too large")
        return Fraction(math.floor(x) if name == "floor" else math.ceil(x))
    if name == "sqrt":
        if x < 0:
            raise AnswerRejected("sqrt of a negative number")
        if isinstance(x, Fraction):
            n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
            if n * n == x.numerator and d * d == x.denominator:
                return Fraction(n, d)
        return math.sqrt(x)
    if name == "exp":
        if x > 700:
            raise AnswerRejected("exp argument too large")
        return math.exp(x)
    if name == "log":
        if x <= 0:
            raise AnswerRejected("log of a number that is not positive")
        return math.log(x)
    if name == "gamma":
        if x > 171 or (x <= 0 and x == math.floor(x)):
            raise AnswerRejected("gamma argument out of range")
        return math.gamma(x)
    if name == "factorial":
        if x != math.floor(x) or not 0 <= x <= 170:
            raise AnswerRejected("factorial needs a whole number from 0 to 170")
        return Fraction(math.factorial(int(x)))
    raise AnswerRejected(f"unknown function {name!r}")
