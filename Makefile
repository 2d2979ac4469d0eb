# The two commands of the README:
#   make run    install what is needed, migrate, load the region and demo data, serve on :8000
#   make test   install what is needed (with test extras) and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres install lint bench-deps browser

$(STAMP): pyproject.toml constraints.txt package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jangkau demo
	$(BIN)/jangkau serve

# Browser tests drive Debian's Chromium (downloaded browsers do not run here); install it
# when missing. Without it (no root, no apt) the browser tests say that they skip.
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "warning: could not install chromium; browser tests will skip" >&2

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# The database tests again, against PostgreSQL (CI runs this after `make test`).
test-postgres: $(STAMP)
	JANGKAU_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -m db

bench-deps: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bench]'

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
