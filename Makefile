# The two commands of the README: `make test` and `make run`. Each builds .venv first if needed.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
PROFILE ?= quick
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]*.ipynb))
# make test runs on TEST_WORKERS pytest-xdist workers (default: one per core), each with one torch/BLAS thread:
# two spinning OpenMP pools on 2 cores slow PyTorch's small ops 3-20x, so threads x workers must not exceed the cores.
# Each notebook runs whole on one worker (root conftest.py groups its cells; labs 01-03 share a group because 02 and
# 03 read the vectors 01 writes). `make test TEST_WORKERS=1 TEST_THREADS=2` runs everything in one process.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_THREADS ?= 1

.PHONY: venv test unit notebooks run report lab formgrader release grade clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## make test: ruff (lint and format) on the Python code, then every notebook under nbval (quick profile) and the
## unit tests, spread over the cores
test: $(STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .
	LABS_PROFILE=quick LABS_THREADS=$(TEST_THREADS) OMP_NUM_THREADS=$(TEST_THREADS) MPLBACKEND=Agg \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(NOTEBOOKS) tests --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=900 -p no:cacheprovider --durations=10 -q

unit: $(STAMP)
	$(PY) -m pytest tests -q

## make run [PROFILE=quick|full]: execute every notebook headless into executed/<profile>/
run: $(STAMP)
	LABS_PROFILE=$(PROFILE) $(PY) -m tools.run_notebooks --out executed/$(PROFILE) $(NOTEBOOKS)

## make report [PROFILE=quick|full]: run every notebook, keep HTML copies in reports/<profile>/, write reports/summary.md
report: $(STAMP)
	LABS_PROFILE=$(PROFILE) $(PY) -m tools.report --out reports $(NOTEBOOKS)

## make release: nbgrader generate_assignment of every lab in the course directory course/ (README, "For instructors");
## the student versions (solutions, hidden tests and outputs removed) are copied to release/
release: $(STAMP)
	$(PY) -m tools.release --out release $(NOTEBOOKS)

## make grade NB=path/to/notebook.ipynb | SUBMISSIONS=folder [TIMEOUT=seconds per cell]: nbgrader autograde in course/
## (quick profile): one notebook, or a class folder <student>/<lab>/<lab>.ipynb -> course/scores.csv and feedback
TIMEOUT ?= 600
grade: $(STAMP)
	@test -n "$(NB)$(SUBMISSIONS)" || { echo "usage: make grade NB=path/to/notebook.ipynb" \
		"or make grade SUBMISSIONS=folder (folder/<student>/<lab>/<lab>.ipynb)"; exit 2; }
	$(PY) -m tools.grade $(if $(NB),"$(NB)",--submissions "$(SUBMISSIONS)") --timeout $(TIMEOUT)

## make lab: JupyterLab on the notebooks (as root, e.g. in a container, with --allow-root and a note saying so)
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: $(STAMP)
	@test -z "$(AS_ROOT)" || echo "note: running as root (a container?), so JupyterLab starts with --allow-root"
	$(VENV)/bin/jupyter lab $(AS_ROOT) notebooks

## make formgrader: JupyterLab in course/ for manual grading (menu Nbgrader > Formgrader; make release first)
formgrader: $(STAMP)
	@test -f course/nbgrader_config.py || { echo "no course/ yet: run make release or make grade first"; exit 2; }
	cd course && ../$(VENV)/bin/jupyter lab $(AS_ROOT)

clean:
	rm -rf executed results release reports .pytest_cache
