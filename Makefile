# Two entry points that work on a fresh machine with only python3:
#   make demo   set up .venv and run the main job (figures into out/)
#   make test   set up .venv, lint and format-check (ruff), run the whole test suite
#   make notebooks  set up .venv with JupyterLab and open notebooks/ in it
#   make bench  set up .venv-bench (+ PyTorch CPU, scikit-learn) and run benchmarks/ (RESULTS.md)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format clean bench notebooks docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/scratchnn all --out out
	$(VENV)/bin/scratchnn report --out out

NB_STAMP := $(VENV)/.notebooks

$(NB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[notebooks]'
	touch $(NB_STAMP)

notebooks: $(NB_STAMP)
	$(VENV)/bin/jupyter lab notebooks/

test: lint
	MPLBACKEND=Agg $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks examples
	$(VENV)/bin/ruff format --check src tests benchmarks notebooks examples

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests benchmarks notebooks examples
	$(VENV)/bin/ruff format src tests benchmarks notebooks examples

# Benchmarks get their own venv so that torch never enters .venv (test/demo stay as they are).
BENCH_VENV  := .venv-bench
BENCH_PY    := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet -e . -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow a
# current NumPy: unset for this command only; RESULTS.md records the BLAS kernel that ran.
bench: $(BENCH_STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BENCH_PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) out build src/*.egg-info .pytest_cache

# The documentation site (docs/, Sphinx): the notebooks executed, warnings as errors.
DOCS_STAMP := $(VENV)/.docs

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	MPLBACKEND=Agg $(PY) -m sphinx -W --keep-going -b html docs docs/_build/html
