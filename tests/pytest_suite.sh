#!/usr/bin/env bash
# `make units`, `make functional` and tests/matrix_leg.sh (`make matrix-leg`) call it:
#
#   pytest_suite.sh LABEL PYTHON FOLDER [SELECTION...]
#
# runs PYTHON -m pytest on FOLDER (tests/unit, tests/functional) from inside the
# collection tree, with the collection importable as ansible_collections.hwc.res
# (ANSIBLE_COLLECTIONS_PATH is the folder that holds ansible_collections/).
# PYTEST_WORKERS is pytest-xdist's -n (default auto); SELECTION are further
# pytest arguments, e.g. `-m matrix`. A folder without test files yet is skipped
# with a message; once it has some, "no tests collected" (pytest's exit 5)
# fails like any other failure.
set -euo pipefail

label="$1"
python="$2"
folder="$3"
shift 3
collections="${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}"
tree="$collections/ansible_collections/hwc/res"
args=(-n "${PYTEST_WORKERS:-auto}" "$@")

cd "$tree"
if [[ -z "$(find "$folder" -type f \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit 2>/dev/null)" ]]; then
    echo "$label: no test files under $folder yet; skipping"
    exit 0
fi
echo "$label: $(basename "$python") -m pytest ${args[*]} $folder"
rc=0
PYTHONPATH="$collections" "$python" -m pytest "${args[@]}" "$tree/$folder" || rc=$?
if [[ "$rc" == 5 ]]; then
    echo "$label: FAILED: $folder has test files but pytest ran none of them${*:+ (selection: $*)}" >&2
fi
exit "$rc"
