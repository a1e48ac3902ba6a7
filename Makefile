# Standing on a model's shoulders: transfer learning, taught.
#
# Two commands are all a new user needs (see README.md):
#   make lab    install everything into .venv and open JupyterLab on notebooks/
#   make test   install the test extras and run the whole test suite
# `make help` lists the rest.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:  # `make test` runs the unit tests first, then the notebooks

# The Python used to create the virtual environment (3.10 to 3.13),
# e.g. `make lab PYTHON=python3.11`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
# The project's JupyterLab server extension (helpers/lab.py: photo uploads up to
# 100 MiB, saved notebooks keep widget pictures), enabled in .venv by this file.
LAB_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/helpers.lab.json

# Notebooks of the series, in order, then the Korean edition (notebooks/ko/, made from them by
# tools/translations.py); student copies in notebooks/student/ are not part of it.
SERIES := $(sort $(wildcard notebooks/[0-9]*.ipynb)) $(sort $(wildcard notebooks/ko/[0-9]*.ipynb))
SANITIZE := tests/nbval_sanitize.cfg
NBVAL_OPTIONS := -p tests.conftest --nbval --nbval-current-env --nbval-sanitize-with $(SANITIZE) --nbval-kernel-startup-timeout 120
PYTEST_OPTIONS := -ra -p no:cacheprovider
# The unit tests run in this many processes (pytest-xdist), each test file in one
# of them; `make test-unit TEST_WORKERS=0` runs them all in this process.
TEST_WORKERS ?= 2
XDIST_OPTIONS := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
# JupyterLab refuses to start as root (e.g. in a container) unless told it is fine.
LAB_OPTIONS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

# Quiet, repeatable TensorFlow in every process started from here (kernels inherit it).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: help lab install install-test test test-unit test-notebooks notebooks bench bench-photos slides translations student clean distclean

help: ## list the commands
	@echo "Usage: make <command>"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 18

lab: $(INSTALLED) $(LAB_CONFIG) ## install everything into .venv (once) and open JupyterLab on notebooks/
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(LAB_OPTIONS)

install: $(INSTALLED) $(LAB_CONFIG) ## only install: requirements.txt and the helpers package into .venv

test: test-unit test-notebooks ## install the test extras (once) and run the whole test suite

install-test: $(TEST_INSTALLED) ## only install: the test extras (requirements-test.txt) as well

test-unit: $(TEST_INSTALLED) ## unit tests, stored-notebook checks and the other tests in tests/
	$(PY) -m pytest $(PYTEST_OPTIONS) $(XDIST_OPTIONS) tests

test-notebooks: $(TEST_INSTALLED) ## strict nbval: run notebooks 01..07 (English, then Korean) and compare with their stored outputs
	@if [ -z "$(SERIES)" ]; then echo "No notebooks found (notebooks/[0-9]*.ipynb): nothing to check." >&2; exit 1; fi
	$(PY) -m pytest $(PYTEST_OPTIONS) $(NBVAL_OPTIONS) $(SERIES)

notebooks: $(INSTALLED) ## re-run every notebook (English, then Korean) in a fresh kernel and store its outputs (only some: NB=03)
	$(PY) tools/slide_metadata.py $(NB) && $(PY) tools/run_notebooks.py $(NB)

bench: $(INSTALLED) ## time the training, the lesson's numbers and each notebook; prints a BENCH line
	$(PY) tools/bench.py

bench-photos: $(INSTALLED) ## on real photos (PHOTOS=DIR; nothing without it): each notebook's time, numbers and what it said
	$(PY) tools/bench_photos.py $(PHOTOS)

slides: $(INSTALLED) ## write offline reveal.js slides of every notebook
	$(PY) tools/make_slides.py

translations: $(TEST_INSTALLED) ## gather the code's texts into the Korean catalogues, compile them, list what to translate
	$(PY) tools/translations.py messages && $(PY) tools/translations.py check

student: $(INSTALLED) ## build the student copies (solutions replaced by stubs)
	$(PY) tools/make_student.py

clean: ## remove only what the project made: data caches, the notebooks' models, build and test output (list: tools/clean.py)
	@$(if $(wildcard $(PY)),$(PY),$(PYTHON)) tools/clean.py

distclean: clean ## also remove the virtual environment .venv and node_modules/
	rm -rf $(VENV) node_modules

# --- installation ----------------------------------------------------------------
# The stamp files remember a finished install; they are older than the files they
# depend on only when requirements or pyproject.toml change, and then pip runs again.

$(VENV)/bin/pip:
	@$(PYTHON) -c 'import sys' 2>/dev/null || { \
		echo "Cannot run '$(PYTHON)'. Install Python 3.10, 3.11, 3.12 or 3.13 first," >&2; \
		echo "or name yours: make lab PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' || { \
		echo "This project needs Python 3.10, 3.11, 3.12 or 3.13 (TensorFlow 2.21 supports those);" >&2; \
		echo "'$(PYTHON)' is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())')." >&2; \
		echo "Install a supported Python and name it, e.g.: make lab PYTHON=python3.11" >&2; exit 1; }
	@echo "Creating the virtual environment $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@$(PYTHON) -m venv $(VENV) && test -x $(VENV)/bin/pip || { rm -rf $(VENV); \
		echo "Could not create a virtual environment. On Debian or Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }

$(INSTALLED): requirements.txt pyproject.toml | $(VENV)/bin/pip
	$(PIP) install -r requirements.txt -e .
	@touch $@

$(LAB_CONFIG): jupyter-config/jupyter_server_config.d/helpers.lab.json $(INSTALLED)
	$(PY) -m helpers.lab

$(TEST_INSTALLED): requirements-test.txt $(INSTALLED) | $(LAB_CONFIG)
	$(PIP) install -r requirements-test.txt
	@touch $@
