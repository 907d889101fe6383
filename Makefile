# Relais: `make demo` and `make test` set everything up from a fresh clone.
# Needs only Python 3.11, Node.js with npm, and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/*/pyproject.toml)
LOCALES := $(wildcard lms/locale courses/locale plugins/*/*/locale)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test setup lint format migrate translations tools clean bench ralph

# HOST and PORT: where the demo is served, and the address of every link it e-mails.
demo: setup migrate
	$(BIN)/python manage.py seed_demo --hostname $(HOST) --port $(PORT)
	@echo "Relais runs on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	@mkdir -p var
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py makemigrations --check --dry-run --settings=lms.settings.test
	$(BIN)/pytest

setup: tools $(VENV)/.installed node_modules/.installed translations ralph

tools:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: install python3.11 and try again."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "Relais needs Python 3.11; $(PYTHON) is $$($(PYTHON) --version). Set PYTHON=/path/to/python3.11."; exit 1; }
	@command -v npm >/dev/null || { echo "Node.js and npm are needed (for the H5P player): install them and try again."; exit 1; }

$(VENV)/.installed: pyproject.toml $(PLUGINS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $@

# Ralph, the open-source LRS the statement forwarding is tested against, in a
# virtualenv of its own: its pinned dependencies (FastAPI, bcrypt…) are not ours.
# Its "lrs" extra forgets `requests`, which its auth module imports.
RALPH_VENV := var/ralph-venv
ralph: $(RALPH_VENV)/.installed

$(RALPH_VENV)/.installed:
	@mkdir -p var
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' requests
	touch $@

# h5p-standalone's preinstall demands yarn; it needs no install script at all.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

translations: $(VENV)/.installed
	@for dir in $(LOCALES); do $(BIN)/pybabel -q compile -D django -d $$dir || exit 1; done

migrate: setup
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

# lint-imports holds the layering of [tool.importlinter] in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules var

# Benchmarks on PostgreSQL (see docs/performance.md); seeds relais_bench once.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/relais_bench
bench: setup
	@psql "$(BENCH_DATABASE_URL:/relais_bench=/postgres)" -tc "SELECT 1 FROM pg_database WHERE datname='relais_bench'" | grep -q 1 || \
		psql "$(BENCH_DATABASE_URL:/relais_bench=/postgres)" -c "CREATE DATABASE relais_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.h5p
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.quizzes
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.mentoring
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.skills
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.community
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.community_talk
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.recruitment
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.recruitment_time
