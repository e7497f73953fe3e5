# newsclean — the two commands a new user needs: `make run` and `make test`.
# Set-up creates .venv/ in the repo and installs the project there (editable, with dev tools,
# the Dask runner and the benchmark's peers).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup browser run test lint clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,dask,bench]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv/ and install newsclean with its dev tools, dask and bench extras

browser:  ## make sure headless Chromium is installed (Debian's chromium; the report test uses it)
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report's browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "run as root, or install Debian's chromium package yourself" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: setup  ## set up, then clean seeds/ into warehouse/news.duckdb and print the summary
	$(BIN)/newsclean run

lint: setup  ## ruff
	$(BIN)/ruff check .

test: setup lint browser  ## set up, lint, and run the test suite
	$(BIN)/pytest -q

clean:  ## remove the venv, the warehouse file and reports
	rm -rf $(VENV) warehouse/news.duckdb warehouse/news.duckdb.wal reports
