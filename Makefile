# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each installs what is missing (virtualenv, Python packages, system packages, catalogs).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= var
export TRUSTWIDGETS_DATA ?= $(DATA)

PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FAST     := not browser and not postgres and not nginx and not s3 and not rsync and not slow
# Tests run in JOBS processes (pytest-xdist); each starts its own Chromium, PostgreSQL and S3 server.
# Each process takes whole test files (--dist loadfile), so a file's module fixtures (a build, a
# service, nginx, a browser tab) are made once, not once in each process: 50 CPU-s less a run.
# Files come in the order conftest.py gives them (the long ones first), not by number of tests.
JOBS     ?= 2
DIST     := --dist loadfile --no-loadscope-reorder
# pytest loads only the plugins the suite uses. Autoloaded, every module of every package that
# ships a pytest plugin (schemathesis, hypothesis, anyio, …: some 1,200 files) is marked for
# assertion rewriting and rewritten again at each start when bytecode is not written
# (PYTHONDONTWRITEBYTECODE): 10 s of collection per process instead of 3–5 s.
# Bytecode is cached under the virtualenv (not beside the sources) even where the environment
# sets PYTHONDONTWRITEBYTECODE: the tests start the service and the CLI some hundreds of times,
# and each start would compile our modules and the test modules anew (about 15 % of the
# Python CPU time of make test).
PYTEST   := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache \
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -p xdist.plugin -p _hypothesis_pytestplugin -p schemathesis.pytest.plugin

.PHONY: run test test-fast install install-test catalogs extract system-packages bench lighthouse soak mutate clean

run: install
	@if [ ! -f "$(TRUSTWIDGETS_DATA)/store.sqlite3" ]; then $(BIN)/trustwidgets demo; fi
	$(BIN)/trustwidgets serve --host $(HOST) --port $(PORT) --access-log

test: install-test system-packages
	$(PYTEST) -n $(JOBS) $(DIST)

# The fast layer: pure and in-process tests, no real browser, database, nginx, S3 or rsync and
# nothing slow (docs/testing.md); it needs no system package.
test-fast: install-test
	$(PYTEST) -n $(JOBS) $(DIST) -m "$(FAST)"

# Serving needs only the package; the tests pull their own tools on top.
install: $(VENV)/.installed catalogs

install-test: install $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

catalogs: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages -l $* >/dev/null

# Re-extract the template strings into messages.pot and merge them into every catalog.
extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header \
		-o locales/messages.pot widget_templates widget_server
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching

# Debian's Chromium for the browser tests (Playwright drives it via executable_path),
# nginx-light, which serves the static build in the tests, rsync, which copies it, and
# postgresql, whose initdb/pg_ctl the store's tests use for a throw-away cluster.
system-packages:
	@command -v chromium >/dev/null && command -v nginx >/dev/null && command -v rsync >/dev/null && \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		chromium fonts-dejavu-core nginx-light rsync postgresql; }

# Benchmarks (bench/run.py) write docs/benchmarks.md; they need wrk and nginx.
bench: install-test
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk nginx-light; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# What the loader costs a mobile product page (npm lighthouse, pinned, into bench/node/);
# writes its section of docs/benchmarks.md.
lighthouse: install-test system-packages
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

# Load while changing (10 minutes; SOAK_SECONDS=60 for a short run); writes docs/benchmarks.md.
soak: install-test
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.soak

# Mutation testing of the pure core with its fast unit tests (docs/testing.md); both cores.
mutate: install-test
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	$(BIN)/python -m tests.mutation

clean:
	rm -rf $(VENV) $(MO_FILES) .pytest_cache .hypothesis mutants
