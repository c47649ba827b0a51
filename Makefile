# Two entry points that work on a fresh machine with only python3:
#   make demo   set up .venv with the core package alone and run the main job (figures into out/)
#   make test   set up .venv (+ test, Dask, docs, torch, onnx extras; constraints.txt pins torch), lint, format-check, types, the whole suite
#   make check  the quick loop: lint, format check, types and the fast tier (tests not marked slow)
#   make docs   build the documentation site into docs/_build/html (warnings are errors)
#   make dist   build the sdist and the wheel and check them as CI does
#   make notebooks  set up .venv with JupyterLab and open notebooks/ in it
#   make bench  set up .venv-bench (+ PyTorch CPU, scikit-learn) and run benchmarks/ (RESULTS.md)
#   make check-minimum  the fast tier in .venv-min, each dependency at its lowest allowed version
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo check test lint types format clean bench notebooks docs check-minimum

# The interop extras (torch, onnx) too: their tests and the notebooks' PyTorch section run in
# `make test` and `make docs`. constraints.txt pins torch to its CPU build (not the CUDA one).
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dask,docs,torch,onnx]' -c constraints.txt
	touch $(STAMP)

# make demo installs the core package alone, with its own stamp: no test or Dask extras (those
# come with make test / make check), so a fresh clone's first run is quick.
DEMO_STAMP := $(VENV)/.installed-core

$(DEMO_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(VENV)/bin/scratchnn all --out out
	$(VENV)/bin/scratchnn report --out out

NB_STAMP := $(VENV)/.notebooks

$(NB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[notebooks]'
	touch $(NB_STAMP)

notebooks: $(NB_STAMP)
	$(VENV)/bin/jupyter lab notebooks/

# pytest-xdist workers for `check` and `test` (`make test WORKERS=auto`: one per core).
WORKERS ?= 2
# The quick loop: lint, format check, types and the fast tier (every test not marked `slow`:
# notebook kernels, the browser, the Dask cluster, child processes, sweeps).
check: lint types
	MPLBACKEND=Agg $(PY) -m pytest -q -m "not slow" -n $(WORKERS) --dist loadscope

# Everything (CI's command): lint, format check, types, the whole suite in parallel, a module's
# tests on one worker (module fixtures, the cluster, the browser set up once), the 15 slowest
# tests listed; then the tests that start Jupyter kernels (the notebooks, the docs build) in a
# process of their own: kernels started from two workers at once hung a run.
test: lint types
	MPLBACKEND=Agg $(PY) -m pytest -q -n $(WORKERS) --dist loadscope --durations=15 -m "not kernels"
	MPLBACKEND=Agg $(PY) -m pytest -q --durations=5 -m kernels

types: $(STAMP)
	$(VENV)/bin/mypy

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks examples
	$(VENV)/bin/ruff format --check src tests benchmarks notebooks examples

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests benchmarks notebooks examples
	$(VENV)/bin/ruff format src tests benchmarks notebooks examples

# Benchmarks get their own venv (PyTorch there with the same pin as .venv's, constraints.txt).
BENCH_VENV  := .venv-bench
BENCH_PY    := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt constraints.txt
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet -e . -r benchmarks/requirements.txt -c constraints.txt
	touch $(BENCH_STAMP)

# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow a
# current NumPy: unset for this command only; RESULTS.md records the BLAS kernel that ran.
bench: $(BENCH_STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BENCH_PY) -m benchmarks $(BENCH_ARGS)

# make dist: the sdist and the wheel in dist/, checked as CI does (.ci/check_wheel.sh: twine,
# the wheel installed into a throwaway venv and its commands run there).
.PHONY: dist
dist:
	PYTHON=$(PYTHON) .ci/check_wheel.sh --dist dist

# make check-minimum: the fast tier against the lowest versions pyproject.toml allows, in its own
# venv (uv's --resolution lowest-direct: each direct dependency at its declared minimum, the
# test, Dask and onnx extras too), so that a minimum that stopped working is found here, not by
# a user. Not part of `make test`. The venv is made afresh when pyproject.toml changes (uv keeps
# installed versions that satisfy it). Left out: the torch extra (PyPI's torch is a multi-GB
# CUDA build). DeprecationWarnings are ignored (child processes too): old releases call their
# dependencies' newest deprecated names (matplotlib 3.8: pyparsing 3.3's parseString).
MIN_VENV  := .venv-min
MIN_PY    := $(MIN_VENV)/bin/python
MIN_STAMP := $(MIN_VENV)/.installed

$(MIN_STAMP): pyproject.toml
	rm -rf $(MIN_VENV)
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_PY) -m pip install --quiet uv
	$(MIN_VENV)/bin/uv pip install --quiet --python $(MIN_PY) --resolution lowest-direct \
		-e '.[test,dask,onnx]'
	touch $(MIN_STAMP)

check-minimum: $(MIN_STAMP)
	PYTHONWARNINGS=ignore::DeprecationWarning MPLBACKEND=Agg \
		$(MIN_PY) -m pytest -q -p no:cacheprovider -m "not slow and not kernels"

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(MIN_VENV) out build dist src/*.egg-info .pytest_cache .mypy_cache
	rm -rf docs/_build docs/api docs/series/*.ipynb

# The documentation site (docs/, Sphinx; its packages come with the test extras, since the
# tests build it and open it in a browser): the notebooks executed, warnings as errors.
docs: $(STAMP)
	MPLBACKEND=Agg $(PY) -m sphinx -W --keep-going -b html docs docs/_build/html
