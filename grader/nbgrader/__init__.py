"""The nbgrader bridge: nbgrader courses whose notebooks dlgrade grades.

- :mod:`.course` writes a course (``dlgrade nbgrader init``): its
  ``nbgrader_config.py`` and, per assignment, the source notebook
  (:mod:`.notebook`, from ``reference/``) and the test cells' helper.
- :mod:`.preprocessor` is the autograding step: it grades the notebook's
  code in dlgrade's sandbox and writes the test cells' outputs, from which
  nbgrader records the scores.
- :mod:`.selfcheck` is what the test cells run inside Jupyter.

See ``docs/nbgrader.md``.
"""

from ..errors import DlgradeError


class NbgraderError(DlgradeError):
    """The nbgrader bridge cannot do what was asked (a notebook without
    dlgrade cells, nbgrader missing, a reference it cannot lay out)."""
