"""The student bundle: stubs and the self-check, no solutions.

``write_bundle(out)`` writes an installable folder (``pip install out``)
with ``assignments/`` (the stubs), the grader without its hidden checks,
its mistake variants, its written-out oracles or its nbgrader bridge, the
question bank, and the recorded observations of the mistakes and the
oracle on the visible checks (numbers, not code).
Before returning it proves the bundle clean: no line of any reference
solution region and no hidden check's recipe appears in any file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import __version__, assignments, fingerprints, stubs
from .errors import BundleError

ROOT = Path(__file__).resolve().parent.parent
EXCLUDED_GRADER_PARTS = ("hidden", "mistakes", "oracles", "nbgrader", "fingerprint_data", "__pycache__")

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "dlgrade-student"
version = "{version}"
description = "dlgrade for students: assignment stubs, the self-check and shape practice."
requires-python = ">=3.10"
dependencies = ["torch>=2.1", "numpy>=1.24", "click>=8.1", "rich>=13", "sympy>=1.12", "platformdirs>=3"]

[project.scripts]
dlgrade = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader*", "assignments*", "question_bank*"]

[tool.setuptools.package-data]
"*" = ["*.json", "*.md", "*.txt", "*.csv"]
"""

README = """# dlgrade: student bundle

Your assignments are in `assignments/`: copy one, replace every
`raise NotImplementedError(...)` with your code, and check yourself:

    pip install .                      # once (a virtual environment is best)
    dlgrade check batchnorm my_batchnorm.py

`dlgrade check` runs the visible checks and explains what is wrong. Your
grade also counts hidden checks (other shapes and settings), so make your
code general rather than fitted to the visible ones.

Practise shape arithmetic with `dlgrade quiz`.
"""


def _ignore(directory: str, names: list[str]) -> set[str]:
    ignored = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
    if Path(directory).resolve() == ROOT / "grader":
        ignored |= {n for n in names if n in EXCLUDED_GRADER_PARTS}
    return ignored


def write_bundle(out: Path) -> Path:
    """Write the bundle into ``out`` (which must not exist or be empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out} exists and is not empty")
    reference = stubs.reference_dir()  # instructors only: needs the reference
    stale = stubs.stale_stubs()
    if stale:
        raise BundleError(f"assignments/ is out of date for {', '.join(stale)}: run 'dlgrade stubs' first")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "grader", out / "grader", ignore=_ignore)
    shutil.copytree(ROOT / "question_bank", out / "question_bank", ignore=_ignore)
    shutil.copytree(stubs.assignments_dir(), out / "assignments", ignore=_ignore)
    (out / "pyproject.toml").write_text(PYPROJECT.format(version=__version__))
    (out / "README.md").write_text(README)
    recorded = out / "grader" / "fingerprint_data"
    recorded.mkdir()
    for name in assignments.available():
        spec = assignments.get(name)
        data = fingerprints.record(spec, spec.visible) if spec.mistakes_module else {"mistakes": [],
                                                                                      "observations": {}}
        data["oracle"] = fingerprints.record_oracle(spec, spec.visible)
        (recorded / f"{name}.json").write_text(json.dumps(data, separators=(",", ":")))
    leaks = find_leaks(out, reference)
    if leaks:
        shutil.rmtree(out)
        raise BundleError("the bundle would leak solutions or hidden checks: " + "; ".join(leaks[:5]))
    return out


def solution_lines(reference: Path) -> dict[str, str]:
    """Distinctive code lines inside solution regions -> their file."""
    found: dict[str, str] = {}
    for path in sorted(reference.glob("*.py")):
        lines = path.read_text().splitlines()
        for begin, end, _ in stubs.solution_regions(path.read_text()):
            for line in lines[begin:end - 1]:
                text = line.strip()
                # Distinctive statements only: block headers such as
                # `with torch.no_grad():` or `else:` are not solutions.
                if len(text) >= 16 and not text.startswith("#") and not text.endswith(":"):
                    found[text] = path.name
    return found


def find_leaks(out: Path, reference: Path) -> list[str]:
    """Solution lines or hidden-check recipes found anywhere under ``out``."""
    solution = solution_lines(reference)
    needles: dict[str, str] = {}
    for name in assignments.available():
        for check in assignments.get(name).hidden():
            needles[fingerprints.probe_key(check)] = f"hidden check {name} {check.number}"
            needles[json.dumps(dict(check.args), sort_keys=True)] = f"hidden check {name} {check.number}"
    leaks = []
    if (out / "reference").exists() or (out / "grader" / "hidden").exists():
        leaks.append("reference/ or grader/hidden/ present")
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = path.read_text(errors="ignore")
        for line in text.splitlines():
            if line.strip() in solution:
                leaks.append(f"solution line of {solution[line.strip()]} in {path.relative_to(out)}: "
                             f"{line.strip()!r}")
        for needle, what in needles.items():
            if needle in text:
                leaks.append(f"{what} in {path.relative_to(out)}")
    return leaks
