#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: infer_service_info
short_description: List Huawei Cloud RES inference services, filter them, and wait for a status
version_added: 1.0.0
description:
  - Reads the inference services of a Huawei Cloud Recommender System (RES) project and workspace, normalized
    for use in playbooks, and filters them by ID, name, status, type and sharing.
  - Can also read each matched service's details, apply a JMESPath query, and wait until the matched services
    reach a status.
  - The module only reads; it never reports a change.
author:
  - hwc.res contributors (@hwc-res)
options:
  service_id:
    description:
      - Keep only the services with these IDs.
      - With O(wait=true), each of these services must also exist.
    type: list
    elements: str
  wait:
    description:
      - Poll until every matched service has a status in O(wait_status), and every service named by
        O(service_id) or by a O(name) without glob characters exists.
      - Fails after O(wait_timeout) seconds, naming each service that is not there yet and its last status.
    type: bool
    default: false
  wait_status:
    description:
      - The statuses that end the wait.
    type: list
    elements: str
    default: [running]
  wait_timeout:
    description:
      - How many seconds to wait at most.
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two polls.
    type: int
    default: 5
extends_documentation_fragment:
  - hwc.res.connection
  - hwc.res.service_filters
  - hwc.res.service_filters.output
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    description: Use C(group/hwc.res.res) in C(module_defaults) to set options once for all modules of this collection.
    support: full
    membership:
      - hwc.res.res
seealso:
  - plugin: hwc.res.infer_services
    plugin_type: lookup
    description: The same services as a list to loop over.
  - plugin: hwc.res.infer_services
    plugin_type: inventory
    description: Every service as an inventory host, grouped by status and project.
"""

EXAMPLES = r"""
- name: Read every service of the project (credentials from the HW_* environment)
  hwc.res.infer_service_info:
  register: res

- name: No service may be concerning
  ansible.builtin.assert:
    that: res.summary.by_status.concerning | default(0) == 0
    fail_msg: "{{ res.summary.by_status.concerning }} services are concerning"

- name: The ranking services must be running
  hwc.res.infer_service_info:
    name: res-rank-*
  register: ranking

- name: Assert they all run
  ansible.builtin.assert:
    that:
      - ranking.services | length > 0
      - ranking.services | rejectattr('status', 'equalto', 'running') | list | length == 0

- name: Read the stopped services with AK/SK credentials
  hwc.res.infer_service_info:
    access_key: "{{ vault_hw_access_key }}"
    secret_key: "{{ vault_hw_secret_key }}"
    project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    status: [stopped]
  register: stopped

- name: Report each stopped service
  ansible.builtin.debug:
    msg: "{{ item.service_name }} has been stopped since {{ item.update_time_iso }}"
  loop: "{{ stopped.services }}"
  loop_control:
    label: "{{ item.service_name }}"

- name: Set the connection once for every hwc.res module
  module_defaults:
    group/hwc.res.res:
      user: "{{ hw_user }}"
      password: "{{ vault_hw_password }}"
      domain: "{{ hw_domain }}"
      region: cn-north-4
  block:
    - name: Wait up to ten minutes until a new service runs
      hwc.res.infer_service_info:
        name: res-rank-v2
        wait: true
        wait_timeout: 600
        wait_sleep: 10

    - name: Get the inference URLs of the running real-time services
      hwc.res.infer_service_info:
        status: [running]
        infer_type: real-time
        details: true
        query: "[].{name: service_name, url: access_address}"
      register: endpoints

    - name: Show them
      ansible.builtin.debug:
        var: endpoints.query_result
