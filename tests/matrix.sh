#!/usr/bin/env bash
# `make matrix` and `make sanity-matrix` call it with MATRIX_LEGS: for each leg
# NAME:PYTHON:CORE:OVERRIDES[:HOST_PYTHON] it runs `make matrix-leg` (MAKE names the
# make to call back) with LEG_STEP (pytest, the default, or sanity: see
# tests/matrix_leg.sh). LEG_JOBS legs run at a time (default 1); with more than
# one, each leg's output is shown in one piece when it ends. After a leg fails, no
# further leg starts. A leg whose interpreter is missing is skipped with a line
# saying so; under CI (CI set) it fails the matrix instead, after the other legs
# ran, so that CI cannot pass on a matrix that tested nothing. Ends with one line
# naming the legs that ran and the seconds each took.
set -euo pipefail

make_command="${MAKE:-make}"
step="${LEG_STEP:-pytest}"
jobs="${LEG_JOBS:-1}"
label="$([[ "$step" == sanity ]] && echo sanity-matrix || echo matrix)"
logs="$(mktemp -d)"
ran=()
missing=()
failed=()
declare -A leg_of_pid=() started=()

summary() {
    local line="$label: ran ${ran[*]:-no leg}"
    if [[ "${#failed[@]}" -gt 0 ]]; then line+="; FAILED: ${failed[*]}"; fi
    if [[ "${#missing[@]}" -gt 0 ]]; then
        line+="; $([[ -n "${CI:-}" ]] && echo FAILED || echo skipped), no interpreter: ${missing[*]}"
    fi
    echo "$line"
    rm -rf "$logs"
}
trap summary EXIT
# Legs that run side by side are process groups of their own (below), which Ctrl-C does not reach.
trap 'for pid in "${!leg_of_pid[@]}"; do kill -INT -- "-$pid" 2>/dev/null || true; done; exit 130' INT TERM

# Waits for the next leg that runs side by side to end, shows its output and records how it went.
finish_one() {
    local pid status=0 name
    wait -n -p pid || status=$?
    name="${leg_of_pid[$pid]}"
    unset "leg_of_pid[$pid]"
    echo "$label: output of leg $name"
    cat "$logs/$name.log"
    if [[ "$status" == 0 ]]; then
        ran+=("$name ($((SECONDS - started[$name]))s)")
    else
        failed+=("$name")
    fi
}

for leg in "$@"; do
    if [[ "${#failed[@]}" -gt 0 ]]; then break; fi
    IFS=: read -r name python core overrides host_python <<<"$leg"
    if [[ ! -x "$python" ]]; then
        missing+=("$name")
        if [[ -n "${CI:-}" ]]; then
            echo "$label: leg $name FAILED: interpreter $python is missing (CI is set: no leg may be skipped)" >&2
        else
            echo "$label: leg $name skipped: interpreter $python is missing"
        fi
        continue
    fi
    while [[ "${#leg_of_pid[@]}" -ge "$jobs" ]]; do finish_one; done
    if [[ "${#failed[@]}" -gt 0 ]]; then break; fi
    echo "$label: leg $name ($python, ansible-core $core)"
    started[$name]=$SECONDS
    command=("$make_command" matrix-leg LEG_STEP="$step" LEG_NAME="$name" LEG_PYTHON="$python" LEG_CORE="$core"
             LEG_OVERRIDES="$overrides" LEG_HOST_PYTHON="$host_python")
    if [[ "$jobs" -gt 1 ]]; then
        set -m
        "${command[@]}" >"$logs/$name.log" 2>&1 &
        leg_of_pid[$!]="$name"
        set +m
    elif "${command[@]}"; then
        ran+=("$name ($((SECONDS - started[$name]))s)")
    else
        failed+=("$name")
    fi
done
while [[ "${#leg_of_pid[@]}" -gt 0 ]]; do finish_one; done
if [[ "${#failed[@]}" -gt 0 ]]; then exit 1; fi
if [[ -n "${CI:-}" ]] && [[ "${#missing[@]}" -gt 0 || "${#ran[@]}" -eq 0 ]]; then exit 1; fi
