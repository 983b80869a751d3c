# BIA 64 200 — two commands: `make run` (serve on embedded defaults) and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := var/.apt-installed
VENDOR_STAMP := src/bia/web/static/vendor/.installed
PACK ?= packs/biarritz

.PHONY: install run test test-fast lint bench clean help

help:
	@echo "make run     install, create the SQLite database, load the Biarritz pack and demo data, serve"
	@echo "make test    install, then run the whole test suite"
	@echo "make install install Debian packages, the virtualenv and front-end assets (idempotent)"

install: $(APT_STAMP) $(STAMP) $(VENDOR_STAMP)

$(APT_STAMP): deps/apt.txt
	@mkdir -p var
	@missing=$$(grep -v '^\s*#' deps/apt.txt | xargs -r -n1 sh -c 'dpkg -s "$$0" >/dev/null 2>&1 || echo "$$0"'); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m bia.conversation.classifier  # train and cache the category model once
	@touch $@

$(VENDOR_STAMP): package.json package-lock.json tools/vendor_assets.py
	npm ci --ignore-scripts --no-audit --no-fund --silent
	$(BIN)/python tools/vendor_assets.py
	@touch $@

run: install
	@mkdir -p var
	$(BIN)/bia db upgrade
	$(BIN)/bia pack load $(PACK)
	$(BIN)/bia demo load
	$(BIN)/bia serve

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) var node_modules src/bia/web/static/vendor
