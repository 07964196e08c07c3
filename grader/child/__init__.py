"""The child side of grading: the code that runs *inside* the sandbox.

Everything under this package is mounted read-only into the sandbox, so it
must hold no secrets (no reference solutions, no hidden-check data) and must
import nothing from the rest of ``grader`` (only the standard library, numpy
and torch, and relative imports within this package, which is mounted under
another name there).
"""
