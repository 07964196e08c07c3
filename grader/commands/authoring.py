"""`dlgrade stubs` and `dlgrade bundle`: for instructors."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--check", "check_only", is_flag=True, help="Only report stale stubs (exit 1 if any).")
def stubs(check_only: bool) -> None:
    """Regenerate assignments/*.py from reference/*.py.

    Solution regions (# BEGIN SOLUTION ... # END SOLUTION) become
    `raise NotImplementedError(...)`.

    \b
    Examples:
      dlgrade stubs            # rewrite what changed
      dlgrade stubs --check    # CI: fail when assignments/ is stale
    """
    from .. import stubs as gen

    if check_only:
        stale = gen.stale_stubs()
        if stale:
            raise click.ClickException(f"stale stubs: {', '.join(stale)} (run 'dlgrade stubs')")
        click.echo("assignments/ is up to date.")
        return
    changed = gen.write_stubs()
    click.echo("\n".join(f"wrote {p}" for p in changed) or "assignments/ is up to date.")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
def bundle(out: Path) -> None:
    """Write the student bundle to OUT: stubs and the self-check, no solutions.

    The bundle installs with `pip install OUT` and provides `dlgrade check`
    (visible checks only) and the quiz. It is verified to hold no line of
    any solution and no hidden check.

    \b
    Example:
      dlgrade bundle dist/student-bundle && (cd dist && zip -r student-bundle.zip student-bundle)
    """
    from ..bundle import write_bundle

    path = write_bundle(out)
    click.echo(f"wrote the student bundle to {path}")
