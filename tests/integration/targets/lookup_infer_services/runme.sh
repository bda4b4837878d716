#!/usr/bin/env bash
# The lookup hwc.res.infer_services with credentials kept as playbooks keep them: a
# vaulted variable and lookup('env'). A role target cannot do this: the vault password
# and the controller's environment belong to the ansible-playbook command.
# ansible-test runs this script in the target's copy, integration_config.yml two folders up.
set -euo pipefail

config=../../integration_config.yml
export ANSIBLE_ROLES_PATH=..
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The endpoints and project as HW_* variables (as users export them), and the
# credentials the playbook reads with lookup('env'); nothing is echoed.
exports="$(python - "$config" <<'PYTHON'
import shlex
import sys

import yaml

config = yaml.safe_load(open(sys.argv[1]))
credentials = config["res_credentials"]
for name, value in (
        ("HW_RES_ENDPOINT", config["res_endpoint"]), ("HW_AUTH_URL", config["res_identity_endpoint"]),
        ("HW_PROJECT_ID", config["res_project_id"]),
        ("RES_AK", credentials["aksk"]["access_key"]), ("RES_SK", credentials["aksk"]["secret_key"]),
        ("RES_ST", credentials["temporary"]["security_token"]), ("RES_TOKEN", credentials["token"]["auth_token"]),
        ("RES_PASSWORD", credentials["password"]["password"])):
    print("export %s=%s" % (name, shlex.quote(value)))
PYTHON
)"
eval "$exports"

# The password only reaches the playbook vaulted, with a vault password made for this run.
python -c 'import secrets; print(secrets.token_hex(16))' > "$work/vault-password"
printf '%s' "$RES_PASSWORD" | ansible-vault encrypt_string --vault-password-file "$work/vault-password" \
    --stdin-name vault_res_password > "$work/vault.yml"
unset RES_PASSWORD

ansible-playbook lookup.yml -i "$INVENTORY_PATH" -e @"$config" -e @"$work/vault.yml" \
    --vault-password-file "$work/vault-password" "$@"
