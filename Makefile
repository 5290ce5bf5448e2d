# The two commands the README promises: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# System packages (Debian/Ubuntu names): WeasyPrint's and cairosvg's libraries to run; to test, also the
# browser for the end-to-end tests and poppler to look at PDFs.
APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-dejavu-core
APT_TEST := $(APT_RUN) chromium poppler-utils

.PHONY: run test install lock system-deps system-deps-test lint typecheck format css check-deploy bench clean

run: export DEBUG = true
run: export ORGANISATION_NAME ?= Demo Borough Council
# The demo's staff have no authenticator app: signing in with the password alone is enough.
run: export TWO_FACTOR_REQUIRED ?= false
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Open http://$(HOST)/ and sign in as admin, clerk, lead or councillor (password in README.md)."
	@# The task worker runs beside the web server (imports, reports, reminders) and stops with it.
	$(PY) manage.py db_worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST)

test: system-deps-test install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: system-deps $(VENV)/.installed node_modules/.installed static/css/app.css

# Installs the missing ones of the Debian packages $(1) when run as root, else says how.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Missing system packages. Install them with:"; \
		echo "  sudo apt-get install -y $$missing"; \
		exit 1; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_RUN))

system-deps-test:
	$(call apt_install,$(APT_TEST))

# The exact versions come from the lock; the project itself is installed without resolving.
$(VENV)/.installed: requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Rewrites the lock files from pyproject.toml's ranges, for Python 3.11 on any platform,
# keeping every version already locked that still fits; `UPGRADE=--upgrade` moves them all on.
# requirements.lock is what runs the service; requirements-dev.lock adds the tools and tests.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(UPGRADE)
lock: $(VENV)/.installed
	$(LOCK) --output-file requirements.lock
	$(LOCK) --extra dev --output-file requirements-dev.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/css/app.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build:css

css: node_modules/.installed
	npm run --silent build:css

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs on the workflow modules [tool.mypy] in pyproject.toml lists.
typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# `manage.py check --deploy` with production-like settings must print no issues.
check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=tracker.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

# Speed and memory figures, printed; not part of the tests. The load test: bench/load_test.py.
bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules static/css var/staticfiles
