#!/usr/bin/env bash
# `make lint` calls it (tests/lint.sh), in the Makefile's environment:
#
#   mypy --strict   every helper (module_utils, plugin_utils) and the event source (tests/mypy.ini)
#   vermin          plugins/module_utils and plugins/modules, which run on managed hosts, need no Python
#                   newer than 3.9 (tests/config.yml): no match, no X | Y outside annotations, no newer
#                   standard library call. Annotations are never evaluated there (from __future__ import
#                   annotations), but vermin's union check cannot tell an argument's annotation from an
#                   expression, so that code writes Optional[X] and Union[X, Y].
#
# vermin comes from .venv when it has the version requirements-dev.txt pins; a virtualenv built
# before that pin gets it installed under build/tools instead.
set -euo pipefail

checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
collections="${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}"
build="$(dirname "$collections")"

echo "lint: mypy --strict (tests/mypy.ini)"
(cd "$collections" && mypy --config-file "$checkout/tests/mypy.ini" --cache-dir "$build/mypy-cache")

pin="$(sed -nE 's/^vermin==([^[:space:]#]+).*/\1/p' "$checkout/requirements-dev.txt")"
if [[ -z "$pin" ]]; then
    echo "lint: requirements-dev.txt pins no vermin version" >&2
    exit 1
fi
vermin=(vermin)
if [[ "$(vermin --version 2>/dev/null || true)" != "$pin" ]]; then
    tools="$build/tools/vermin-$pin"
    if [[ ! -f "$tools/vermin/__init__.py" ]]; then
        echo "lint: installing vermin==$pin into $tools"
        python -m pip install --quiet --no-deps --target "$tools" "vermin==$pin"
    fi
    vermin=(env PYTHONPATH="$tools" python -c 'import sys, vermin; sys.exit(vermin.main())')
fi
echo "lint: vermin $pin --target=3.9- (plugins/module_utils, plugins/modules)"
cd "$checkout"
"${vermin[@]}" --no-config-file --quiet --violations -vvv --target=3.9- --feature union-types \
    plugins/module_utils plugins/modules
