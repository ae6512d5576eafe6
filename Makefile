# make run   - set everything up and run the product on the embedded default (emulator + SQLite)
# make test  - set everything up and run the whole test suite
# make test-dates - the suite again under each pinned date of tests/dates.txt
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
EMULATOR_PORT ?= 8765
# Two processes; idle ones take work from busy ones (the browser tests are long and uneven).
PYTEST_ARGS ?= -n 2 --dist worksteal
EMULATOR_ARGS ?=
SYNC_PATH := calendar_api/services/sync.py calendar_api/services/instances.py calendar_api/services/instance_build.py calendar_api/services/tokens.py calendar_api/google calendar_api/kits/prefetch.py calendar_api/tasks.py calendar_api/jobs.py

.PHONY: help install browser migrate run emulator test test-dates lint docs format bench screenshots clean deploy-check dist quickstart-check nox

help:
	@echo "make run      set up .venv, migrate, start the Google emulator, a worker and the server"
	@echo "make test     set up .venv and run the whole test suite"
	@echo "make test-dates  the tests again under each pinned date of tests/dates.txt"
	@echo "make lint     ruff (lint + format check), mypy and the import layers (import-linter)"
	@echo "make docs     build the documentation site (docs/, mkdocs.yml) into site/, strict"
	@echo "make emulator run only the Google emulator on $(HOST):$(EMULATOR_PORT)"
	@echo "make bench    run the benchmarks in bench/"
	@echo "make screenshots  write the README's and the first five minutes' screenshots (docs/screenshots/)"
	@echo "make deploy-check  a release with production settings on a fresh PostgreSQL database"
	@echo "make dist     build the app's and the emulator's wheels and sdists into dist/, and check them"
	@echo "make quickstart-check  docs/quickstart.md run from the wheels in dist/, in a fresh virtualenv"
	@echo "make nox      the quickstart check on each supported Django and Python (noxfile.py)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The web calendar's script: FullCalendar and our code from calendar_api/frontend/, bundled by
