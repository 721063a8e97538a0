# Chaperon. `make run` serves the demo; `make test` runs every check. Both set up what they need.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/chaperon
CHROMIUM ?= /usr/bin/chromium

.PHONY: install install-dev run test lint typecheck test-sqlite test-postgres postgres redis chromium nginx coturn janus postgresql-client wrk node clean bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[dev]'
	touch $@

run: install
	$(VENV)/bin/chaperon serve --demo

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	fi

# Debian's nginx for the tests that put it in front of Chaperon (each runs its own, with its
# own configuration in a temporary folder); the system's nginx service is never started.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian's nginx for the tests (its service is not started)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends nginx; \
	fi

# Debian's coturn for the tests of media relayed through TURN (each runs its own turnserver on a
# free loopback port, with its own secret). The system's coturn service is never started: where
# systemd runs, the service Debian enables on installing is disabled and stopped at once.
coturn:
	@if ! command -v turnserver >/dev/null && [ ! -x /usr/bin/turnserver ]; then \
	  echo "Installing Debian's coturn for the tests (its service is not started)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends coturn && \
	  if [ -d /run/systemd/system ]; then $$sudo systemctl disable --now coturn >/dev/null 2>&1 || true; fi; \
	fi

# Debian's janus, the SFU of group sessions (docs/rooms.md): the tests run their own, and
# `chaperon serve` starts one itself when it is installed (`make run` works without it). The
# system's janus service is never started: where systemd runs, it is disabled and stopped.
janus:
	@if ! command -v janus >/dev/null && [ ! -x /usr/bin/janus ]; then \
	  echo "Installing Debian's janus for the SFU and its tests (its service is not started)"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends janus && \
	  if [ -d /run/systemd/system ]; then $$sudo systemctl disable --now janus >/dev/null 2>&1 || true; fi; \
	fi

# Debian's wrk, the HTTP load generator of bench/throughput.py.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmarks"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends wrk; \
	fi

# PostgreSQL's client tools (pg_dump, pg_restore) for `chaperon backup` and `chaperon restore`
# and their tests.
postgresql-client:
	@if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then \
	  echo "Installing Debian's postgresql-client for the backup tests"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends postgresql-client; \
	fi

node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

# Redis on 127.0.0.1:6379 for the tests of several WebSocket processes (the embedded default
# needs none).
redis:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { \
	  command -v redis-server >/dev/null || { \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends redis-server; }; \
	  echo "Starting Redis"; \
	  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no; \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; }

lint: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: install-dev
	$(VENV)/bin/mypy chaperon tests bench

test-sqlite: install-dev chromium nginx coturn janus redis node postgresql-client
	$(VENV)/bin/pytest

test-postgres: install-dev chromium nginx coturn janus redis node postgres postgresql-client
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

test: lint typecheck test-sqlite test-postgres

bench: install-dev postgres postgresql-client chromium wrk janus
	for name in audit policy vault concerns chronology rooms alerts_under_faults trust throughput pickers scale backup roster screening classroom webinar; do \
	  DATABASE_URL=$(PG_URL) $(PY) bench/$$name.py --quick || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var/test-*.sqlite3*
