# BioBridge — developer commands. `make run` and `make test` are all a
# newcomer needs; both set up .venv on first use.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer. The first interpreter on this list that
# is new enough creates the virtual environment.
PYTHON_CANDIDATES := $(PYTHON) python3.14 python3.13 python3.12 \
	$(sort $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)) \
	$(sort $(wildcard /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9])) python3
find_python = $(firstword $(foreach c,$(PYTHON_CANDIDATES),$(shell \
	$(c) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && echo $(c))))

.PHONY: help install browser oidc-provider run serve migrate seed test lint format check screenshots messages bench clients clean

help:
	@echo "make run      install, migrate, load demo data, serve http://$(HOST):$(PORT)/"
	@echo "make test     ruff, then the test suite (set DATABASE_URL / CELERY_BROKER_URL"
	@echo "              to run it on PostgreSQL and a real broker)"
	@echo "make lint     ruff only;  make format  rewrite the code in house style"
	@echo "make messages refresh and compile the translation catalogues"
	@echo "make bench    run the benchmarks under bench/"
	@echo "make clients  generate the Python and TypeScript API clients from the schema"
	@echo "              and check them against a running server"

$(PY):
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
		echo "BioBridge needs Python 3.12 or newer (Django 6). Install it, e.g."; \
		echo "  apt-get install python3.13 python3.13-venv   or   pyenv install 3.13"; \
		echo "then run make again, or name it: make PYTHON=/path/to/python3.13 ..."; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Debian's Chromium for the end-to-end tests (they are skipped without it).
browser:
	bash scripts/install_browser.sh

# The OpenID Connect provider the single sign-on tests start (Node.js; the
# tests are skipped without it).
oidc-provider:
	bash scripts/install_oidc_provider.sh

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	$(MANAGE) runserver $(HOST):$(PORT)

serve: install
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The suite runs in one process per core, up to four (pytest-xdist); a test
# file stays in one process, so its module fixtures are built once.
# `make test TEST_WORKERS=0` runs it in this process alone.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

# pytest exits 5 when it collects no test; that is not a failure of the code.
test: lint oidc-provider
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest \
		--numprocesses=$(TEST_WORKERS) --dist=loadfile $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Refresh docs/screenshots/ from the end-to-end tests.
screenshots: install oidc-provider
	BIOBRIDGE_SCREENSHOTS=1 DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest tests/e2e -q

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

messages: install
	$(MANAGE) makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore 'tests/*'
	$(MANAGE) compilemessages --locale zh_Hans --ignore '.venv/*'

# Benchmarks that seed a million rows run for many minutes: documented in
# docs/benchmarks.md with their command, not run by `make bench`.
BENCH_LONG = bench/million.py

bench: install
	@for script in $(filter-out $(BENCH_LONG),$(wildcard bench/*.py)); do echo "== $$script"; $(PY) $$script || exit 1; done

# Generated API clients (build/clients/): the generators install into
# .venv-clients/ and clients/typescript/node_modules/, not into $(VENV).
clients: install
	PY=$(PY) bash scripts/generate_clients.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache build .venv-clients clients/typescript/node_modules
