# Set-up and main jobs. The first target that needs the environment builds it (.venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint lab bench clean-venv

# Development: the test tools and the analyst's workbench (JupyterLab with jupytext).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,jupyter]'
	touch $(STAMP)

## The main job: the yearly indicator report on the bundled example data (reports/<N>/).
report: $(STAMP)
	$(BIN)/boligmonitor report

## The whole test suite (and lint).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools notebooks
	$(BIN)/python -m pytest

## JupyterLab on the notebooks; a double click opens a notebooks/*.py file as a notebook.
lab: $(STAMP)
	$(BIN)/python tools/lab_settings.py $(VENV)
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean-venv:
	rm -rf $(VENV)
