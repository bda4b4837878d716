# Build and test tooling of the hwc.res collection; docs/development.md explains it.
# Every target installs what it uses: a fresh clone needs only the pyenv Pythons and git.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

# ---------------------------------------------------------------------------
# Interpreters and locations
# ---------------------------------------------------------------------------

# Captured before HOME is pointed at the scratch folder below.
REAL_HOME := $(HOME)
PYENV_ROOT ?= $(REAL_HOME)/.pyenv
export PYENV_ROOT

# Interpreter of the main virtualenv: pyenv's 3.11.7, else whatever python3 is.
PYTHON ?= $(or $(wildcard $(PYENV_ROOT)/versions/3.11.7/bin/python),$(shell command -v python3))

BUILD := $(CURDIR)/build
VENV := $(CURDIR)/.venv
VENV_BIN := $(VENV)/bin
VENV_PY := $(VENV_BIN)/python
VENV_STAMP := $(VENV)/.hwc-res-installed

# ansible-test, ansible-doc, ansible-playbook and pytest all see the collection
# through this tree: build/collections/ansible_collections/hwc/res -> the repo root.
COLLECTIONS := $(BUILD)/collections
COLL := $(COLLECTIONS)/ansible_collections/hwc/res
SCRATCH_HOME := $(BUILD)/home

# Environment of every recipe (sub-makes and every tool they start inherit it).
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_HOME := $(BUILD)/ansible-home
export ANSIBLE_PYTHON_INTERPRETER := $(VENV_PY)
# ansible-test, molecule and ansible-lint write under ~/.ansible and ~/.cache.
export HOME := $(SCRATCH_HOME)
export PATH := $(VENV_BIN):$(PATH)
# Keep the user's pyenv (above) and Rust toolchains reachable under the scratch HOME.
ifneq ($(wildcard $(REAL_HOME)/.rustup),)
export RUSTUP_HOME ?= $(REAL_HOME)/.rustup
endif
ifneq ($(wildcard $(REAL_HOME)/.cargo),)
export CARGO_HOME ?= $(REAL_HOME)/.cargo
endif
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# CI logs are files: no colour escapes from ansible, ansible-lint or molecule there.
ifneq ($(CI),)
export NO_COLOR := 1
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0
endif
export PYTHONDONTWRITEBYTECODE := 1

# pytest: xdist workers ("auto" = one per core); extra arguments via PYTEST_ADDOPTS.
PYTEST_WORKERS ?= auto
PYTEST_ARGS := -n $(PYTEST_WORKERS)

# ansible-test sanity: the Python to test with, and extra arguments
# (e.g. SANITY_ARGS='--test pep8' or SANITY_ARGS=-v).
SANITY_PYTHON ?= 3.11
SANITY_ARGS ?=

# Compatibility legs of `make matrix`: name:interpreter:ansible-core:pin overrides
# (comma-separated NAME==VERSION that replace the pins of requirements-dev.txt).
MATRIX_LEGS ?= \
	py3.13-core2.21:$(PYENV_ROOT)/versions/3.13.0/bin/python:2.21.5: \
	py3.12-core2.20:$(PYENV_ROOT)/versions/3.12.1/bin/python:2.20.10: \
	py3.11-core2.16:$(PYENV_ROOT)/versions/3.11.7/bin/python:2.16.19: \
	py3.10-core2.17:$(PYENV_ROOT)/versions/3.10.13/bin/python:2.17.14:hypothesis==6.168.5
MATRIX_DIR := $(BUILD)/matrix

# `make demo`: the simulator, the playbook, and what the playbook gets in its
# environment besides HW_RES_ENDPOINT and HW_AUTH_URL: NAME=VALUE words, where a
# VALUE of the form sample:PATH is looked up in $(DEMO_DATA) (PATH is dotted;
# list items by index) and any other VALUE is taken as it is.
DEMO_PLAYBOOK ?= playbooks/demo.yml
DEMO_SIMULATOR ?= tests/simulator/res_simulator.py
DEMO_DATA ?= tests/simulator/sample_data.json
DEMO_ENV ?= \
	HW_USER_NAME=sample:domains.0.users.0.name \
	HW_USER_PASSWORD=sample:domains.0.users.0.password \
	HW_DOMAIN_NAME=sample:domains.0.name \
	HW_PROJECT_ID=sample:projects.0.id \
	HW_REGION_NAME=sample:projects.0.name
