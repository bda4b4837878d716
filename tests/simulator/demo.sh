#!/usr/bin/env bash
# `make demo` calls it, with .venv first on PATH:
#
#   demo.sh [NAME=VALUE...] -- [ANSIBLE_PLAYBOOK_ARGS...]
#
# starts the simulator on a free port, points the collection at it
# (HW_RES_ENDPOINT, HW_AUTH_URL and the NAME=VALUE words, see sample_env.py),
# runs the demo playbook, the inventory graph, a play on the stopped services
# and a compliance run from the collection tree, and stops the simulator (also
# on failure or Ctrl-C).
# The NAME=VALUE words are the Makefile's DEMO_ENV, the arguments after -- its
# DEMO_ARGS; DEMO_PLAYBOOK, DEMO_SIMULATOR, DEMO_DATA, DEMO_INVENTORY and
# DEMO_REPORT_DIR come from the environment.
set -euo pipefail

checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
playbook="${DEMO_PLAYBOOK:-playbooks/demo.yml}"
simulator="${DEMO_SIMULATOR:-tests/simulator/res_simulator.py}"
data="${DEMO_DATA:-tests/simulator/sample_data.json}"
inventory="${DEMO_INVENTORY:-playbooks/inventory/demo.infer_services.yml}"
report_dir="${DEMO_REPORT_DIR:-$checkout/build/reports}"
env_words=()
while [[ $# -gt 0 && "$1" != -- ]]; do env_words+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
playbook_args=("$@")
tree="${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}/ansible_collections/hwc/res"

cd "$checkout"
for file in "$simulator" "$data" "$playbook"; do
    if [[ ! -f "$file" ]]; then echo "demo: $file does not exist yet" >&2; exit 1; fi
done

port_file="$checkout/build/sim.port"
mkdir -p "$(dirname "$port_file")"
rm -f "$port_file"
python "$simulator" --port 0 --port-file "$port_file" --data "$data" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 100); do
    [[ -s "$port_file" ]] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "demo: the simulator exited early" >&2; exit 1; }
    sleep 0.1
done
[[ -s "$port_file" ]] || { echo "demo: the simulator wrote no port file in 10s" >&2; exit 1; }
port="$(tr -dc 0-9 < "$port_file")"

export HW_RES_ENDPOINT="http://127.0.0.1:$port"
export HW_AUTH_URL="http://127.0.0.1:$port/v3"
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
exports="$(python "$checkout/tests/simulator/sample_env.py" "$data" "${env_words[@]}")"
eval "$exports"

echo "demo: simulator at $HW_RES_ENDPOINT; ansible-playbook $playbook ${playbook_args[*]}"
cd "$tree"
ansible-playbook "$playbook" "${playbook_args[@]}"
echo "demo: every service an inventory host: ansible-inventory -i $inventory --graph"
ansible-inventory -i "$inventory" --graph
ansible-playbook -i "$inventory" playbooks/stopped_services_play.yml
# The sample breaks the nightly policy on purpose: report the violations, do not stop the demo.
echo "demo: compliance run, reports in $report_dir"
ansible-playbook playbooks/nightly_compliance.yml -e nightly_report_dir="$report_dir" \
    -e infer_service_compliance_fail_on_violation=false
