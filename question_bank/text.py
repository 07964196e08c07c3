"""Small helpers that keep worked solutions readable and uniform."""

from __future__ import annotations

from collections.abc import Iterable


def lines(*parts: str | Iterable[str]) -> str:
    """Join strings (or iterables of strings) into a multi-line text."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.extend(part)
    return "\n".join(out)


def num(x: int | float) -> str:
    """A number as it appears inside a formula: negatives in parentheses."""
    text = f"{x:g}" if isinstance(x, float) else str(x)
    return f"({text.replace('-', '−')})" if x < 0 else text


def grouped(n: int) -> str:
    """An integer with thin-space thousands separators: ``1 234 567``."""
    return f"{n:,}".replace(",", " ")


def yes_no(flag: bool) -> str:
    """``"True"``/``"False"`` as torch's keyword arguments print them."""
    return "True" if flag else "False"


def bias_term(bias: bool, count: int | str) -> str:
    """``" + count"`` when a layer has a bias, else an empty string."""
    return f" + {count}" if bias else ""


def real_instruction(rtol: float) -> str:
    """The sentence every real-valued prompt ends with (states the tolerance)."""
    return f"Give at least 4 significant figures (answers within {rtol:.1%} relative error are accepted)."
