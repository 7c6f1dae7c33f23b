# The two commands of the README: `make demo` and `make test` (tests, then lint). Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS := test,bench
DEMO   ?= demo-home

.PHONY: setup demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	@.ci/system-deps fonts
	$(BIN)/township demo $(DEMO)

test: setup
	@.ci/system-deps all
	$(BIN)/python -m pytest
	@# three test files at random, each in a process of its own (the seed is printed)
	$(BIN)/python -m tests.alone --count 3
	$(BIN)/ruff check
	$(BIN)/mypy tasks/returns tasks/ledger

lint: setup
	$(BIN)/ruff check
	$(BIN)/mypy tasks/returns tasks/ledger

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

bench: setup
	@# bytecode of our own modules, as an installed package has it (this machine sets PYTHONDONTWRITEBYTECODE)
	$(BIN)/python -m compileall -q flows tasks schemas
	$(BIN)/township bench --files 1000 --repeat 3 --json

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
