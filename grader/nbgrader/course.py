"""``dlgrade nbgrader init``: an nbgrader course from the reference solutions.

Writes, under the course directory::

    nbgrader_config.py                       dlgrade's autograding pipeline
    source/ASSIGNMENT/ASSIGNMENT.ipynb       per assignment (grader.nbgrader.notebook)
    source/ASSIGNMENT/dlgrade_selfcheck.py   what its test cells import

and nothing else: nbgrader creates its gradebook, ``release/``,
``submitted/``, ``autograded/`` and ``feedback/`` as it goes.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from .. import __version__, assignments, stubs
from ..errors import UsageError
from . import NbgraderError, notebook, selfcheck

PREPROCESSOR = "grader.nbgrader.preprocessor.DlgradeVerdict"
EXECUTE = "nbgrader.preprocessors.Execute"
SAVE_GRADES = "nbgrader.preprocessors.SaveAutoGrades"

CONFIG = '''\
# nbgrader configuration of a dlgrade course, written by `dlgrade nbgrader init` (dlgrade {version}).
# Assignments: {names}. Workflow and what is protected: dlgrade's docs/nbgrader.md.
c = get_config()  # noqa: F821 (nbgrader defines it when it loads this file)
{course_id}
# Autograding. DlgradeVerdict grades the code of each notebook's solution and
# read-only cells, as submitted, with dlgrade in its sandbox, and writes every
# test cell's output from dlgrade's verdict: feedback, and the score that
# SaveAutoGrades (after it) records in the gradebook.
{execute_note}
c.Autograde.autograde_preprocessors = [
{pipeline}
]
{execute_config}
# A test cell a student deleted is put back, so that it is scored too.
c.OverwriteCells.add_missing_cells = True

# Feedback on hidden checks: False shows their names, results, hints and likely
# mistakes, but not the values compared (which reveal the checks' inputs).
c.DlgradeVerdict.details_of_hidden = False
'''

NO_EXECUTE_NOTE = '''\
# The notebook is NOT run in a Jupyter kernel here (nbgrader's Execute step is
# left out): students' code runs only inside dlgrade's sandbox. To show students
# their own cells' outputs in feedback, `dlgrade nbgrader init --execute` keeps
# Execute, which runs their code unsandboxed, as you, on this machine.'''

EXECUTE_NOTE = '''\
# nbgrader's Execute step is kept (`--execute`): students' cells run in a Jupyter
# kernel, UNSANDBOXED, as you, so their outputs appear in feedback. Scores still
# come from dlgrade alone, but that code can read and write what you can (this
# course, its gradebook): only for students you trust. See docs/nbgrader.md.'''


def init_course(course_dir: str | Path, *, names: list[str] | tuple[str, ...] = (), force: bool = False,
                execute: bool = False, course_id: str | None = None) -> list[Path]:
    """Write an nbgrader course for ``names`` (default: every available
    assignment) into ``course_dir``; return the files written.

    ``course_dir`` must be new or empty unless ``force``, which rewrites the
    generated files and leaves every other file (gradebook, submissions) alone.
    """
    root = Path(course_dir)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a directory")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise UsageError(f"{root} is not empty; pass --force to rewrite the files dlgrade generates there "
                         "(other files are left alone)")
    chosen = list(dict.fromkeys(names)) or assignments.available()
    if not chosen:
        raise UsageError("no assignment is available in this version of dlgrade")
    specs = [assignments.get(name) for name in chosen]     # UsageError for unknown names
    reference = stubs.reference_dir()                       # BundleError in a student bundle
    files: dict[Path, str] = {root / "nbgrader_config.py": config_text(chosen, execute=execute, course_id=course_id)}
    helper = Path(selfcheck.__file__).read_text(encoding="utf-8")
    for spec in specs:
        path = reference / f"{spec.name}.py"
        if not path.is_file():
            raise NbgraderError(f"no reference solution for {spec.name!r} ({path} is missing)")
        nb = notebook.build(spec, path.read_text(encoding="utf-8"))
        folder = root / "source" / spec.name
        files[folder / f"{spec.name}.ipynb"] = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        files[folder / f"{notebook.HELPER_MODULE}.py"] = helper
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return list(files)


def autograde_pipeline(*, execute: bool) -> list[str]:
    """nbgrader's autograding steps (from the installed nbgrader), with
    DlgradeVerdict just before SaveAutoGrades, and without Execute unless
    ``execute``."""
    try:
        from nbgrader.converters import Autograde
    except ImportError:
        raise NbgraderError("nbgrader is not installed here: pip install 'dlgrade[nbgrader]'") from None
    steps = [_dotted(cls) for cls in Autograde.class_traits()["autograde_preprocessors"].default()]
    if SAVE_GRADES not in steps:
        raise NbgraderError(f"this nbgrader ({', '.join(steps)}) has no {SAVE_GRADES} step to put dlgrade before")
    if not execute:
        steps = [s for s in steps if s != EXECUTE]
    steps.insert(steps.index(SAVE_GRADES), PREPROCESSOR)
    return steps


def config_text(names: list[str], *, execute: bool, course_id: str | None = None) -> str:
    """The course's ``nbgrader_config.py``."""
    pipeline = "\n".join(f"    {step!r},{'  # dlgrade' if step == PREPROCESSOR else ''}"
                         for step in autograde_pipeline(execute=execute))
    return CONFIG.format(
        version=__version__, names=", ".join(names), pipeline=pipeline,
        course_id=f"c.CourseDirectory.course_id = {course_id!r}\n" if course_id else "",
        execute_note=EXECUTE_NOTE if execute else NO_EXECUTE_NOTE,
        execute_config=("# Seconds a cell may run in the kernel (torch's import alone takes a few).\n"
                        "c.Execute.timeout = 120\n") if execute else "")


def _dotted(cls: type) -> str:
    """``nbgrader.preprocessors.Execute`` rather than ``...execute.Execute``
    where the package exports the class."""
    package = cls.__module__.rsplit(".", 1)[0]
    try:
        if getattr(importlib.import_module(package), cls.__name__, None) is cls:
            return f"{package}.{cls.__name__}"
    except ImportError:
        pass
    return f"{cls.__module__}.{cls.__name__}"
