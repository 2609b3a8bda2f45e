# The README's two commands. Everything else is a detail of these.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/dcops db upgrade
	$(BIN)/dcops seed load seed/demo.yaml
	$(BIN)/dcops seed logins seed/demo.yaml
	$(BIN)/dcops serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check dcops tests
	$(BIN)/ruff format --check dcops tests

bench: $(VENV)/.installed-test
	DCOPS_BENCH=1 $(BIN)/python -m pytest tests/bench -p no:cacheprovider -s -p no:logging $(PYTEST_ARGS)

# New messages from the code and templates into the Dutch catalogue (then fill in their Dutch; `make test` checks).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output --project=dcops --omit-header -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d dcops/locale -l nl --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache
