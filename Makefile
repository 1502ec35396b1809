# Set-up and main jobs. The first target that needs the environment builds it (.venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint bench clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The main job: the yearly indicator report on the bundled example data (reports/<N>/).
report: $(STAMP)
	$(BIN)/boligmonitor report

## The whole test suite (and lint).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools notebooks
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)
