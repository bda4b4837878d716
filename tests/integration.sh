#!/usr/bin/env bash
# `make integration` calls it, in the Makefile's environment:
#
#   integration.sh COPY_DIR ANSIBLE_TEST_ARGS...
#
# starts the simulator on 127.0.0.1 with a free port, writes
# tests/integration/integration_config.yml for it (tests/integration_config.py:
# endpoints, credentials and project IDs of the sample data), runs
# `ansible-test integration ANSIBLE_TEST_ARGS` through tests/sanity/ansible_test.sh
# in COPY_DIR (a real copy of the checkout, see there why), and stops the simulator
# and removes the config again, also on failure or Ctrl-C. ansible-test hands the
# config's variables to every target; cloud collections pass their test endpoint
# the same way.
set -euo pipefail

checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
copy_dir="${1:?usage: $0 COPY_DIR ANSIBLE_TEST_ARGS...}"
shift
config="$checkout/tests/integration/integration_config.yml"
port_file="$checkout/build/integration-sim.port"

# ansible-test installs tests/integration/requirements.txt into its virtualenv: the same pins as .venv.
while read -r pin; do
    grep -qxF "$pin" "$checkout/requirements-dev.txt" \
        || { echo "integration: tests/integration/requirements.txt pins $pin, requirements-dev.txt does not" >&2; exit 1; }
done < <(grep -E '^[A-Za-z0-9]' "$checkout/tests/integration/requirements.txt")

mkdir -p "$(dirname "$port_file")"
rm -f "$port_file"
python "$checkout/tests/simulator/res_simulator.py" --port 0 --port-file "$port_file" &
sim_pid=$!
stop() {
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    rm -f "$port_file" "$config"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# It waits for the port file, then writes the endpoints of that port.
if ! python "$checkout/tests/integration_config.py" "$port_file" > "$config"; then
    kill -0 "$sim_pid" 2>/dev/null || echo "integration: the simulator exited early" >&2
    exit 1
fi
echo "integration: simulator at http://127.0.0.1:$(<"$port_file"); variables for the targets in ${config#"$checkout"/}"

"$checkout/tests/sanity/ansible_test.sh" --copy "$copy_dir" integration "$@"
