# Two commands for a new user (see README): `make reports` and `make test`.
# Each creates or updates .venv from requirements.lock (exact versions) before it runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= seeds
REPORT_ARGS ?=

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (corpus)" >/dev/null
	@touch $(STAMP)

## venv: create or update .venv from requirements.lock (a stamp file skips this when current)
venv: $(STAMP)

## reports: render every report notebook on CORPUS (default seeds/) to HTML under reports/
reports: $(STAMP)
	$(BIN)/corpus-reports $(CORPUS) $(REPORT_ARGS)

## test: run the test suite (unit tests, doctests and the end-to-end notebook run)
test: $(STAMP)
	$(BIN)/python -m pytest

## lab: open JupyterLab on notebooks/ with the package importable
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## lock: re-resolve requirements.lock from pyproject.toml (needs network; commit the result)
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --no-header -o requirements.lock

## benchmark: print throughput figures (reads ../shared/corpora/cpc where present)
benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_load_clean.py
	$(BIN)/python benchmarks/bench_tokenize.py

## clean: delete generated reports and caches (never seeds/)
clean:
	rm -rf reports/*/ reports/index.html .cache

.PHONY: help venv reports test lab lock benchmark clean
