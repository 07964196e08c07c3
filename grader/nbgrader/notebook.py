"""The source notebook of one assignment, generated from its reference.

Layout, top to bottom:

1. markdown: the title, the module docstring, how the notebook is graded;
2. for each top-level piece of the reference, in order: code without a
   solution region becomes a read-only cell (``A-provided-K``, consecutive
   pieces merged); a definition with solution regions becomes a markdown
   cell (its docstring) and a solution cell (``A-solution-NAME``) holding
   the code with nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
   markers and a one-line docstring;
3. markdown "Checks", then one autograded test cell per check group
   (``A-tests-GROUP``) worth the group's points, listing the visible checks
   and, between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``, the
   hidden ones.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import stubs
from ..assignments import Assignment
from ..check import Check
from . import NbgraderError
from .layout import Group, groups, provided_id, solution_id
from .markdown import docstring_to_markdown, summary

SCHEMA_VERSION = 3
HELPER_MODULE = "dlgrade_selfcheck"
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

HOW_GRADED = """\
**How this notebook is graded.** Write your code where a cell says `# YOUR CODE HERE`, in
place of `raise NotImplementedError()`. What dlgrade grades is the code of the cells you
were given, *as saved in this notebook*: the read-only cells and your solution cells, in
order (cells you add are not part of it, so keep everything your solution needs in the
solution cells). It runs that code in a sandbox and compares it with PyTorch's own
implementation; hidden checks with other shapes and settings count as well.

The test cells at the end run dlgrade's visible checks on the notebook as saved: save it
(Ctrl-S) before running them. Each test cell is worth the points of one group of checks,
and you earn the points of every check you pass.
"""

CHECKS_INTRO = """\
## Checks

