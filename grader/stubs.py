"""Student stubs from the reference: write the solution once.

Every region between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes
``raise NotImplementedError(...)`` at the marker's indentation (as
nbgrader's ClearSolutions does), naming the function to complete. The rest
of the file (docstrings, signatures, input checks) is kept as written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .errors import BundleError

BEGIN = re.compile(r"^(?P<indent>[ \t]*)#+ BEGIN SOLUTION\b")
END = re.compile(r"^[ \t]*#+ END SOLUTION\b")
HEADER = ("# dlgrade assignment '{name}': replace every `raise NotImplementedError` with your code.\n"
          "# Check yourself with:  dlgrade check {name} {name}.py\n")


def reference_dir() -> Path:
    try:
        import reference
    except ModuleNotFoundError:
        raise BundleError("the reference solutions are not part of this installation "
                          "(a student bundle has none)") from None
    return Path(reference.__file__).resolve().parent


def assignments_dir() -> Path:
    import assignments

    return Path(assignments.__file__).resolve().parent


def solution_regions(source: str) -> list[tuple[int, int, str]]:
    """``(begin_line, end_line, indent)`` of each marked region (1-based,
    inclusive of the markers); ValueError if markers do not pair up."""
    regions = []
    open_at: tuple[int, str] | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        begin = BEGIN.match(line)
        if begin:
            if open_at is not None:
                raise ValueError(f"line {number}: BEGIN SOLUTION inside the region opened at line {open_at[0]}")
            open_at = (number, begin.group("indent"))
        elif END.match(line):
            if open_at is None:
                raise ValueError(f"line {number}: END SOLUTION without BEGIN SOLUTION")
            regions.append((open_at[0], number, open_at[1]))
            open_at = None
    if open_at is not None:
        raise ValueError(f"line {open_at[0]}: BEGIN SOLUTION is never closed")
    return regions


def _enclosing_functions(source: str) -> dict[int, str]:
    """line -> qualified name of the innermost def containing it."""
    owner: dict[int, str] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    for line in range(child.lineno, (child.end_lineno or child.lineno) + 1):
                        owner[line] = name
                walk(child, name + ".")
            else:
                walk(child, prefix)

    walk(ast.parse(source), "")
    return owner


def make_stub(source: str, name: str) -> str:
    """The student's starting file for reference ``source``."""
    regions = solution_regions(source)
    owners = _enclosing_functions(source)
    lines = source.splitlines()
    out: list[str] = []
    skip_until = 0
    starts = {begin: (end, indent) for begin, end, indent in regions}
    for number, line in enumerate(lines, start=1):
        if number <= skip_until:
            continue
        if number in starts:
            end, indent = starts[number]
            where = owners.get(number, name)
            out.append(f'{indent}raise NotImplementedError("{where}: your code here")')
            skip_until = end
            continue
        out.append(line)
    stub = "\n".join(out) + "\n"
    ast.parse(stub)  # a stub must at least be valid Python
    return HEADER.format(name=name) + stub


def expected_stubs() -> dict[str, str]:
    """File name -> content of every stub, generated from reference/."""
    ref = reference_dir()
    return {p.name: make_stub(p.read_text(), p.stem) for p in sorted(ref.glob("*.py")) if p.name != "__init__.py"}


def write_stubs(target: Path | None = None) -> list[Path]:
    """(Re)write assignments/*.py from the reference; return what changed."""
    target = target or assignments_dir()
    changed = []
    for file_name, content in expected_stubs().items():
        path = target / file_name
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
            changed.append(path)
    return changed


def stale_stubs() -> list[str]:
    """Stubs in assignments/ that differ from what the reference gives."""
    target = assignments_dir()
    return [name for name, content in expected_stubs().items()
            if not (target / name).exists() or (target / name).read_text() != content]