DEMO_ARGS ?=
DEMO_INVENTORY ?= playbooks/inventory/demo.infer_services.yml
DEMO_REPORT_DIR ?= $(BUILD)/reports

# Turns DEMO_ENV into `export NAME=VALUE` lines (the recipe cannot hold indented
# Python: make strips leading blanks of .ONESHELL recipe lines).
define DEMO_ENV_PY
import json, shlex, sys
data = json.load(open(sys.argv[1]))
for word in sys.argv[2:]:
    name, _, value = word.partition("=")
    if value.startswith("sample:"):
        node = data
        for key in value[len("sample:"):].split("."):
            node = node[int(key)] if isinstance(node, list) else node[key]
        value = str(node)
    print("export %s=%s" % (name, shlex.quote(value)))
endef
export DEMO_ENV_PY

BENCH_ARGS ?=

.PHONY: help venv tree test units functional sanity lint molecule matrix matrix-leg \
	demo bench docs build clean

## help        list the targets
help:
	@sed -n 's/^## /  /p' $(MAKEFILE_LIST)

# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------

## venv        .venv (Python 3.11) with requirements.txt + requirements-dev.txt, and the collection tree
venv: $(VENV_STAMP) tree

# Rebuilt from scratch whenever a requirements file changes.
$(VENV_STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ] || [ ! -x "$(PYTHON)" ]; then
		echo "venv: no interpreter: neither $(PYENV_ROOT)/versions/3.11.7/bin/python nor python3 exists" >&2
		exit 1
	fi
	mkdir -p "$(SCRATCH_HOME)"
	echo "venv: creating $(VENV) with $(PYTHON) ($$("$(PYTHON)" -V 2>&1))"
	rm -rf "$(VENV)"
	"$(PYTHON)" -m venv "$(VENV)"
	"$(VENV_PY)" -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	"$(VENV_PY)" -m pip check
	touch "$@"

## tree        build/collections/ansible_collections/hwc/res -> this checkout (plus scratch folders)
tree:
	@mkdir -p "$(dir $(COLL))" "$(SCRATCH_HOME)" "$(ANSIBLE_HOME)"
	if [ "$$(readlink "$(COLL)" 2>/dev/null)" != "../../../.." ]; then
		rm -rf "$(COLL)"
		ln -s ../../../.. "$(COLL)"
	fi

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

## test        everything CI runs, cheapest first, stopping at the first failure (KEEP_GOING=1: run all)
TEST_STEPS := venv units lint docs build functional sanity molecule matrix
KEEP_GOING ?=
test:
	@timings=()
	failed=()
	total_start=$$SECONDS
	report() {
		printf '\n== make test: step timings\n'
		printf '   %s\n' "$${timings[@]}"
		printf '   total %ds\n' "$$((SECONDS - total_start))"
		if [ "$${#failed[@]}" -gt 0 ]; then printf '   FAILED: %s\n' "$${failed[*]}"; fi
		printf 'steps: %d passed, %d failed\n' "$$(( $${#timings[@]} - $${#failed[@]} ))" "$${#failed[@]}"
	}
	trap report EXIT
	for step in $(TEST_STEPS); do
		printf '\n== make %s\n' "$$step"
		start=$$SECONDS
		status=ok
		$(MAKE) "$$step" || status=FAILED
		timings+=("$$(printf '%-11s %4ds %s' "$$step" "$$((SECONDS - start))" "$$status")")
		if [ "$$status" != ok ]; then
			failed+=("$$step")
			[ -n "$(KEEP_GOING)" ] && [ "$$step" != venv ] || exit 1
		fi
	done
	[ "$${#failed[@]}" -eq 0 ]

# $(call pytest_suite,<label>,<python>,<tests folder>,<pytest arguments>)
# pytest on a tests folder, run from inside the collection tree with the
# collection importable as ansible_collections.hwc.res. A folder without test
# files yet is skipped with a message; once it has some, "no tests collected"
# (pytest's exit 5) fails like any other failure.
define pytest_suite
cd "$(COLL)"
if [ -z "$$(find $(3) -type f \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit 2>/dev/null)" ]; then
    echo "$(1): no test files under $(3) yet; skipping"