# esbuild into the static folder (not committed). Needs Node.js and npm.
NPM ?= npm
BUNDLE := calendar_api/static/calendar_api/build/calendar.js
FRONTEND := $(wildcard calendar_api/frontend/src/*.js) calendar_api/frontend/build.mjs

node_modules/.installed: package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "npm is missing: install Node.js 18+ and npm (Debian: apt-get install nodejs npm)."; exit 1; }
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

$(BUNDLE): node_modules/.installed $(FRONTEND)
	$(NPM) run --silent build

install: $(VENV)/.installed $(BUNDLE)

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's 'chromium' package for the browser tests."; fi; }

migrate: install
	$(PY) manage.py migrate --noinput

# Ports and URLs follow HOST/PORT/EMULATOR_PORT (`make run PORT=8100 EMULATOR_PORT=8865`);
# calendar_project/run.sh runs the Procfile under honcho and ends cleanly on Ctrl-C (exit 0).
# Its honcho reads no .env (`-e /dev/null`): these exported URLs win over a .env file (Django
# still reads .env for everything else).
run: export HOST := $(HOST)
run: export EMULATOR_PORT := $(EMULATOR_PORT)
run: export EMULATOR_ARGS := $(EMULATOR_ARGS)
run: export PUBLIC_BASE_URL := http://$(HOST):$(PORT)
run: export GOOGLE_REDIRECT_URI := http://$(HOST):$(PORT)/rest/v1/calendar/redirect/
run: export GOOGLE_EMULATOR_URL := http://$(HOST):$(EMULATOR_PORT)
run: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
run: export PYTHONUNBUFFERED := 1
# Webhooks may go to a receiver on this machine (http, loopback): never so in production.
run: export WEBHOOKS_ALLOW_PRIVATE_URLS ?= true
run: export LOG_FORMAT := text
run: migrate
	@PY=$(PY) HONCHO=$(VENV)/bin/honcho PORT=$(PORT) exec calendar_project/run.sh  # exec: no sh between make and the script (a shell would die of the Ctrl-C)

emulator: install
	$(PY) -m google_emulator --host $(HOST) --port $(EMULATOR_PORT) $(EMULATOR_ARGS)

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite once per line of tests/dates.txt, with the clock pinned there (TEST_NOW; see
# tests/support/clock.py): every test but those marked real_clock, whose processes of their
# own live on the real date. Every date runs; the target fails if one did. Left out for time
# (they still run in make test): bad input, ownership, the webhook endpoints' API and the
# schema's fuzzing, whose tests do no date arithmetic (about 40 s of test time per date), and
# the recurrence corpus, whose every window is written out (about 15 s per date). Tests marked
# one_way_per_date run in one locale and width per date (tests/conftest.py).
DATES ?= tests/dates.txt
DATES_PYTEST_ARGS ?= $(PYTEST_ARGS) \
  --ignore=tests/calendar_api/api/test_api_schema.py \
  --ignore=tests/calendar_api/api/test_api_validation.py \
  --ignore=tests/calendar_api/api/test_api_isolation.py \
  --ignore=tests/calendar_api/api/test_api_webhooks.py \
  --ignore=tests/recurrence
test-dates: install browser
	@failed=""; for now in $$(sed -e 's/#.*//' $(DATES)); do \
	  start=$$(date +%s); echo "== TEST_NOW=$$now"; \
	  TEST_NOW=$$now $(PY) -m pytest -p no:cacheprovider -q $(DATES_PYTEST_ARGS) || failed="$$failed $$now"; \
	  echo "== TEST_NOW=$$now: $$(( $$(date +%s) - start )) s"; \
	done; [ -z "$$failed" ] || { echo "Failed under:$$failed"; exit 1; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	@# The sync path stays simple: no function of cyclomatic complexity C (11) or worse (radon).
	@out="$$($(VENV)/bin/radon cc -n C $(SYNC_PATH))"; test -z "$$out" || { echo "$$out"; exit 1; }

# The documentation site (MkDocs + Material, nothing loaded from the internet); --strict fails on
# a broken link or a page missing from the navigation. Needs only the Python tools.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A release on this machine: needs a PostgreSQL server (DEPLOY_CHECK_DATABASE_URL or DATABASE_URL).
deploy-check: install
	bash deploy/check.sh

# The two distributions (the root pyproject.toml: the app; packaging/emulator/: the emulator),
# wheels and sdists, into dist/. The app's wheel carries the built web bundle, so it is built
# first; installing the wheel needs no Node. Then check-wheel-contents (configured in each
# pyproject.toml), and packaging/check_wheels.sh installs both wheels in a fresh virtualenv.
dist: $(VENV)/.installed $(BUNDLE)
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m build --outdir dist packaging/emulator
	$(VENV)/bin/check-wheel-contents --config pyproject.toml dist/django_gcal_sync-*.whl
	$(VENV)/bin/check-wheel-contents --config packaging/emulator/pyproject.toml dist/google_calendar_emulator-*.whl
	PYTHON=$(PYTHON) bash packaging/check_wheels.sh

# docs/quickstart.md, run as a new user would from the wheels of `make dist` (run it first), in a
# fresh virtualenv outside the repository: startproject, the page's blocks appended, migrate,
# check, the emulator, a worker and the server, the OAuth flow, a week through the Python API and
# the REST API, and a host's own pytest file; with Django's user model and an e-mail one.
quickstart-check:
	$(PYTHON) packaging/quickstart_check.py

# The same check on each supported Django and Python (noxfile.py: its sessions install the wheels
# of dist/), nox from the dev requirements. NOX_ARGS picks sessions: NOX_ARGS="-s django52-3.11".
NOX_ARGS ?=
nox: $(VENV)/.installed
	$(VENV)/bin/nox $(NOX_ARGS)

bench: migrate
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The README's screenshots of the web calendar and the first five minutes' (docs/screenshots/),
# taken in Chromium.
screenshots: install browser
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache node_modules calendar_api/static/calendar_api/build site dist