Each cell below runs one group of dlgrade's checks on your saved notebook and explains
any failure. When your notebook is graded, dlgrade runs the same checks, and hidden
ones, outside your notebook: what these cells print while you work is for you only.
"""


@dataclass
class Piece:
    """A top-level stretch of the reference: one definition, or loose statements."""

    first: int                    # 1-based, inclusive
    last: int
    node: ast.stmt | None = None  # the definition, if it is one
    solution: bool = False


def build(spec: Assignment, reference: str) -> dict:
    """The nbformat-4 source notebook (a dict) for ``spec`` from its reference source."""
    import nbformat

    tree = ast.parse(reference)
    lines = reference.splitlines()
    module_doc = ast.get_docstring(tree, clean=False)
    cells = [_markdown(f"{spec.name}-intro", f"# {spec.title}\n\n"
                       + (docstring_to_markdown(module_doc) if module_doc else spec.summary + "\n")
                       + "\n" + HOW_GRADED)]
    provided: list[str] = []
    for piece in _pieces(tree, lines, reference):
        code = _code(piece, lines)
        if not piece.solution:
            provided.append(code)
            continue
        if provided:
            cells.append(_provided(spec, len([c for c in cells if "-provided-" in c["id"]]) + 1, provided))
            provided = []
        name = getattr(piece.node, "name", None) or f"part{len(cells)}"
        doc = ast.get_docstring(piece.node, clean=False) if piece.node is not None else None
        if doc:
            cells.append(_markdown(f"{spec.name}-about-{name}", f"## `{name}`\n\n" + docstring_to_markdown(doc)))
        cells.append(_code_cell(solution_id(spec.name, name), code, solution=True))
    if provided:
        cells.append(_provided(spec, len([c for c in cells if "-provided-" in c["id"]]) + 1, provided))
    cells.append(_markdown(f"{spec.name}-checks", CHECKS_INTRO))
    cells += [test_cell(group) for group in groups(spec)]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "dlgrade": {"assignment": spec.name},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    nbformat.validate(nbformat.from_dict(nb))
    return nb


def test_cell(group: Group) -> dict:
    """The autograded test cell of one check group."""
    if group.hidden:
        scope = [f"# Running it checks your saved notebook with the visible checks ({_pts(_points(group.visible))});",
                 "# hidden checks (other shapes and settings) make up the rest when your notebook is graded."]
    else:
        scope = ["# Running it checks your saved notebook with all of them."]
    lines = [f"# dlgrade checks: {group.key}. This cell is worth {_pts(group.points)}, earned check by check.",
             *scope,
             *_listing(group.visible),
             f"from {HELPER_MODULE} import run_checks",
             f"checks = {[c.number for c in group.visible]!r}"]
    if group.hidden:
        lines += ["### BEGIN HIDDEN TESTS", *_listing(group.hidden),
                  f"checks += {[c.number for c in group.hidden]!r}", "### END HIDDEN TESTS"]
    lines.append(f"run_checks({group.assignment!r}, checks)")
    return _code_cell(group.grade_id, "\n".join(lines), grade=True, locked=True, points=group.points)


# ----------------------------------------------------------------- helpers
def _pieces(tree: ast.Module, lines: list[str], reference: str) -> list[Piece]:
    body = list(tree.body)
    start = 1
    if body and ast.get_docstring(tree, clean=False) is not None:
        start = body[0].end_lineno + 1
        body = body[1:]
    pieces: list[Piece] = []
    for node in body:
        last = _last_line(node, lines)
        if isinstance(node, DEFINITIONS):
            pieces.append(Piece(start, last, node))
        elif pieces and pieces[-1].node is None:
            pieces[-1].last = last
        else:
            pieces.append(Piece(start, last))
        start = last + 1
    if pieces:
        pieces[-1].last = len(lines)
    try:
        regions = stubs.solution_regions(reference)
    except ValueError as exc:
        raise NbgraderError(f"the reference's solution markers do not pair up: {exc}") from None
    for begin, end, _ in regions:
        owner = [p for p in pieces if p.first <= begin and end <= p.last]
        if not owner:
            raise NbgraderError(f"the solution region at lines {begin}-{end} of the reference spans two "
                                "top-level definitions; keep each region inside one")
        owner[0].solution = True
    return pieces


def _last_line(node: ast.stmt, lines: list[str]) -> int:
    """The statement's last line, counting the indented comments that
    follow it (``# END SOLUTION`` after a ``return`` is not in the AST)."""
    last = node.end_lineno
    while last < len(lines) and (not lines[last].strip() or lines[last][:1] in " \t"):
        last += 1
    while last > node.end_lineno and not lines[last - 1].strip():
        last -= 1
    return last


def _code(piece: Piece, lines: list[str]) -> str:
    """The piece's lines with nbgrader's markers and, for a definition with
    a solution, its docstring cut to the summary line (the markdown cell
    above holds the whole of it)."""
    out = {}
    for number in range(piece.first, piece.last + 1):
        line = lines[number - 1]
        begin, end = stubs.BEGIN.match(line), stubs.END.match(line)
        if begin:
            line = f"{begin.group('indent')}### BEGIN SOLUTION"
        elif end:
            line = line[: len(line) - len(line.lstrip())] + "### END SOLUTION"
        out[number] = line
    doc_node = _docstring_node(piece.node) if piece.solution else None
    if doc_node is not None:
        first_line = summary(doc_node.value.value)
        if '"' not in first_line and "\\" not in first_line:
            indent = lines[doc_node.lineno - 1][: doc_node.col_offset]
            for number in range(doc_node.lineno, doc_node.end_lineno + 1):
                out.pop(number, None)
            out[doc_node.lineno] = f'{indent}"""{first_line} (See the explanation above.)"""'
    return "\n".join(out[n] for n in sorted(out)).strip("\n")


def _docstring_node(node: ast.stmt | None) -> ast.Expr | None:
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0]
    return None


def _listing(checks: tuple[Check, ...]) -> list[str]:
    return [f"#   {c.number:<5} {c.name} ({_pts(c.points)})" for c in checks]


def _points(checks: tuple[Check, ...]) -> float:
    return float(sum(c.points for c in checks))


def _pts(x: float) -> str:
    return f"{x:g} point{'' if x == 1 else 's'}"


def _provided(spec: Assignment, k: int, codes: list[str]) -> dict:
    return _code_cell(provided_id(spec.name, k), "\n\n\n".join(codes), locked=True)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id[:64], "metadata": {}, "source": text.rstrip("\n")}


def _code_cell(grade_id: str, source: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
               points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"cell_type": "code", "execution_count": None, "id": grade_id[:64],
            "metadata": {"nbgrader": meta}, "outputs": [], "source": source}
