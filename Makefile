# cisem-graph: `make run` serves the bundled graph on http://127.0.0.1:5000, `make test` checks it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint build validate bench bench-scale bench-serving-scale clean

run: $(STAMP)
	$(BIN)/cisem-graph build
	$(BIN)/cisem-graph serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

build validate: $(STAMP)
	$(BIN)/cisem-graph $@

bench: $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	$(BIN)/python bench/run.py

bench-scale: $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	$(BIN)/python bench/scale.py

bench-serving-scale: $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	$(BIN)/python bench/serving_scale.py

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "cisem-graph needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf dist .pytest_cache .ruff_cache