else
    echo "$(1): $(notdir $(2)) -m pytest $(strip $(PYTEST_ARGS) $(4)) $(3)"
    rc=0
    PYTHONPATH="$(COLLECTIONS)" "$(2)" -m pytest $(PYTEST_ARGS) $(4) "$(COLL)/$(3)" || rc=$$?
    if [ "$$rc" = 5 ]; then
        echo "$(1): FAILED: $(3) has test files but pytest ran none of them$(if $(4), (selection: $(4)))" >&2
    fi
    [ "$$rc" = 0 ] || exit "$$rc"
fi
endef

## units       pytest tests/unit
units: venv
	@$(call pytest_suite,units,$(VENV_PY),tests/unit,)

## functional  pytest tests/functional (ansible-playbook / ansible-inventory against the simulator)
functional: venv
	@$(call pytest_suite,functional,$(VENV_PY),tests/functional,)

## sanity      ansible-test sanity --python 3.11 (SANITY_ARGS=...), no containers, nothing fetched but from PyPI
sanity: venv
	@cache="$(SCRATCH_HOME)/.ansible/test/cache"
	mkdir -p "$$cache"
	# ansible-test seeds pip into its venvs with a script it downloads from a host
	# we cannot reach, unless the script is in its cache: put our stand-in there
	# under every name this ansible-test may ask for (get_pip_<pip version>.py).
	at_dir="$$("$(VENV_PY)" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
	versions="$$(grep -ohE "\bpip='[0-9.]+'" "$$at_dir/_internal/python_requirements.py" | grep -oE '[0-9.]+' | sort -u)"
	if [ -z "$$versions" ]; then
		echo "sanity: cannot find the pip version ansible-test bootstraps in $$at_dir" >&2
		exit 1
	fi
	for version in $$versions; do
		cp tests/sanity/get_pip_standin.py "$$cache/get_pip_$${version//./_}.py"
	done
	if ! command -v shellcheck >/dev/null; then
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			echo "sanity: installing shellcheck with apt-get"
			export DEBIAN_FRONTEND=noninteractive
			apt-get install -y -qq shellcheck </dev/null >/dev/null 2>&1 \
				|| { apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq shellcheck </dev/null >/dev/null; } \
				|| echo "sanity: could not install shellcheck; ansible-test will skip its shellcheck test"
		else
			echo "sanity: shellcheck is missing and this is not root; ansible-test will skip its shellcheck test"
		fi
	fi
	cd "$(COLL)"
	# The shell's cwd is the symlinked path but the process cwd is the physical
	# checkout; this tells ansible-test where the collection sits.
	export ANSIBLE_TEST_CONTENT_ROOT="$(COLL)"
	echo "sanity: ansible-test sanity --python $(SANITY_PYTHON) $(SANITY_ARGS)"
	ansible-test sanity --python $(SANITY_PYTHON) $(SANITY_ARGS)

## lint        ansible-lint (roles/, playbooks/), antsibull-docs lint-collection-docs, antsibull-changelog lint
lint: venv
	@cd "$(COLL)"
	targets=()
	for dir in roles playbooks; do
		if [ -n "$$(find "$$dir" -type f ! -name '.*' -print -quit 2>/dev/null)" ]; then
			targets+=("$$dir")
		fi
	done
	if [ "$${#targets[@]}" -gt 0 ]; then
		echo "lint: ansible-lint $${targets[*]}"
		ansible-lint "$${targets[@]}"
	else
		echo "lint: roles/ and playbooks/ hold no files yet; skipping ansible-lint"
	fi
	echo "lint: antsibull-docs lint-collection-docs --plugin-docs ."
	antsibull-docs lint-collection-docs --plugin-docs .
	echo "lint: antsibull-changelog lint"
	antsibull-changelog lint

