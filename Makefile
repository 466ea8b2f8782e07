# Maatpact: every set-up step on a fresh machine (Python 3.11+, no services needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOUSEHOLDS ?= 60
export PYTHONPATH := src

.PHONY: demo test test-sqlite test-postgres lint format e2e e2e-tools bench bench-growth load install migrate seed serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

var:
	mkdir -p var

migrate: $(STAMP) var
	MAATPACT_DEMO=1 $(BIN)/maatpact migrate --noinput -v0

seed: migrate
	MAATPACT_DEMO=1 $(BIN)/maatpact seed --households $(DEMO_HOUSEHOLDS) --if-empty --no-progress

demo: seed
	@echo ""
	@echo "Maatpact draait op http://127.0.0.1:8000 (stoppen met Ctrl-C)"
	MAATPACT_DEMO=1 DEBUG=1 $(BIN)/maatpact runserver 127.0.0.1:8000

# The whole suite on SQLite, and again on PostgreSQL when DATABASE_URL points at one.
test: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest -q -m "not e2e" -n 2
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== again on $$DATABASE_URL"; \
		$(BIN)/pytest -q -m "not e2e"; \
	fi

# Real-browser journeys with accessibility scans: Debian's chromium (installed with apt
# when missing, never a downloaded browser) and axe-core from npm.
e2e: $(STAMP) e2e-tools
	env -u DATABASE_URL $(BIN)/pytest -q -m e2e tests/e2e

e2e-tools: node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
		echo "== chromium ontbreekt: installeren met apt"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
	touch $@

# Load test against gunicorn (needs DATABASE_URL for PostgreSQL; see docs/load.md).
load: $(STAMP)
	$(BIN)/python bench/load.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) var build src/*.egg-info node_modules tests/e2e/artifacts

# Benchmarks (not part of `make test`): PostgreSQL with a seeded national-scale region.
BENCH_DB ?= maatpact_bench
BENCH_HOUSEHOLDS ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)

bench: $(STAMP)
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 || \
		psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_DATABASE_URL) MAATPACT_DEMO=1 $(BIN)/maatpact migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) MAATPACT_DEMO=1 $(BIN)/maatpact seed --households $(BENCH_HOUSEHOLDS) --years 5 --if-empty
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/pages.py

# The same benchmark at 10,000, 30,000 and 100,000 households (one database each, seeded
# once), then the growth table of every page across the sizes. A missed target does not
# stop the next size (the `-`); the table shows it.
bench-growth: $(STAMP)
	-$(MAKE) bench BENCH_HOUSEHOLDS=10000 BENCH_DB=maatpact_bench_10k
	-$(MAKE) bench BENCH_HOUSEHOLDS=30000 BENCH_DB=maatpact_bench_30k
	-$(MAKE) bench
	$(BIN)/python bench/growth.py --sizes 10000 30000 100000
