#!/usr/bin/env bash
# `make test` calls it with TEST_STEPS: runs `make STEP` for each step in
# order, stopping at the first failure (KEEP_GOING=1: run every step, except
# after a failed venv), then prints a timing per step and a closing
# `steps: N passed, N failed` line. MAKE names the make to call back.
set -euo pipefail

make_command="${MAKE:-make}"
timings=()
failed=()
total_start=$SECONDS

report() {
    printf '\n== make test: step timings\n'
    printf '   %s\n' "${timings[@]}"
    printf '   total %ds\n' "$((SECONDS - total_start))"
    if [[ "${#failed[@]}" -gt 0 ]]; then printf '   FAILED: %s\n' "${failed[*]}"; fi
    printf 'steps: %d passed, %d failed\n' "$(( ${#timings[@]} - ${#failed[@]} ))" "${#failed[@]}"
}
trap report EXIT

for step in "$@"; do
    printf '\n== make %s\n' "$step"
    start=$SECONDS
    status=ok
    "$make_command" "$step" || status=FAILED
    timings+=("$(printf '%-19s %4ds %s' "$step" "$((SECONDS - start))" "$status")")
    if [[ "$status" != ok ]]; then
        failed+=("$step")
        if [[ -z "${KEEP_GOING:-}" || "$step" == venv ]]; then exit 1; fi
    fi
done
[[ "${#failed[@]}" -eq 0 ]]
