"""Reference docstrings (PyTorch style: reST-ish with Google sections) as
notebook markdown.

Handles what the references use: ``.. math::`` blocks (→ ``$$``), literal
blocks introduced by ``::`` (→ fenced code), ``Args:``-style sections
(→ a bold heading and a bullet list), double-backtick literals and
``:math:`` / ``:class:`` roles. Anything else passes through unchanged,
which markdown renders sensibly.
"""

from __future__ import annotations

import inspect
import re

SECTION = re.compile(r"^(Args|Arguments|Attributes|Shape|Returns|Yields|Raises|Note|Notes):\s*$")
ROLE = re.compile(r":(math|class|func|meth|attr|mod|obj):`([^`]+)`")
LITERAL = re.compile(r"``([^`]+)``")


def docstring_to_markdown(doc: str) -> str:
    """The markdown form of one docstring (indentation-normalised first)."""
    lines = inspect.cleandoc(doc).splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        indent = _indent(line)
        if stripped.startswith(".. math::"):
            block, i = _block(lines, i + 1, indent)
            inline = stripped[len(".. math::"):].strip()
            out += ["", "$$", *([inline] if inline else []), *block, "$$", ""]
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            head = line.rstrip()[:-2].rstrip()
            if head.strip():
                out.append(_inline(head) + ":")
            block, i = _block(lines, i + 1, indent)
            out += ["", "```python", *block, "```", ""]
            continue
        if indent == 0 and SECTION.match(stripped):
            block, i = _block(lines, i + 1, indent)
            out += ["", f"**{stripped}**", "", *_items(block), ""]
            continue
        out.append(_inline(line))
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def summary(doc: str) -> str:
    """The docstring's first line."""
    lines = inspect.cleandoc(doc).splitlines()
    return lines[0].strip() if lines else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block(lines: list[str], start: int, base: int) -> tuple[list[str], int]:
    """The lines indented deeper than ``base`` from ``start`` on (blank
    lines included), dedented; and the index after them."""
    i = start
    taken: list[str] = []
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
        taken.append(lines[i])
        i += 1
    while taken and not taken[-1].strip():
        taken.pop()
    while taken and not taken[0].strip():
        taken.pop(0)
    depth = min((_indent(t) for t in taken if t.strip()), default=0)
    return [t[depth:] for t in taken], i


def _items(block: list[str]) -> list[str]:
    """``name: text`` entries (continuations indented) as bullets."""
    items: list[str] = []
    for line in block:
        if not line.strip():
            continue
        if _indent(line) == 0 or not items:
            text = line.strip()
            if text.startswith("- "):            # already a bullet (Shape: - Input: ...)
                items.append("- " + _inline(text[2:]))
                continue
            name, sep, rest = text.partition(": ")
            if sep and re.fullmatch(r"[\w.*]+( \([^)]*\))?", name):
                text = f"`{name}`: {rest}"
            items.append("- " + _inline(text))
        else:
            items[-1] += " " + _inline(line.strip())
    return items


def _inline(text: str) -> str:
    text = ROLE.sub(lambda m: f"${m.group(2)}$" if m.group(1) == "math" else f"`{m.group(2)}`", text)
    return LITERAL.sub(r"`\1`", text)
