"""Safe reading of answers: a whitelist over Python's ``ast``, never ``eval``.

sympy's ``parse_expr``/``sympify`` call ``eval`` on their input, so student
text never reaches them. It is parsed here with ``ast.parse`` and accepted
only if every node is on a short whitelist:

* numbers (int and decimal literals; no complex, strings or bytes),
* the question's symbols (e.g. ``i``), the constants ``pi`` and ``e``,
* ``+ - * / // **``, unary ``-``/``+`` and parentheses,
* calls of ``floor ceil sqrt exp log gamma factorial`` with one positional
  argument,
* a tuple at the top level, for shape answers: ``(16, 5, 5)``.

Sizes are capped (length, nodes, nesting); numbers and exponents are capped
when the tree is evaluated (:mod:`question_bank.evaluate`). Every refusal is
an :class:`~question_bank.errors.AnswerRejected` with a one-line message.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction

from .errors import AnswerRejected

MAX_LENGTH = 200
"""Longest answer read, in characters (after trimming spaces)."""
MAX_NODES = 64
"""Most syntax-tree nodes in one answer."""
MAX_DEPTH = 30
"""Deepest nesting of operations in one answer."""

FUNCTIONS: frozenset[str] = frozenset({"floor", "ceil", "sqrt", "exp", "log", "gamma", "factorial"})
CONSTANTS: frozenset[str] = frozenset({"pi", "e"})

_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)
_TIMES_BETWEEN_NUMBERS = re.compile(r"(?<=\d)\s*[x×]\s*(?=\d)")
_SPELLINGS = {"−": "-", "×": "*", "·": "*", "÷": "/", "^": "**", "⁄": "/"}

# A friendlier word than the ast class name for the usual suspects.
_REFUSED = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "indexing is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.IfExp: "'if' expressions are not allowed",
    ast.NamedExpr: "assignment is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.List: "lists are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
}


@dataclass(frozen=True)
class Parsed:
    """A validated answer.

    Attributes:
        text: the normalised source that was parsed.
        tree: the validated expression (an ``ast.Tuple`` only for shapes).
        names: the question symbols it uses.
    """

    text: str
    tree: ast.expr
    names: frozenset[str]


def normalise(text: str, *, allow_tuple: bool = False) -> str:
    """Map common typing to Python syntax: ``^`` → ``**``, ``×``/``·`` → ``*``, ``−`` → ``-``.

    For shape answers ``16x5x5`` and ``16×5×5`` become ``16,5,5``.
    """
    if allow_tuple:
        text = _TIMES_BETWEEN_NUMBERS.sub(",", text)
    for typed, python in _SPELLINGS.items():
        text = text.replace(typed, python)
    return text


def parse_answer(text: object, symbols: Collection[str] = (), *, allow_tuple: bool = False) -> Parsed:
    """Parse an answer without evaluating anything.

    Args:
        text: what the student typed.
        symbols: the names the question allows (e.g. ``("i",)``).
        allow_tuple: accept a top-level tuple such as ``(16, 5, 5)``.

    Raises:
        AnswerRejected: for anything outside the whitelist, with a one-line reason.

    Example::

        >>> parse_answer("floor((i - 3)/2) + 1", {"i"}).names
        frozenset({'i'})
    """
    if not isinstance(text, str):
        raise AnswerRejected("an answer must be text")
    if len(text) > 4 * MAX_LENGTH or len(text.strip()) > MAX_LENGTH:
        raise AnswerRejected(f"answer too long (at most {MAX_LENGTH} characters)")
    source = normalise(text.strip(), allow_tuple=allow_tuple)
    if not source:
        raise AnswerRejected("empty answer")
    try:
        with warnings.catch_warnings():
            # "1x" is an answer to reject, not a warning to print on the quiz screen.
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        raise AnswerRejected(f"cannot read {_shown(text)} as a number or formula") from None
    names: set[str] = set()
    if isinstance(tree, ast.Tuple):
        if not allow_tuple:
            raise AnswerRejected("give a single value, not a tuple")
        if not 1 <= len(tree.elts) <= 8:
            raise AnswerRejected("a shape has between 1 and 8 dimensions")
        elements = tree.elts
    else:
        elements = [tree]
    budget = [MAX_NODES]
    for element in elements:
        _check(element, source, frozenset(symbols), names, depth=0, budget=budget)
    return Parsed(source, tree, frozenset(names))


def literal_value(node: ast.Constant, source: str) -> Fraction:
    """The exact value of a number literal: ``0.1`` is ``1/10``, not the float."""
    value = node.value
    if isinstance(value, int):
        return Fraction(value)
    segment = ast.get_source_segment(source, node) or repr(value)
    try:
        return Fraction(segment.replace("_", ""))
    except (ValueError, ZeroDivisionError):
        return Fraction(value)


def _shown(text: str) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= 40 else one_line[:37] + "...")


def _check(
    node: ast.AST, source: str, symbols: frozenset[str], names: set[str], depth: int, budget: list[int]
) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise AnswerRejected(f"answer too complex (at most {MAX_NODES} terms and operators)")
    if depth > MAX_DEPTH:
        raise AnswerRejected(f"answer nested too deeply (at most {MAX_DEPTH} levels)")
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerRejected(f"{type(value).__name__} values are not allowed; write a number")
        if isinstance(value, float) and not abs(value) < 1e300:
            raise AnswerRejected("number too large")
        if isinstance(value, int) and value.bit_length() > 200:
            raise AnswerRejected("number too large")
        return
    if isinstance(node, ast.Name):
        if node.id in symbols:
            names.add(node.id)
        elif node.id in FUNCTIONS:
            raise AnswerRejected(f"{node.id} is a function: write {node.id}(...)")
        elif node.id not in CONSTANTS:
            allowed = ", ".join(sorted(symbols)) if symbols else "none in this question"
            raise AnswerRejected(f"unknown name {_shown(node.id)} (symbols allowed: {allowed})")
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINARY):
            raise AnswerRejected(f"operator {type(node.op).__name__} is not allowed (use + - * / // **)")
        _check(node.left, source, symbols, names, depth + 1, budget)
        _check(node.right, source, symbols, names, depth + 1, budget)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise AnswerRejected(f"operator {type(node.op).__name__} is not allowed")
        _check(node.operand, source, symbols, names, depth + 1, budget)
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise AnswerRejected(f"only these functions are allowed: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise AnswerRejected(f"{node.func.id}() takes exactly one argument")
        _check(node.args[0], source, symbols, names, depth + 1, budget)
        return
    if isinstance(node, ast.Tuple):
        raise AnswerRejected("tuples are only allowed as a whole shape answer")
    reason = next((text for kind, text in _REFUSED.items() if isinstance(node, kind)), None)
    raise AnswerRejected(reason or f"{type(node).__name__} is not allowed in an answer")
