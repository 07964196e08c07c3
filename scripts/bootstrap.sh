#!/bin/sh
# Create the project's virtual environment (.venv) and install dlgrade into
# it, plus bubblewrap when we can. Idempotent; `make` calls it only when
# pyproject.toml or this script changed since the last run.
set -eu
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
# torch is installed before the package so that dlgrade's "torch>=2.1" is
# already met: on this machine torch==2.13.0 is a local CPU wheel (seconds),
# while an unpinned install would pull a multi-GB CUDA build.
TORCH_SPEC=${DLGRADE_TORCH_SPEC:-torch==2.13.0}

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
    echo "dlgrade set-up: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
    echo "dlgrade set-up: installing $TORCH_SPEC"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$TORCH_SPEC"
fi
echo "dlgrade set-up: installing dlgrade and its test/nbgrader extras"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test,nbgrader]"

# The grader runs untrusted code only under bubblewrap.
if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "dlgrade set-up: installing bubblewrap (apt-get)"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap) >/dev/null 2>&1 \
            || echo "dlgrade set-up: WARNING: could not install bubblewrap; grading will refuse untrusted code" >&2
    else
        echo "dlgrade set-up: WARNING: bubblewrap (bwrap) is not installed and I cannot install it" >&2
        echo "  (not root, or no apt-get). Install it with your package manager; until then" >&2
        echo "  'dlgrade grade' refuses untrusted code unless given --no-sandbox." >&2
    fi
fi
touch "$VENV/.dlgrade-installed"
echo "dlgrade set-up: done in $(( $(date +%s) - start )) s"
