# Build and test tooling of hwc.res (docs/development.md): a table of targets, the work in scripts
# under tests/. Every target installs what it uses: a fresh clone needs only the pyenv Pythons and git.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

# ---- Interpreters, locations and the environment of every recipe -----------
# Captured before HOME is pointed at the scratch folder below.
REAL_HOME := $(HOME)
export PYENV_ROOT ?= $(REAL_HOME)/.pyenv
PYTHON ?= $(or $(wildcard $(PYENV_ROOT)/versions/3.11.7/bin/python),$(shell command -v python3))
BUILD := $(CURDIR)/build
VENV := $(CURDIR)/.venv
VENV_PY := $(VENV)/bin/python
# ansible-test, ansible-doc, ansible-playbook and pytest see the collection through COLL, a symlink to here.
COLLECTIONS := $(BUILD)/collections
COLL := $(COLLECTIONS)/ansible_collections/hwc/res
SCRATCH_HOME := $(BUILD)/home
# ansible-test units and integration run in a real copy of the checkout (tests/sanity/ansible_test.sh says why).
ANSIBLE_TEST_TREE := $(BUILD)/ansible-test/ansible_collections/hwc/res
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_HOME := $(BUILD)/ansible-home
export ANSIBLE_PYTHON_INTERPRETER := $(VENV_PY)
# ansible-test, molecule and ansible-lint write under ~/.ansible and ~/.cache.
export HOME := $(SCRATCH_HOME)
export PATH := $(VENV)/bin:$(PATH)
# Keep the user's pyenv (above) and Rust toolchains reachable under the scratch HOME.
ifneq ($(wildcard $(REAL_HOME)/.rustup),)
export RUSTUP_HOME ?= $(REAL_HOME)/.rustup
endif
ifneq ($(wildcard $(REAL_HOME)/.cargo),)
export CARGO_HOME ?= $(REAL_HOME)/.cargo
endif
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1
# CI logs are files: no colour escapes from ansible, ansible-lint or molecule there.
ifneq ($(CI),)
export NO_COLOR := 1
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0
endif

# ---- Settings (override on the command line: make units PYTEST_WORKERS=2) --
# pytest: xdist workers ("auto" = one per core); extra arguments via PYTEST_ADDOPTS.
export PYTEST_WORKERS ?= auto
# ansible-test: the Python, and extra arguments (SANITY_ARGS='--test pep8',
# UNITS_ARGS=-v, INTEGRATION_ARGS='lookup_infer_services -v').
SANITY_PYTHON ?= 3.11
SANITY_ARGS ?=
UNITS_PYTHON ?= 3.11
UNITS_ARGS ?=
INTEGRATION_PYTHON ?= 3.11
INTEGRATION_ARGS ?=
# Legs of `make matrix` and `make sanity-matrix`, NAME:PYTHON:ANSIBLE-CORE:OVERRIDES[:HOST_PYTHON] (docs/development.md).
MATRIX_LEGS ?= \
	py3.13-core2.21:$(PYENV_ROOT)/versions/3.13.0/bin/python:2.21.5::$(PYENV_ROOT)/versions/3.9.18/bin/python \
	py3.12-core2.20:$(PYENV_ROOT)/versions/3.12.1/bin/python:2.20.10: \
	py3.11-core2.16:$(PYENV_ROOT)/versions/3.11.7/bin/python:2.16.19: \
	py3.10-core2.17:$(PYENV_ROOT)/versions/3.10.13/bin/python:2.17.14:hypothesis==6.168.5
# `make demo`: NAME=VALUE words for the playbook's environment (VALUE sample:PATH is read from the simulator's
# sample data), DEMO_ARGS for ansible-playbook; tests/simulator/demo.sh lists the other DEMO_* settings.
DEMO_ENV ?= \
	HW_USER_NAME=sample:domains.0.users.0.name \
	HW_USER_PASSWORD=sample:domains.0.users.0.password \
	HW_DOMAIN_NAME=sample:domains.0.name \
	HW_PROJECT_ID=sample:projects.0.id \
	HW_REGION_NAME=sample:projects.0.name
# `make test` runs these in order (tests/run_steps.sh), cheap and likely to fail first; a new step is a target
# and a word here. KEEP_GOING=1 runs every step even after a failure.
TEST_STEPS := venv units lint docs docsite build release-check eda functional integration sanity \
	units-ansible-test molecule matrix sanity-matrix
.PHONY: help venv tree test units units-ansible-test functional integration sanity lint molecule matrix \
	sanity-matrix matrix-leg eda demo bench docs docsite build release-check clean
# ---- Environment -----------------------------------------------------------
## help        list the targets
help:
	@sed -n 's/^## /  /p' $(MAKEFILE_LIST)
## venv        .venv (Python 3.11) with requirements.txt + requirements-dev.txt, and the collection tree
venv: $(VENV)/.hwc-res-installed tree
$(VENV)/.hwc-res-installed: requirements.txt requirements-dev.txt
	@tests/venv.sh "$(PYTHON)" "$(VENV)" && touch "$@"
