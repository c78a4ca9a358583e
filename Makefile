# HeForShe platform. `make run` serves the site, `make test` runs the suite.
# Both create .venv with a Python 3.12+ found on PATH or in pyenv.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The first interpreter that is Python 3.12 or newer.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 \
	/usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: help install run test test-fast worker beat lint format messages translations migrate demo clean

help:
	@echo "make run       install, migrate, load demo data and serve http://$(HOST):$(PORT)/"
	@echo "make test      install and run the whole test suite"
	@echo "make worker    run a Celery worker (needs REDIS_URL)"
	@echo "make beat      run the Celery beat scheduler (needs REDIS_URL)"
	@echo "make lint      ruff format --check and ruff check"
	@echo "make messages  extract translatable strings into the .po catalogues (needs GNU gettext)"

# requirements-dev.txt includes requirements-demo.txt (the packages `make run`'s seed_demo needs).
$(STAMP): requirements.txt requirements-demo.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no Python 3.12 or newer found (Django 6 needs it)."; \
		echo "Install one (python.org, your package manager, or 'pyenv install 3.12') and run make again,"; \
		echo "or point PYTHON at it: make run PYTHON=/path/to/python3.12"; exit 1; fi
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

translations: install
	$(PY) manage.py compile_translations

migrate: translations
	$(PY) manage.py migrate --noinput

# HOST and PORT reach Django too: without SITE_URL, every generated link points where runserver listens.
demo: migrate
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py seed_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (demo staff: admin@heforshe.example / heforshe-demo-2026)"
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

test: translations
	$(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A heforshe worker -Q default,media -l info

beat: install
	$(VENV)/bin/celery -A heforshe beat -l info

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=pledges --ignore=stories --ignore=partners --ignore=actionkits --ignore=giving --ignore=solutions --ignore=newsletters --ignore=commitments --ignore=champions --ignore=events --ignore=tests --ignore=bench --no-obsolete
	for app in pledges stories partners actionkits giving solutions newsletters commitments champions events; do \
		(cd $$app && ../$(PY) ../manage.py makemessages --all --no-obsolete); done
	$(PY) manage.py makemessages -d djangojs --all --ignore=.venv --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
