#!/usr/bin/env bash
# `make venv` calls it when requirements.txt or requirements-dev.txt is newer than
# the last install:
#
#   venv.sh PYTHON VENV
#
# rebuilds VENV from scratch with PYTHON, installs both requirement files and
# runs `pip check`. The Makefile stamps the install when it succeeds.
set -euo pipefail

python="${1:-}"
venv="${2:?usage: $0 PYTHON VENV}"
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
if [[ -z "$python" || ! -x "$python" ]]; then
    echo "venv: no interpreter: neither ${PYENV_ROOT:-~/.pyenv}/versions/3.11.7/bin/python nor python3 exists" >&2
    exit 1
fi
mkdir -p "${HOME:?}"
echo "venv: creating $venv with $python ($("$python" -V 2>&1))"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet -r "$checkout/requirements.txt" -r "$checkout/requirements-dev.txt"
"$venv/bin/python" -m pip check
