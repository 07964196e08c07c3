"""dlgrade's grader: checks, the sandbox, comparison, results and the CLI.

Importing this package is cheap (no torch); the heavy parts are imported by
the commands that need them.
"""

__version__ = "0.1.0"
