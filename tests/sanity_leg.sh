#!/usr/bin/env bash
# tests/matrix_leg.sh calls it for `make sanity-matrix` (LEG_STEP=sanity), with the leg's virtualenv
# first on PATH and the Makefile's environment:
#
#   sanity_leg.sh LEG_DIR NAME [HOST_PYTHON]
#
# runs ansible-test sanity of the leg's ansible-core, every test, with the leg's Python as the
# controller's and the only target Python, plus SANITY_ARGS; any finding fails. It goes through
# tests/sanity/ansible_test.sh (the pip bootstrap stand-in) in a copy of the checkout of the leg's own,
# LEG_DIR/ansible_collections/hwc/res, so that legs can run side by side. HOST_PYTHON, the
# interpreter of a managed host (Python 3.9, say), then gets the compile and import tests, which cover
# the module code that runs there; ansible-test finds it on PATH as pythonX.Y, linked into
# LEG_DIR/host-python/. A missing HOST_PYTHON is skipped with a line saying so; under CI (CI set) it
# fails. SANITY_ARGS that pick tests (--test) leave the HOST_PYTHON run out.
set -euo pipefail

leg_dir="${1:?run it through make sanity-matrix}"
name="${2:?run it through make sanity-matrix}"
host_python="${3:-}"
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
copy="$leg_dir/ansible_collections/hwc/res"
read -r -a extra <<<"${SANITY_ARGS:-}"

python_version() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}

echo "sanity-matrix $name: ansible-test sanity with $(command -v ansible-test)"
"$checkout/tests/sanity/ansible_test.sh" --copy "$copy" sanity --python "$(python_version python)" "${extra[@]}"

if [[ -z "$host_python" ]]; then
    exit 0
fi
if [[ " ${SANITY_ARGS:-} " == *" --test "* ]]; then
    echo "sanity-matrix $name: SANITY_ARGS pick the tests; no compile and import run with $host_python"
    exit 0
fi
if [[ ! -x "$host_python" ]]; then
    if [[ -n "${CI:-}" ]]; then
        echo "sanity-matrix $name FAILED: host interpreter $host_python is missing (CI is set)" >&2
        exit 1
    fi
    echo "sanity-matrix $name: host interpreter $host_python is missing; compile and import on it skipped"
    exit 0
fi
host_version="$(python_version "$host_python")"
mkdir -p "$leg_dir/host-python"
ln -sfn "$host_python" "$leg_dir/host-python/python$host_version"
echo "sanity-matrix $name: the module code on Python $host_version, a managed host's ($host_python)"
PATH="$leg_dir/host-python:$PATH" "$checkout/tests/sanity/ansible_test.sh" --tree "$copy" sanity \
    --test compile --test import --python "$host_version" "${extra[@]}"
