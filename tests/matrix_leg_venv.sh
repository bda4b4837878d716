#!/usr/bin/env bash
# tests/matrix_leg.sh (`make matrix-leg`) calls it to build the virtualenv of one compatibility leg:
#
#   matrix_leg_venv.sh LEG_DIR NAME PYTHON CORE [OVERRIDES]
#
# LEG_DIR (emptied first) gets venv/ made with PYTHON, holding ansible-core CORE,
# requirements.txt and the requirements-dev.txt lines tagged "# matrix". Every
# other pin of requirements-dev.txt constrains it, except where OVERRIDES
# (comma-separated NAME==VERSION) replaces the pin. Nothing is done while the
# stamp of the last install is newer than both requirement files; the stamp's
# name holds CORE and OVERRIDES, so changing either reinstalls too.
set -euo pipefail

leg_dir="${1:-}"
name="${2:-}"
python="${3:-}"
core="${4:-}"
overrides="${5:-}"
if [[ -z "$leg_dir" || -z "$name" || -z "$python" || -z "$core" ]]; then
    echo "matrix-leg: run it through 'make matrix'" >&2
    exit 1
fi
checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
key="${overrides//==/-}"
stamp="$leg_dir/installed-core$core${key:+-${key//,/_}}"
if [[ "$stamp" -nt "$checkout/requirements.txt" && "$stamp" -nt "$checkout/requirements-dev.txt" ]]; then
    exit 0
fi

rm -rf "$leg_dir"
mkdir -p "$leg_dir"
overridden="ansible-core"
for pin in ${overrides//,/ }; do overridden+="|${pin%%==*}"; done
# shellcheck disable=SC2086  # one override a word
{ grep -viE "^($overridden)==" "$checkout/requirements-dev.txt"; printf '%s\n' ${overrides//,/ }; } > "$leg_dir/constraints.txt"
sed -nE 's/^([A-Za-z0-9][A-Za-z0-9._-]*)==[^#]*#[[:space:]]*matrix\b.*/\1/p' "$checkout/requirements-dev.txt" \
    > "$leg_dir/test-requirements.txt"
"$python" -m venv "$leg_dir/venv"
"$leg_dir/venv/bin/python" -m pip install --quiet -c "$leg_dir/constraints.txt" \
    -r "$checkout/requirements.txt" -r "$leg_dir/test-requirements.txt" "ansible-core==$core"
"$leg_dir/venv/bin/python" -m pip check
touch "$stamp"
