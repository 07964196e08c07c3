"""Readable terminal output for results: a table, then what to fix."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .results import Results


def render(results: Results, console: Console, title: str | None = None, show_hidden_details: bool = True) -> None:
    """Print ``results`` as a table of checks and the details of failures."""
    if not results.sandbox.get("isolated", False):
        console.print(f"[bold red]WARNING:[/] {escape(results.sandbox.get('detail', ''))}")
    table = Table(title=title or f"{results.assignment}: {results.submission}", title_justify="left",
                  show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("check")
    table.add_column("", justify="center")
    table.add_column("score", justify="right")
    for t in results.tests:
        mark = "[green]pass[/]" if t.passed else "[red]FAIL[/]"
        name = escape(t.check.name) + (" [dim](hidden)[/]" if t.check.visibility == "hidden" else "")
        table.add_row(t.check.number, name, mark, f"{t.score:g} / {t.check.points:g}")
    table.add_section()
    table.add_row("", "[bold]total[/]", "", f"[bold]{results.score:g} / {results.max_score:g}[/]")
    console.print(table)
    for message in results.messages:
        console.print(f"[yellow]![/] {escape(message)}")
    for t in results.tests:
        if t.passed:
            continue
        console.print(f"\n[bold red]{escape(t.check.number)} {escape(t.check.name)}[/]")
        for line in t.output.splitlines():
            style = "bold yellow" if line.startswith("Likely mistake") else "dim" if line.startswith("What this") else ""
            console.print(f"  [{style}]{escape(line)}[/]" if style else f"  {escape(line)}")
    if results.student_output.strip():
        console.print("\n[dim]Output printed by your code (first part):[/]")
        console.print(escape(results.student_output[:2000]), markup=False, highlight=False)


def render_batch(rows: Sequence[dict], console: Console, title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("student")
    table.add_column("score", justify="right")
    table.add_column("passed", justify="right")
    table.add_column("notes")
    for row in rows:
        table.add_row(escape(row["student"]), row["score_text"], row["passed_text"], escape(row["notes"]))
    console.print(table)
