# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The floor of bench case 1: a module with no code of its own that makes the same two calls with requests.

It asks IAM for a token with the password of the environment and lists the services, the least any module
that answers the same question with requests must do; the collection's module is measured against it.
Not shipped: build_ignore leaves tests/bench out of the collection.
"""

import os

import requests
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"status": {"type": "str", "required": True}})
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": os.environ["HW_USER_NAME"], "password": os.environ["HW_USER_PASSWORD"],
            "domain": {"name": os.environ["HW_DOMAIN_NAME"]}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}
    with requests.Session() as session:
        token = session.post(os.environ["HW_AUTH_URL"] + "/auth/tokens", json=body, timeout=30)
        token.raise_for_status()
        project_id = token.json()["token"]["project"]["id"]
        listed = session.get("%s/v1/%s/infer-services" % (os.environ["HW_RES_ENDPOINT"], project_id),
                             headers={"X-Auth-Token": token.headers["X-Subject-Token"]}, timeout=30)
        listed.raise_for_status()
    services = [service for service in listed.json()["services"] if service["status"] == module.params["status"]]
    module.exit_json(changed=False, services=services)


if __name__ == "__main__":
    main()