## molecule    molecule test for every scenario under extensions/molecule/ and roles/*/molecule/
molecule: venv
	@cd "$(COLL)"
	ran=0
	if compgen -G 'extensions/molecule/*/molecule.yml' >/dev/null; then
		echo "molecule: extensions/molecule: molecule test --all"
		molecule test --all
		ran=1
	fi
	for scenarios in roles/*/molecule; do
		if compgen -G "$$scenarios/*/molecule.yml" >/dev/null; then
			role="$${scenarios%/molecule}"
			echo "molecule: $$role: molecule test --all"
			(cd "$$role" && molecule test --all)
			ran=1
		fi
	done
	if [ "$$ran" = 0 ]; then
		echo "molecule: no scenarios under extensions/molecule/ or roles/*/molecule/ yet; skipping"
	fi

## matrix      tests/unit + tests/functional -m matrix on each leg of MATRIX_LEGS (own venv under build/matrix/)
matrix: tree
	@for leg in $(MATRIX_LEGS); do
		IFS=: read -r name python core overrides <<<"$$leg"
		if [ ! -x "$$python" ]; then
			echo "matrix: leg $$name skipped: interpreter $$python is missing"
			continue
		fi
		echo "matrix: leg $$name ($$python, ansible-core $$core)"
		$(MAKE) matrix-leg LEG_NAME="$$name" LEG_PYTHON="$$python" LEG_CORE="$$core" LEG_OVERRIDES="$$overrides"
	done

# One leg; called by `matrix` with LEG_NAME, LEG_PYTHON, LEG_CORE, LEG_OVERRIDES.
LEG_NAME ?=
LEG_PYTHON ?=
LEG_CORE ?=
LEG_OVERRIDES ?=
comma := ,
LEG_DIR := $(MATRIX_DIR)/$(LEG_NAME)
LEG_VENV := $(LEG_DIR)/venv
# The stamp names everything the install depends on besides the requirement files.
LEG_STAMP := $(LEG_DIR)/installed-core$(LEG_CORE)$(if $(LEG_OVERRIDES),-$(subst ==,-,$(subst $(comma),_,$(LEG_OVERRIDES))))

matrix-leg: $(LEG_STAMP)
	@export PATH="$(LEG_VENV)/bin:$$PATH"
	export ANSIBLE_PYTHON_INTERPRETER="$(LEG_VENV)/bin/python"
	export ANSIBLE_HOME="$(LEG_DIR)/ansible-home"
	$(call pytest_suite,matrix $(LEG_NAME) units,$(LEG_VENV)/bin/python,tests/unit,)
	$(call pytest_suite,matrix $(LEG_NAME) functional,$(LEG_VENV)/bin/python,tests/functional,-m matrix)

