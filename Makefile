# Two commands for a fresh machine: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# The tests also load the plan's gateway export into the real LiteLLM (about 380 MB):
# installed for `make test` only, never for `make run` or the image.
TEST_STAMP := $(VENV)/.installed-gateway-tests

.PHONY: help run test lint format check-chromium check-nginx check-weasyprint bench

help:
	@echo "make run   - set up and serve the app at http://127.0.0.1:$(PORT)/ (PORT=8001 make run)"
	@echo "make test  - set up, then lint, type-check and run the whole test suite"

$(PY):
	@python=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	@echo "Installing dependencies into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(STAMP)
	@echo "Installing the gateway test dependencies (LiteLLM) into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,gateway-tests]'
	@touch $(TEST_STAMP)

run: $(STAMP) check-weasyprint
	@DJANGO_DEBUG=1 $(PY) manage.py migrate --verbosity 0
	@DJANGO_DEBUG=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

check-chromium:
	@bin/ensure-chromium

check-nginx:
	@bin/ensure-nginx

check-weasyprint:
	@bin/ensure-weasyprint-libs

lint: $(STAMP)
	@$(VENV)/bin/ruff check --quiet .
	@$(VENV)/bin/ruff format --check --quiet .
	@$(VENV)/bin/mypy
	@$(VENV)/bin/lint-imports --no-logo --no-cache

test: $(STAMP) $(TEST_STAMP) lint check-chromium check-nginx check-weasyprint
	@DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	@$(PY) -m pytest -q

format: $(STAMP)
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .
