# Two commands on a fresh machine: `make run` and `make test` (both create .venv/ if needed).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
UI_PORT ?= 3000

.PHONY: run test test-fast lint ui sample docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the run is recorded in the same Dagster instance as `make ui` shows (DAGSTER_HOME)
run: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	ln -sf $(CURDIR)/deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/case-audit run

# the whole suite in two processes, each test file in one of them (its fixtures made once)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

# the fast tier: no whole run, no webserver, no browser, in one process (under a minute)
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ui: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	ln -sf $(CURDIR)/deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
		$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(UI_PORT)

docs: $(STAMP)
	$(BIN)/python -m pipeline.warehouse.dictionary

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

sample: $(STAMP)
	$(BIN)/python -m pipeline.sample_data

clean:
	rm -rf data/warehouse/*.duckdb data/warehouse/.build .pytest_cache .ruff_cache
