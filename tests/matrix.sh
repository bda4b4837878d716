#!/usr/bin/env bash
# `make matrix` calls it with MATRIX_LEGS: for each leg NAME:PYTHON:CORE:OVERRIDES
# it runs `make matrix-leg` (MAKE names the make to call back), stopping at the
# first leg that fails. A leg whose interpreter is missing is skipped with a
# line saying so; under CI (CI set) it fails the matrix instead, after the other
# legs ran, so that CI cannot pass on a matrix that tested nothing. Ends with
# one line naming the legs that ran.
set -euo pipefail

make_command="${MAKE:-make}"
ran=()
missing=()
failed=""

summary() {
    local line="matrix: ran ${ran[*]:-no leg}"
    if [[ -n "$failed" ]]; then line+="; FAILED: $failed"; fi
    if [[ "${#missing[@]}" -gt 0 ]]; then
        line+="; $([[ -n "${CI:-}" ]] && echo FAILED || echo skipped), no interpreter: ${missing[*]}"
    fi
    echo "$line"
}
trap summary EXIT

for leg in "$@"; do
    IFS=: read -r name python core overrides <<<"$leg"
    if [[ ! -x "$python" ]]; then
        missing+=("$name")
        if [[ -n "${CI:-}" ]]; then
            echo "matrix: leg $name FAILED: interpreter $python is missing (CI is set: no leg may be skipped)" >&2
        else
            echo "matrix: leg $name skipped: interpreter $python is missing"
        fi
        continue
    fi
    echo "matrix: leg $name ($python, ansible-core $core)"
    "$make_command" matrix-leg LEG_NAME="$name" LEG_PYTHON="$python" LEG_CORE="$core" LEG_OVERRIDES="$overrides" \
        || { failed="$name"; exit 1; }
    ran+=("$name")
done
if [[ -n "${CI:-}" ]] && [[ "${#missing[@]}" -gt 0 || "${#ran[@]}" -eq 0 ]]; then exit 1; fi
