"""The `dlgrade` command line.

Every command is a thin wrapper over a library function; the command modules
are imported only when their command runs, so `dlgrade --help` and the quiz
start without importing torch.
"""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__
from .errors import DlgradeError

# name -> "module:attribute" of a click command. Listed here, explicitly, so
# that `dlgrade --help` needs no imports beyond this file.
COMMANDS: dict[str, tuple[str, str]] = {
    "grade": ("grader.commands.grading:grade", "Grade a submission with every check (visible and hidden)."),
    "check": ("grader.commands.grading:check", "Self-check a submission against the visible checks."),
    "batch": ("grader.commands.grading:batch", "Grade a folder of submissions; write results and a gradebook."),
    "examples": ("grader.commands.grading:examples", "Grade the bundled example submissions (examples/)."),
    "stubs": ("grader.commands.authoring:stubs", "Regenerate the student stubs in assignments/ from reference/."),
    "bundle": ("grader.commands.authoring:bundle", "Write the student bundle: stubs and self-check, no solutions."),
    "sandbox": ("grader.commands.grading:sandbox_info", "Show how untrusted code would be isolated on this machine."),
    "questions": ("question_bank.cli:questions", "Generate and check randomised shape-arithmetic questions."),
    "quiz": ("question_bank.cli:quiz", "The interactive self-quiz on shapes and parameter counts."),
    "exam": ("question_bank.cli:exam", "Per-student exam variants, answer keys, grading and LMS export."),
    "nbgrader": ("grader.nbgrader.cli:nbgrader", "Bridge to nbgrader: write a course, grade inside nbgrader."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
                # Only the command's own module is missing (e.g. a student
                # bundle ships without the nbgrader bridge).
                return _unavailable(name, f"'{name}' is not part of this installation ({exc.name} is missing)")
            raise
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: no imports just to print --help.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _unavailable(name: str, why: str) -> click.Command:
    @click.command(name=name, help=why)
    def command() -> None:
        raise click.ClickException(why)

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlgrade")
def cli() -> None:
    """dlgrade: auto-graded deep-learning coursework and shape practice.

    \b
    Examples:
      dlgrade check batchnorm my_batchnorm.py     # self-check (visible checks)
      dlgrade grade batchnorm submissions/alice/   # full grade, readable table
      dlgrade grade batchnorm alice.py --json      # Gradescope results.json
      dlgrade batch batchnorm submissions/ -o out/ # a whole class + gradebook
      dlgrade questions generate conv2d_output --seed 42 --json
      dlgrade quiz
    """


def main(argv: list[str] | None = None) -> None:
    """Console entry point: library errors become one line on stderr."""
    try:
        cli.main(args=argv, prog_name="dlgrade", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())
        sys.exit(0)
    except click.UsageError as exc:
        # One line (SPEC §2), with where to look for help.
        path = exc.ctx.command_path.partition(" ")[2] if exc.ctx else ""
        message = " ".join(exc.format_message().split())
        click.echo(f"Error: {message} (see 'dlgrade {path + ' ' if path else ''}--help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DlgradeError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
