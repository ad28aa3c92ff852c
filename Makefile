# Two commands matter: `make run` and `make test`. Each sets up everything it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python <= 3.10 (.python-version selects 3.10 for pyenv).
PYTHON ?= $(shell command -v python3.10 2>/dev/null || ls -d $(HOME)/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -n 1)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed

export RASA_PORT ?= 5005
export ACTIONS_PORT ?= 5055
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
PYTEST_ARGS ?=

.PHONY: help venv db model browser run shell test validate eval bench lint clean

help:
	@echo "make run    - set up, then serve the assistant (REST on :$(RASA_PORT))"
	@echo "make test   - set up, then run the whole test suite"
	@echo "make shell  - staff: talk to the assistant in the terminal"
	@echo "make eval   - NLU cross-validation and held-out report into results/"
	@echo "make bench  - latency, load (1 and 2 servers), training time and memory benchmark"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "error: Python 3.10 not found (Rasa 3.6 needs it): install it (pyenv install 3.10.13) or run make PYTHON=/path/to/python3.10" >&2; exit 2; fi
	"$(PYTHON)" -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip<24.1"
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt -c constraints.txt
	@$(PY) -c 'import numpy, sqlalchemy; assert numpy.__version__ < "1.25" and sqlalchemy.__version__ < "1.5", "numpy/SQLAlchemy outside Rasa pins"'
	touch $(STAMP)

venv: $(STAMP)

db: venv
	$(PY) -m bot db upgrade
	$(PY) -m bot seed

model: venv
	$(PY) -m bot.model ensure

run: db model
	scripts/run.sh

shell: db model
	scripts/run.sh shell

test: db model browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Browser tests: Debian's Chromium (never a downloaded browser) and axe-core from npm.
# Without them (no root for apt, no npm) the browser tests skip and say why; with CI=true they fail.
AXE := tests/browser/node_modules/axe-core/axe.min.js
browser: $(AXE)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 \
	  && apt-get install -y -q chromium >/dev/null 2>&1; }; }; } \
	  || echo "note: Chromium not installed (apt-get install chromium): browser tests will skip"

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	else echo "note: npm not found: axe-core not installed, browser tests will skip"; fi

validate: venv
	$(RASA) data validate --fail-on-warnings --config config.yml --domain domain.yml --data $$($(PY) -c 'from bot.model import TRAINING_DATA; print(*TRAINING_DATA)')

eval: db model
	$(PY) scripts/evaluate_nlu.py

# BENCH_ARGS=--skip-training for a quicker run; the load section needs PostgreSQL and Redis
BENCH_ARGS ?= --load
bench: db model
	$(PY) scripts/bench.py $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check bot actions tests scripts

clean:
	rm -rf $(VENV) models var results .pytest_cache
