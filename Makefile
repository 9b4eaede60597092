# Two entry points for a fresh machine: `make run` starts the app, `make test` runs every test.
# Both install what they need (virtual environment, Python packages, Chromium for browser tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501
# make run HOST=0.0.0.0: every interface (other machines may connect)
HOST   ?= localhost
# make serve: this many app processes behind HAProxy (default: one per core)
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# Test files run on two workers: a browser test spends most of its time waiting for the page,
# so two files at once share this 2-core machine well (each file keeps its own app server).
TEST_WORKERS ?= 2

.PHONY: run serve test unit e2e bench system-deps clean-db help

help:
	@echo "make run    start the app at http://localhost:$(PORT) and its API at /api/v1, on data/tracker.db (demo data on first start)"
	@echo "make serve  the same with $(WORKERS) app processes behind HAProxy (installs it): many people at once"
	@echo "make test   run the whole test suite, browser tests included (installs Chromium and LibreOffice)"
	@echo "make bench  benchmark at 1,000 / 10,000 / 50,000 parties (prints a table; see docs/benchmarks.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# the screens and the API (/api/v1) in one process on one port
run: $(STAMP)
	$(BIN)/tracker serve --host $(HOST) --port $(PORT)

# the same, WORKERS processes on the one database behind HAProxy (sticky sessions by cookie)
serve: $(STAMP) system-deps
	$(BIN)/tracker serve --workers $(WORKERS) --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (Playwright's own browser download is not reachable
# here); LibreOffice prints the generated workbooks and documents to PDF for the tests that read
# them as a reader would, with Japanese fonts so that lines wrap as they do on a user's machine.
# HAProxy fronts make serve's processes (and its browser test).
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk haproxy
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1 && fc-list | grep -q "Noto Sans CJK" \
		&& { command -v haproxy || test -x /usr/sbin/haproxy; } >/dev/null 2>&1 \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); }

test: $(STAMP) system-deps
	$(BIN)/ruff check tracker pages tests app.py
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

unit: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not e2e"

e2e: $(STAMP) system-deps
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile -m e2e

# Builds synthetic registries in a temporary folder (about 1 GB at 50,000 parties) and prints one table.
bench: $(STAMP) system-deps
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

clean-db:
	rm -f data/tracker.db data/tracker.db-wal data/tracker.db-shm
