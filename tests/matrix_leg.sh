#!/usr/bin/env bash
# `make matrix-leg` calls it (`make matrix` calls that once per leg of MATRIX_LEGS):
#
#   matrix_leg.sh LEG_DIR NAME PYTHON CORE [OVERRIDES]
#
# builds the leg's virtualenv under LEG_DIR (tests/matrix_leg_venv.sh), then runs
# tests/unit and the tests/functional tests marked `matrix` with it: the leg's bin/
# first on PATH, its python as ANSIBLE_PYTHON_INTERPRETER, an ANSIBLE_HOME of its own.
set -euo pipefail

leg_dir="${1:-}"
name="${2:-}"
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
"$checkout/tests/matrix_leg_venv.sh" "$@"
export PATH="$leg_dir/venv/bin:$PATH" ANSIBLE_PYTHON_INTERPRETER="$leg_dir/venv/bin/python"
export ANSIBLE_HOME="$leg_dir/ansible-home"
"$checkout/tests/pytest_suite.sh" "matrix $name units" "$leg_dir/venv/bin/python" tests/unit
"$checkout/tests/pytest_suite.sh" "matrix $name functional" "$leg_dir/venv/bin/python" tests/functional -m matrix
