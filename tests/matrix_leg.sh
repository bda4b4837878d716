#!/usr/bin/env bash
# `make matrix-leg` calls it (`make matrix` and `make sanity-matrix` call that once per leg of MATRIX_LEGS):
#
#   matrix_leg.sh LEG_DIR NAME PYTHON CORE [OVERRIDES [HOST_PYTHON]]
#
# builds the leg's virtualenv under LEG_DIR (tests/matrix_leg_venv.sh), then, with the leg's bin/
# first on PATH, its python as ANSIBLE_PYTHON_INTERPRETER and an ANSIBLE_HOME of its own, runs
# what LEG_STEP names: `pytest` (the default, `make matrix`): tests/unit and the tests/functional
# tests marked `matrix`; `sanity` (`make sanity-matrix`): tests/sanity_leg.sh, ansible-test sanity
# of the leg (and the compile and import tests on HOST_PYTHON).
set -euo pipefail

leg_dir="${1:-}"
name="${2:-}"
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
"$checkout/tests/matrix_leg_venv.sh" "$leg_dir" "$name" "${3:-}" "${4:-}" "${5:-}"
export PATH="$leg_dir/venv/bin:$PATH" ANSIBLE_PYTHON_INTERPRETER="$leg_dir/venv/bin/python"
export ANSIBLE_HOME="$leg_dir/ansible-home"
case "${LEG_STEP:-pytest}" in
    pytest)
        "$checkout/tests/pytest_suite.sh" "matrix $name units" "$leg_dir/venv/bin/python" tests/unit
        "$checkout/tests/pytest_suite.sh" "matrix $name functional" "$leg_dir/venv/bin/python" tests/functional -m matrix
        ;;
    sanity) "$checkout/tests/sanity_leg.sh" "$leg_dir" "$name" "${6:-}" ;;
    *) echo "matrix-leg: LEG_STEP must be pytest or sanity, not ${LEG_STEP}" >&2; exit 2 ;;
esac