"""

RETURN = r"""
services:
  description:
    - The matched services, sorted as the API sent them. Every field the API sent is kept, including ones
      this documentation does not list.
  returned: success
  type: list
  elements: dict
  contains:
    service_id:
      description: Service ID.
      type: str
      returned: always
      sample: 84746641-9af3-4fa6-b6ed-850e1f63416c
    service_name:
      description: Service name.
      type: str
      returned: always
      sample: res-rank-prod
    description:
      description: Service description; V(null) when the API sent none.
      type: str
      returned: always
    infer_type:
      description: Service type; V(real-time) for a real-time service.
      type: str
      returned: always
      sample: real-time
    status:
      description:
        - Service status, passed through as the API sent it.
        - RES documents V(deploying), V(running), V(stopped) and V(concerning).
      type: str
      returned: always
      sample: running
    is_shared:
      description: Whether the service is shared.
      type: bool
      returned: always
    invocation_times:
      description: Total calls of the service; V(null), with a warning, when the API sent something that is not a number.
      type: int
      returned: always
      sample: 5000
    failed_times:
      description: Failed calls of the service; V(null), with a warning, when the API sent something that is not a number.
      type: int
      returned: always
      sample: 12
    failure_rate:
      description: RV(services[].failed_times) divided by RV(services[].invocation_times); V(0.0) when there were
        no calls, V(null) when a counter is unknown.
      type: float
      returned: always
      sample: 0.0024
    publish_time:
      description: When the service was launched, in milliseconds since the epoch.
      type: int
      returned: always
      sample: 1547866687137
    publish_time_iso:
      description: RV(services[].publish_time) in ISO 8601, UTC.
      type: str
      returned: always
      sample: "2019-01-19T02:58:07.137Z"
    update_time:
      description: When the service was last updated, in milliseconds since the epoch.
      type: int
      returned: always
      sample: 1547866687137
    update_time_iso:
      description: RV(services[].update_time) in ISO 8601, UTC.
      type: str
      returned: always
      sample: "2019-01-19T02:58:07.137Z"
    project_id:
      description: The project that was read.
      type: str
      returned: always
      sample: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    workspace_id:
      description: The workspace that was read.
      type: str
      returned: always
      sample: "0"
    access_address:
      description: URL of the service's inference API.
      type: str
      returned: when O(details=true)
    flows:
      description: The service's flows, as the API sent them.
      type: list
      elements: raw
      returned: when O(details=true)
summary:
  description: Counts over RV(services).
  returned: success
  type: dict
  contains:
    total:
      description: Number of returned services.
      type: int
      sample: 4
    by_status:
      description: Number of returned services in each status; a status with no service is absent.
      type: dict
      sample: {"running": 3, "stopped": 1}
query_result:
  description: The value of O(query) applied to RV(services).
  returned: when O(query) is given
  type: raw
status_code:
  description: HTTP status of the failed request.
  returned: on failure, when an HTTP answer came
  type: int
  sample: 401
error_code:
  description: Error code the API sent, such as V(res.2301) or V(APIGW.0301).
  returned: on failure, when the API sent one
  type: str
  sample: APIGW.0301
error_msg:
  description: Error text the API sent.
  returned: on failure, when the API sent one
  type: str
request_id:
  description: The C(X-Request-Id) of the failed request, for Huawei Cloud support.
  returned: on failure, when the API sent one
  type: str
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hwc.res.plugins.module_utils._client import ConnectionConfig, ResClient, ResError
from ansible_collections.hwc.res.plugins.module_utils._options import FILTER_OPTIONS, OUTPUT_OPTIONS, module_argument_spec
from ansible_collections.hwc.res.plugins.module_utils._services import (
    ServiceFilter,
    pending_services,
    run_query,
    summarize,
)

MODULE_OPTIONS = {
    "service_id": {"type": "list", "elements": "str"},
    "wait": {"type": "bool", "default": False},
    "wait_status": {"type": "list", "elements": "str", "default": ["running"]},
    "wait_timeout": {"type": "int", "default": 300},
    "wait_sleep": {"type": "int", "default": 5},
}


def wait_for_services(client, service_filter, params):
    """Poll until nothing is pending; the final poll's services are returned with its warnings."""
    deadline = time.monotonic() + params["wait_timeout"]
    while True:
        services, warnings = client.find_services(service_filter)
        pending = pending_services(services, service_filter, params["wait_status"])
        if not pending:
            return services, warnings
        if time.monotonic() + params["wait_sleep"] > deadline:
            raise ResError("Timed out after %d seconds waiting for status %s: %s." % (
                params["wait_timeout"], " or ".join(params["wait_status"]), "; ".join(pending)))
        time.sleep(params["wait_sleep"])


def main():
    module = AnsibleModule(
        argument_spec=module_argument_spec(FILTER_OPTIONS, OUTPUT_OPTIONS, MODULE_OPTIONS),
        supports_check_mode=True,
    )
    params = module.params
    if params["wait_timeout"] < 0 or params["wait_sleep"] < 1:
        module.fail_json(msg="wait_timeout must be 0 or more and wait_sleep 1 or more, got %d and %d."
                         % (params["wait_timeout"], params["wait_sleep"]))
    service_filter = ServiceFilter.from_options(params.get, service_ids=params["service_id"])
    try:
        with ResClient(ConnectionConfig(params)) as client:
            if params["wait"]:
                services, warnings = wait_for_services(client, service_filter, params)
            else:
                services, warnings = client.find_services(service_filter)
            if params["details"]:
                client.add_details(services)
            result = {"changed": False, "services": services, "summary": summarize(services)}
            if params["query"] is not None:
                result["query_result"] = run_query(services, params["query"])
    except ResError as error:
        module.fail_json(**error.to_result())
    for warning in warnings:
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
