# Entry points. Each target sets up .venv on first use (scripts/bootstrap.sh).
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.dlgrade-installed
PYTEST_ARGS ?=

.PHONY: examples test test-fast gpu-check bench stubs bundle setup

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	VENV=$(VENV) sh scripts/bootstrap.sh

## Grade the bundled example submissions (examples/) and print the results.
examples: $(STAMP)
	$(BIN)/dlgrade examples

## The whole test suite (what .ci/run calls).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

## The GPU part of the suite: reference implementations against torch on CUDA.
gpu-check: $(STAMP)
	$(BIN)/python -m pytest -q -m gpu --require-gpu tests/reference

## Speed figures (start-up, grading time, sandbox overhead, question bank).
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

## Regenerate the student stubs in assignments/ from reference/.
stubs: $(STAMP)
	$(BIN)/dlgrade stubs

## Write the student bundle (stubs + self-check, no solutions) to dist/.
bundle: $(STAMP)
	$(BIN)/dlgrade bundle dist/student-bundle