# Leg venv: ansible-core $(LEG_CORE), requirements.txt, and the requirements-dev.txt
# lines tagged "# matrix"; the other pins of requirements-dev.txt constrain it.
$(LEG_STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(LEG_NAME)" ] || [ -z "$(LEG_PYTHON)" ] || [ -z "$(LEG_CORE)" ]; then
		echo "matrix-leg: run it through 'make matrix'" >&2
		exit 1
	fi
	rm -rf "$(LEG_DIR)"
	mkdir -p "$(LEG_DIR)"
	overrides="$(LEG_OVERRIDES)"
	overridden="ansible-core"
	for pin in $${overrides//,/ }; do overridden+="|$${pin%%==*}"; done
	{ grep -viE "^($$overridden)==" requirements-dev.txt; printf '%s\n' $${overrides//,/ }; } > "$(LEG_DIR)/constraints.txt"
	sed -nE 's/^([A-Za-z0-9][A-Za-z0-9._-]*)==[^#]*#[[:space:]]*matrix\b.*/\1/p' requirements-dev.txt > "$(LEG_DIR)/test-requirements.txt"
	"$(LEG_PYTHON)" -m venv "$(LEG_VENV)"
	"$(LEG_VENV)/bin/python" -m pip install --quiet -c "$(LEG_DIR)/constraints.txt" \
		-r requirements.txt -r "$(LEG_DIR)/test-requirements.txt" "ansible-core==$(LEG_CORE)"
	"$(LEG_VENV)/bin/python" -m pip check
	touch "$@"

# ---------------------------------------------------------------------------
# Using the collection
# ---------------------------------------------------------------------------

## demo        start the simulator; run playbooks/demo.yml, the inventory graph, a play on stopped hosts, a compliance run; stop it
demo: venv
	@for file in "$(DEMO_SIMULATOR)" "$(DEMO_DATA)" "$(DEMO_PLAYBOOK)"; do
		if [ ! -f "$$file" ]; then echo "demo: $$file does not exist yet" >&2; exit 1; fi
	done
	port_file="$(BUILD)/sim.port"
	rm -f "$$port_file"
	"$(VENV_PY)" "$(DEMO_SIMULATOR)" --port 0 --port-file "$$port_file" --data "$(DEMO_DATA)" &
	sim_pid=$$!
	trap 'kill "$$sim_pid" 2>/dev/null || true; wait "$$sim_pid" 2>/dev/null || true; rm -f "$$port_file"' EXIT
	for _ in $$(seq 100); do
		[ -s "$$port_file" ] && break
		kill -0 "$$sim_pid" 2>/dev/null || { echo "demo: the simulator exited early" >&2; exit 1; }
		sleep 0.1
	done
	[ -s "$$port_file" ] || { echo "demo: the simulator wrote no port file in 10s" >&2; exit 1; }
	port="$$(tr -dc 0-9 < "$$port_file")"
	export HW_RES_ENDPOINT="http://127.0.0.1:$$port"
	export HW_AUTH_URL="http://127.0.0.1:$$port/v3"
	export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
	exports="$$("$(VENV_PY)" -c "$$DEMO_ENV_PY" "$(DEMO_DATA)" $(DEMO_ENV))"
	eval "$$exports"
	echo "demo: simulator at $$HW_RES_ENDPOINT; ansible-playbook $(DEMO_PLAYBOOK) $(DEMO_ARGS)"
	cd "$(COLL)"
	ansible-playbook "$(DEMO_PLAYBOOK)" $(DEMO_ARGS)
	echo "demo: every service an inventory host: ansible-inventory -i $(DEMO_INVENTORY) --graph"
	ansible-inventory -i "$(DEMO_INVENTORY)" --graph
	ansible-playbook -i "$(DEMO_INVENTORY)" playbooks/stopped_services_play.yml
	# The sample breaks the nightly policy on purpose: report the violations, do not stop the demo.
	echo "demo: compliance run, reports in $(DEMO_REPORT_DIR)"
	ansible-playbook playbooks/nightly_compliance.yml -e nightly_report_dir="$(DEMO_REPORT_DIR)" \
		-e infer_service_compliance_fail_on_violation=false

## bench       python tests/bench/run.py (BENCH_ARGS=...)
bench: venv
	@cd "$(COLL)"
	"$(VENV_PY)" tests/bench/run.py $(BENCH_ARGS)

## docs        ansible-doc on every documented plugin of the collection
# Plugin folder -> ansible-doc type. Filter and test plugins are documented by
# YAML files beside their code; every other type by its Python file.
DOC_TYPES := modules:module lookup:lookup inventory:inventory filter:filter test:test \
	callback:callback connection:connection become:become cache:cache vars:vars
docs: venv
	@cd "$(COLL)"
	count=0
	for pair in $(DOC_TYPES); do
		dir="plugins/$${pair%%:*}"
		type="$${pair##*:}"
		[ -d "$$dir" ] || continue
		case "$$type" in filter|test) pattern='*.yml' ;; *) pattern='*.py' ;; esac
		while IFS= read -r file; do
			name="$$(basename "$${file%.*}")"
			[ "$$name" = __init__ ] && continue
			echo "docs: ansible-doc -t $$type hwc.res.$$name"
			out="$$(ansible-doc -t "$$type" "hwc.res.$$name" 2>&1)" || { printf '%s\n' "$$out"; exit 1; }
			if grep -qE '\[(WARNING|ERROR)\]' <<<"$$out"; then printf '%s\n' "$$out"; exit 1; fi
			count=$$((count + 1))
		done < <(find "$$dir" -maxdepth 1 -type f -name "$$pattern" | sort)
	done
	echo "docs: $$count plugin(s) documented"

## build       ansible-galaxy collection build into build/
build: venv
	@cd "$(COLL)"
	ansible-galaxy collection build --force --output-path "$(BUILD)"

## clean       remove build/, .venv, tests/output and caches
clean:
	@rm -rf "$(BUILD)" "$(VENV)" tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
