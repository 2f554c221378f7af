# su7-slump: the front door.  `make help` lists the targets.
#
# Every target that runs code first makes sure .venv/ matches requirements.lock
# (created with the machine's `python3 -m venv` and pip; reinstalled only when
# the lock or pyproject.toml changes: the stamp file name carries their hash).
# Everything installed is in the lock, hashed, build backend included: the project
# itself (-e .) is built with the lock's setuptools (--no-build-isolation) and
# downloads nothing (--no-index).  docs/security.md says why and how to check.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
ENV_HASH := $(shell cat $(LOCK) pyproject.toml 2>/dev/null | sha256sum | cut -c1-12)
# Left out of the lock (pip-compile's --unsafe-package): rfc3987-syntax builds three Earley
# parsers (lark) at import, 2 s in every process that imports nbformat (each notebook run,
# nbconvert, nbval, JupyterLab); only jsonschema's optional "iri" format check uses it, which
# nothing here relies on.  Removed from a .venv an older lock installed it into.
LEFT_OUT := rfc3987-syntax lark
STAMP := $(VENV)/.installed-$(ENV_HASH)

# Kernels: the project's .venv share/jupyter comes first, so `python3` means
# this environment's ipykernel whatever Jupyter is on the PATH or in ~/.local.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Pipeline options: make run FORCE=1, make run ARGS="--through-week 2025-W19"
FORCE ?=
ARGS ?=
PYTEST_ARGS ?=
LAB_PORT ?= 8888
DAGSTER_PORT ?= 3000
# Dagster's instance (runs, event logs, schedules) lives in the project, git-ignored;
# its dagster.yaml (telemetry off) is the committed one.
DAGSTER_HOME_DIR := $(CURDIR)/.cache/dagster
DAGSTER_YAML := src/helpers/orchestration/dagster.yaml
DAGSTER := DAGSTER_HOME=$(DAGSTER_HOME_DIR) DAGSTER_DISABLE_TELEMETRY=1 $(VENV)/bin/dagster
# Tests run in parallel with pytest-xdist: WORKERS=0 runs them in one process.
# --dist loadscope keeps a module's tests on one worker, in order (module fixtures are
# built once; the longest modules are handed out first: tests/conftest.py), and for
# nbval each notebook's cells on one worker, in order, in one kernel.
# (Not loadgroup: with pytest 9.2 it silently stops grouping, pytest-xdist issue 1386.)
WORKERS ?= logical
XDIST := -n $(WORKERS) --dist loadscope --no-loadscope-reorder
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -n $(WORKERS) --dist loadscope

.PHONY: help venv validate run test test-fast test-vintages test-unit test-notebooks lab orchestrate materialize clean lock environment-yml audit

help: ## List the targets
	@echo "su7-slump: make <target>"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'
	@echo "Options: FORCE=1 (rerun every notebook), ARGS='...' (passed to the pipeline), PYTEST_ARGS='...', WORKERS=N (test processes; 0: one)"

venv: $(STAMP) ## Create or refresh .venv from requirements.lock (only when it changed)

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "su7-slump needs Python >= 3.11; found " + sys.version.split()[0])'
	@test -x $(PY) || { echo "creating $(VENV)/ with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing the locked environment into $(VENV)/ (requirements.lock)"
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-index --no-build-isolation --check-build-dependencies -e .
	@$(PY) -m pip uninstall --quiet --yes $(LEFT_OUT) 2>/dev/null || true
	@rm -f $(VENV)/.installed-*
	@touch $@

validate: venv ## Check data/raw against its schemas (no notebook runs)
	$(PY) -m helpers.validate

run: venv ## Validate data/raw, then run the notebooks in order (papermill)
	$(PY) -m helpers.validate
	$(PY) -m helpers.pipeline run $(if $(FORCE),--force) $(ARGS)

test: venv ## Every test: unit, doctests, slow pipeline and browser tests, then nbval over every notebook
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)
	$(PY) -m pytest $(NBVAL) notebooks $(PYTEST_ARGS)

test-fast: venv ## The edit-run loop: unit tests and doctests, no slow, browser or nbval tests
	$(PY) -m pytest -m "not slow" --ignore=tests/browser $(XDIST) $(PYTEST_ARGS)

test-vintages: venv ## Every past week through the whole pipeline (--through-week), not only the three make test runs
	SU7_FULL_SWEEP=1 $(PY) -m pytest $(XDIST) tests/pipeline/test_vintages.py $(PYTEST_ARGS)

