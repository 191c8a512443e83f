# The two commands of the README: `make test` and `make run`. Each builds .venv first if needed.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
PROFILE ?= quick
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]*.ipynb))
# make test runs the notebooks with one torch thread: on a quiet 2-core machine that costs ~10% (lab 01 55 -> 59 s,
# lab 06 64 -> 71 s), and it keeps timings stable when anything else uses the cores, where two spinning OpenMP
# threads slow small ops 3-20x (lab 01: 236 s). `make test TEST_THREADS=2` to override. See README, "Threads".
TEST_THREADS ?= 1

.PHONY: venv test unit notebooks run report lab release grade clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## make test: every notebook under nbval (quick profile), then the unit tests (some grade released notebooks,
## which read the word vectors lab 01 has just written)
test: $(STAMP)
	LABS_PROFILE=quick LABS_THREADS=$(TEST_THREADS) MPLBACKEND=Agg $(PY) -m pytest $(NOTEBOOKS) tests --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=900 -p no:cacheprovider --durations=10 -q

unit: $(STAMP)
	$(PY) -m pytest tests -q

## make run [PROFILE=quick|full]: execute every notebook headless into executed/<profile>/
run: $(STAMP)
	LABS_PROFILE=$(PROFILE) $(PY) tools/run_notebooks.py --out executed/$(PROFILE) $(NOTEBOOKS)

## make report [PROFILE=quick|full]: run every notebook, keep HTML copies in reports/<profile>/, write reports/summary.md
report: $(STAMP)
	LABS_PROFILE=$(PROFILE) $(PY) tools/report.py --out reports $(NOTEBOOKS)

## make release: student versions of every notebook in release/ (solutions, hidden tests and outputs removed)
release: $(STAMP)
	$(PY) tools/release.py --out release $(NOTEBOOKS)

## make grade NB=path/to/notebook.ipynb: run a (student's) notebook in the quick profile and score its graded cells
grade: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make grade NB=path/to/notebook.ipynb"; exit 2; }
	LABS_PROFILE=quick $(PY) tools/grade.py "$(NB)"

## make lab: JupyterLab on the notebooks
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks

clean:
	rm -rf executed results release reports .pytest_cache
