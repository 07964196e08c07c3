"""Typed exceptions raised by library code; only the CLI turns them into a
one-line message and an exit status."""


class DlgradeError(Exception):
    """Base class: something the user can act on, reported in one line."""


class UsageError(DlgradeError):
    """Bad arguments: an unknown assignment, an unreadable path, ..."""


class SubmissionError(DlgradeError):
    """The submission cannot be read at all (missing, not a file, too big)."""


class SandboxUnavailable(DlgradeError):
    """Untrusted code was about to run without the sandbox."""


class BundleError(DlgradeError):
    """The command needs something a student bundle does not contain."""


class GraderFailure(DlgradeError):
    """The grader itself could not run (not the submission's fault): the
    sandbox failed to start, the harness crashed before any student code."""
