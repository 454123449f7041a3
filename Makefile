# Every target builds what it needs: a fresh clone runs `make demo` or `make test` directly.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.dev-stamp
HOGO_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export HOGO_TEST_POSTGRES_URL

.PHONY: demo test test-fast test-browser bench lint fix clean

# The demo needs only hogo itself; tests, lint and benchmarks add the dev and bench extras.
$(RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME)

# pycanon checks anonymised outputs independently in the tests. It pins exact versions of
# typing_extensions and typer that pydantic and hogo cannot use, and its anonymity checks import
# only numpy and pandas (in the dev extras), so it is installed without its pins.
$(STAMP): $(RUNTIME)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m pip install --quiet --no-deps 'pycanon==1.3.6'
	touch $(STAMP)

demo: $(RUNTIME)
	$(VENV)/bin/hogo demo

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -m "not slow and not browser and not postgres"

test-browser: $(STAMP)
	$(PY) -m pytest -m browser

bench: $(STAMP)
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fix: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache
