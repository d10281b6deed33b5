# The two commands a newcomer needs: `make serve` and `make test`.
# Both create .venv on first use and install the project into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: serve test load install clean screenshots

$(STAMP): pyproject.toml scripts/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c scripts/constraints.txt -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## Build the on-disk store from ontology/ + data/ (+ the imported plans in var/plans) and serve it on http://$(HOST):$(PORT)
serve: $(STAMP)
	$(BIN)/hsvo load
	$(BIN)/hsvo serve --host $(HOST) --port $(PORT)

## (Re)build the on-disk store only
load: $(STAMP)
	$(BIN)/hsvo load

## Run the whole test suite (starts its own oxigraph server for the remote-store tests)
test: $(STAMP)
	bash scripts/install-system-deps.sh
	bash scripts/install-test-deps.sh
	$(BIN)/python -m pytest

## Regenerate docs/screenshots/ (the pictures in the README) in headless Chromium
screenshots: $(STAMP)
	bash scripts/install-system-deps.sh
	bash scripts/install-test-deps.sh
	HSVO_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py -k screenshots

## Remove the virtualenv and the built store; the imported plans (var/plans) are kept
clean:
	rm -rf $(VENV) var/store .pytest_cache .cache