test-unit: venv ## make test without nbval: unit, doctests, slow pipeline and browser tests
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# The notebooks declare the `python3` kernel.  ipykernel's wheel puts its spec in
# .venv/share/jupyter (first on JUPYTER_PATH), with argv[0] "python", which
# jupyter_client replaces by the server's interpreter: .venv/bin/python.
# Registered again (same name) only if that file is missing.
KERNELSPEC := $(VENV)/share/jupyter/kernels/python3/kernel.json

$(KERNELSPEC): | $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"

# Offline analysts: JupyterLab's defaults for news and update checks come from the project
# (config/jupyterlab/overrides.json, installed as the app-wide overrides.json of .venv's lab,
# share/jupyter/lab/settings/), so it never asks "get notified about official Jupyter news?";
# the server fetches no news feed and checks no update whatever a user's settings say.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

$(LAB_OVERRIDES): config/jupyterlab/overrides.json | $(STAMP)
	@mkdir -p $(@D)
	@cp $< $@

lab: venv $(KERNELSPEC) $(LAB_OVERRIDES) ## JupyterLab on notebooks/ (.venv kernel), 127.0.0.1 only, URL with token printed, no news or update checks
	$(PY) -m jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) --no-browser $(LAB_OFFLINE)$(if $(filter 0,$(shell id -u)), --allow-root)

$(DAGSTER_HOME_DIR)/dagster.yaml: $(DAGSTER_YAML)
	@mkdir -p $(DAGSTER_HOME_DIR)
	@cp $< $@

orchestrate: venv $(DAGSTER_HOME_DIR)/dagster.yaml ## Dagster UI (dagster dev) on helpers.orchestration, 127.0.0.1:3000 (DAGSTER_PORT=N), state in .cache/dagster
	$(DAGSTER) dev -m helpers.orchestration -m helpers.orchestration.vintages --host 127.0.0.1 --port $(DAGSTER_PORT)

materialize: venv $(DAGSTER_HOME_DIR)/dagster.yaml ## Every Dagster asset once, from the command line (writes what make run FORCE=1 writes)
	$(PY) -m helpers.validate
	$(DAGSTER) asset materialize --select '*' -m helpers.orchestration

# The lock holds the build backend too (--build-deps-for editable: setuptools, hashed) and no pip
# option at all (--no-emit-options: no --find-links, index URL or trusted host of the machine that
# locked it); scripts/environment_yml.py refuses a lock with any other line and writes environment.yml
# from it.
lock: ## Re-resolve requirements.lock from pyproject.toml (needs the network), then environment.yml from the lock; and requirements-audit.lock
	$(PYTHON) -m venv .cache/lockvenv && .cache/lockvenv/bin/pip install --quiet pip-tools
	.cache/lockvenv/bin/pip-compile --quiet --extra test --extra orchestrate --build-deps-for editable --generate-hashes --strip-extras $(addprefix --unsafe-package ,$(LEFT_OUT)) --no-emit-options --output-file $(LOCK) pyproject.toml
	$(PYTHON) scripts/environment_yml.py
	.cache/lockvenv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-options --output-file $(AUDIT_LOCK) requirements-audit.in

environment-yml: ## Rewrite environment.yml from requirements.lock (make lock does it too; no network)
	$(PYTHON) scripts/environment_yml.py

# Known vulnerabilities of the lock's pins: pip-audit, in its own venv from its own hashed lock.  Needs
# PyPI's per-release JSON API (pip's index is not enough), so it is not part of make test; --strict
# fails on a package it could not look up instead of reporting "No known vulnerabilities found".
# docs/security.md says why and when to run it.
AUDIT_LOCK := requirements-audit.lock
AUDIT_VENV := .cache/auditvenv
AUDIT_STAMP := $(AUDIT_VENV)/.installed-$(shell cat $(AUDIT_LOCK) 2>/dev/null | sha256sum | cut -c1-12)

$(AUDIT_STAMP):
	@test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(AUDIT_LOCK)
	@rm -f $(AUDIT_VENV)/.installed-*
	@touch $@

audit: $(AUDIT_STAMP) ## Check requirements.lock for known vulnerabilities (pip-audit; needs the network; not in make test: docs/security.md)
	$(AUDIT_VENV)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r $(LOCK)

clean: ## Remove .venv, caches and failed-run leftovers (keeps committed outputs)
	rm -rf $(VENV) .cache .pytest_cache .hypothesis reports/failed
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
