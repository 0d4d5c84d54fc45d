# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package and its hashes, for Python 3.11 (pip-compile); `make lock` updates it.
LOCK := requirements.lock

.PHONY: run test lint lock migrate clean playground

# Exactly the locked versions (pip refuses a file whose hash differs), then Stegvis itself,
# built with the locked setuptools.
$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check  # a dependency in pyproject.toml missing from the lock: `make lock`
	touch $(STAMP)

# After changing dependencies in pyproject.toml, or to take newer versions (`--upgrade`, or
# `--upgrade-package NAME` in LOCK_ARGS): resolve again and write the lock with hashes.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links $(LOCK_ARGS) -o $(LOCK) pyproject.toml

run: $(STAMP)
	$(BIN)/python -m bot serve --migrate

# Bot and Microsoft 365 Agents Playground, Swedish, the Playground's user as first admin.
playground: $(STAMP)
	scripts/playground.sh

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

# One pytest-xdist worker per core on both engines (at most 8: each may hold 4 PostgreSQL
# connections), an idle worker taking tests queued for another (README "Running the tests");
# XDIST= runs the suite in one process.
XDIST ?= -n auto --maxprocesses 8 --dist worksteal

# The suite, then the tests marked `serial` alone; exit code 5 is "nothing selected", when
# PYTEST_ARGS picks tests of only one kind.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(XDIST) -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -q -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache stegvis.db playground.db