## tree        build/collections/ansible_collections/hwc/res -> this checkout (plus scratch folders)
tree:
	@mkdir -p "$(dir $(COLL))" "$(SCRATCH_HOME)" "$(ANSIBLE_HOME)"
	if [ "$$(readlink "$(COLL)" 2>/dev/null)" != "../../../.." ]; then rm -rf "$(COLL)" && ln -s ../../../.. "$(COLL)"; fi

# ---- Tests -----------------------------------------------------------------
## test        everything CI runs (TEST_STEPS), stopping at the first failure (KEEP_GOING=1: run all)
test:
	@MAKE="$(MAKE)" KEEP_GOING="$(KEEP_GOING)" tests/run_steps.sh $(TEST_STEPS)
## units       pytest tests/unit
units: venv
	@tests/pytest_suite.sh units "$(VENV_PY)" tests/unit
## units-ansible-test  ansible-test units --venv --python 3.11 (UNITS_ARGS=...) in a copy of the collection
units-ansible-test: venv
	@tests/sanity/ansible_test.sh --copy "$(ANSIBLE_TEST_TREE)" units --venv --python $(UNITS_PYTHON) $(UNITS_ARGS)
## eda         Java 17 for ansible-rulebook (apt-get as root, else a message saying what to install)
eda:
	@tests/functional/eda/install_java.sh
## functional  pytest tests/functional (ansible-playbook, ansible-inventory, ansible-runner, ansible-rulebook)
functional: venv eda
	@tests/pytest_suite.sh functional "$(VENV_PY)" tests/functional
## integration  ansible-test integration --venv --python 3.11 (INTEGRATION_ARGS=...) against the simulator
integration: venv
	@tests/integration.sh "$(ANSIBLE_TEST_TREE)" --venv --python $(INTEGRATION_PYTHON) $(INTEGRATION_ARGS)
## sanity      ansible-test sanity --python 3.11 (SANITY_ARGS=...), no containers, nothing fetched but from PyPI
sanity: venv
	@tests/sanity/ansible_test.sh --tree "$(COLL)" sanity --python $(SANITY_PYTHON) $(SANITY_ARGS)
## lint        ansible-lint (the whole collection), antsibull-docs lint-collection-docs, antsibull-changelog lint
lint: venv
	@tests/lint.sh
## molecule    molecule test for every scenario under extensions/molecule/ and roles/*/molecule/
molecule: venv
	@tests/molecule.sh
## matrix      tests/unit + tests/functional -m matrix on each leg of MATRIX_LEGS (own venv under build/matrix/)
matrix: tree
	@MAKE="$(MAKE)" tests/matrix.sh $(MATRIX_LEGS)
## sanity-matrix  ansible-test sanity (SANITY_ARGS=...) on each leg of MATRIX_LEGS, SANITY_JOBS (2) legs at a time
sanity-matrix: tree
	@MAKE="$(MAKE)" LEG_STEP=sanity LEG_JOBS="$(or $(SANITY_JOBS),2)" tests/matrix.sh $(MATRIX_LEGS)
# One leg, called by tests/matrix.sh with LEG_*; LEG_STEP and SANITY_ARGS reach the script as command-line variables.
matrix-leg:
	@tests/matrix_leg.sh "$(BUILD)/matrix/$(LEG_NAME)" "$(LEG_NAME)" "$(LEG_PYTHON)" "$(LEG_CORE)" "$(LEG_OVERRIDES)" "$(LEG_HOST_PYTHON)"

# ---- Using and releasing the collection ------------------------------------
## demo        start the simulator; run playbooks/demo.yml, the inventory graph, a play on stopped hosts, a compliance run; stop it
demo: venv
	@tests/simulator/demo.sh $(DEMO_ENV) -- $(DEMO_ARGS)
## bench       python tests/bench/run.py (BENCH_ARGS=...)
bench: venv
	@cd "$(COLL)" && "$(VENV_PY)" tests/bench/run.py $(BENCH_ARGS)
## docs        ansible-doc on every documented plugin of the collection
docs: venv
	@tests/plugin_docs.sh
## docsite     the docs site (plugins and guides) into build/docsite, offline, failing on a warning
docsite: venv
	@cd "$(COLL)" && tests/release/docsite.sh
## build       ansible-galaxy collection build into build/
build: venv
	@cd "$(COLL)" && ansible-galaxy collection build --force --output-path "$(BUILD)"
## release-check  the built tarball: nothing but the collection in it, and Galaxy's import checks, offline
release-check: build
	@cd "$(COLL)" && "$(VENV_PY)" tests/release/tarball_contents.py && tests/release/galaxy_import.sh
## clean       remove build/, .venv, tests/output and caches
clean:
	@rm -rf "$(BUILD)" "$(VENV)" tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
