# The two commands a newcomer needs: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORTAL_DATA_DIR ?= var
PORTAL_PORT ?= 8000
export PORTAL_DATA_DIR PORTAL_PORT

.PHONY: run test install install-test translations extract-translations migrate demo browser oidc-node clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations

extract-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i portal/translations/messages.pot -d portal/translations

run: translations
	PORTAL_ENV=development $(BIN)/portal migrate
	@if [ ! -f "$(PORTAL_DATA_DIR)/.demo-loaded" ]; then PORTAL_ENV=development $(BIN)/portal demo && touch "$(PORTAL_DATA_DIR)/.demo-loaded"; fi
	PORTAL_ENV=development $(BIN)/portal serve

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "make test: Debian's chromium is missing and cannot be installed here (apt-get install chromium)"; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

oidc-node: tests/oidc_provider/node_modules/.package-lock.json

tests/oidc_provider/node_modules/.package-lock.json: tests/oidc_provider/package-lock.json
	cd tests/oidc_provider && npm ci --silent --no-audit --no-fund
	touch $@

# The whole suite on SQLite (browser tests included) and, at the same time on the other core, every
# database test again on PostgreSQL (its output is shown when it ends). Fails if either pass fails.
test: install-test translations browser oidc-node
	@pg_log=$$(mktemp); pg_pid=; \
	if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest -q -m postgres --basetemp="$$pg_log.tmp" >"$$pg_log" 2>&1 & pg_pid=$$!; \
	elif command -v pg_virtualenv >/dev/null 2>&1; then \
		pg_virtualenv -o shared_buffers=64MB sh -c 'PORTAL_TEST_DATABASE_URL=postgresql:///postgres $(BIN)/pytest -q -m postgres --basetemp="$$0"' "$$pg_log.tmp" >"$$pg_log" 2>&1 & pg_pid=$$!; \
	elif [ "$$CI" = "true" ]; then \
		echo "make test: no PostgreSQL (pg_virtualenv missing and PORTAL_TEST_DATABASE_URL unset)"; exit 1; \
	else \
		echo "make test: PostgreSQL tests NOT run: install postgresql (pg_virtualenv) or set PORTAL_TEST_DATABASE_URL"; \
	fi; \
	echo "== SQLite: every test"; \
	env -u PORTAL_TEST_DATABASE_URL $(BIN)/pytest -q; sqlite_rc=$$?; \
	pg_rc=0; \
	if [ -n "$$pg_pid" ]; then wait $$pg_pid; pg_rc=$$?; echo "== PostgreSQL: every database test"; cat "$$pg_log"; fi; \
	rm -rf "$$pg_log" "$$pg_log.tmp"; \
	[ $$sqlite_rc = 0 ] && [ $$pg_rc = 0 ]

clean:
	rm -rf $(VENV) var tests/oidc_provider/node_modules
