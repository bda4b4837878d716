#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: infer_service_info
short_description: List Huawei Cloud RES inference services, filter them, and wait for a status
version_added: 1.0.0
description:
  - Reads the inference services of one or more Huawei Cloud Recommender System (RES) projects and workspaces,
    normalized for use in playbooks, and filters them by ID, name, status, type and sharing.
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
      - With O(projects), every poll reads all the projects, and a named service may exist in any of them.
        With O(fail_on_errors=true) a project that cannot be read ends the wait and fails the task; with
        O(fail_on_errors=false) the wait goes on over the projects that can be read.
      - Fails after O(wait_timeout) seconds, naming each service that is not there yet and its last status;
        the failure still returns RV(services) and RV(summary) of the last poll.
    type: bool
    default: false
  wait_status:
    description:
      - The statuses that end the wait.
      - As for O(status), the statuses RES documents (V(deploying), V(running), V(stopped), V(concerning)) match in
        any case (V(Running) is V(running)); any other value is matched exactly as given.
    type: list
    elements: str
    default: [running]
extends_documentation_fragment:
  - hwc.res.connection
  - hwc.res.service_filters
  - hwc.res.service_filters.output
  - hwc.res.projects
  - hwc.res.wait
  - ansible.builtin.action_common_attributes
  - hwc.res.attributes
  - hwc.res.attributes.actiongroup_res
notes:
  - With O(fail_on_errors=true), a failed task still returns RV(services), RV(summary) and RV(failed_projects)
    of what could be read, so a C(rescue) or C(ignore_errors) task can use them.
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
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
    fail_msg: "{{ res.summary.by_status.concerning | default(0) }} services are concerning"

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

- name: Read three projects at once, one of them in another region and workspace, and go on if one fails
  hwc.res.infer_service_info:
    projects:
      - 0a1b2c3d4e5f60718293a4b5c6d7e8f9
      - 1b2c3d4e5f60718293a4b5c6d7e8f90a
      - project_id: f9e8d7c6b5a4938271605f4e3d2c1b0a
        region: cn-east-3
        workspace_id: ws-2
    fail_on_errors: false
  register: estate

- name: Report the services per project, and each project that could not be read
  ansible.builtin.debug:
    msg:
      - "{{ estate.summary.by_project }}"
      - "{{ estate.failed_projects | map(attribute='msg') }}"
"""

RETURN = r"""
services:
  description:
    - The matched services, project after project in the order of O(projects), each project's sorted as the API
      sent them. Every field the API sent is kept, including ones this documentation does not list.
  returned: success, when a project or the details of a service could not be read, and on a O(wait) timeout
    (the last poll's services)
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
      sample: Production ranking model (DeepFM) behind the home feed
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
      description:
        - Whether the service is shared.
        - The text V(true) or V(false) (any case) is read as the boolean; any other value that is not a boolean is
          V(null), with a warning.
      type: bool
      returned: when the API sent it
      sample: false
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
      description: When the service was launched, in milliseconds since the epoch, as the API sent it.
      type: int
      returned: when the API sent it
      sample: 1547866687137
    publish_time_iso:
      description:
        - RV(services[].publish_time) in ISO 8601, UTC.
        - V(null) when the API sent no C(publish_time), or one that is not a time in epoch milliseconds (with a
          warning).
      type: str
      returned: always
      sample: "2019-01-19T02:58:07.137Z"
    update_time:
      description: When the service was last updated, in milliseconds since the epoch, as the API sent it.
      type: int
      returned: when the API sent it
      sample: 1547866687137
    update_time_iso:
      description:
        - RV(services[].update_time) in ISO 8601, UTC.
        - V(null) when the API sent no C(update_time), or one that is not a time in epoch milliseconds (with a
          warning).
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
      sample: https://8f7abc92ae1347e99d5f90d170ea2799.apigw.southchina.huaweicloud.com/v1/infers/84746641-9af3-4fa6-b6ed-850e1f63416c
    flows:
      description: The service's flows, as the API sent them; V([]) when it sent none.
      type: list
      elements: raw
      returned: when O(details=true)
      sample: [{"name": "flow_2", "flow_id": "cb8180177f5d4f29a6c75386c8e38090", "ratio": 0,
                "rules": [{"candidate_uuid": "d87b308e4d3c4e1ea8f0f1756fb8c11e"}]}]
summary:
  description: Counts over RV(services).
  returned: success, when a project or the details of a service could not be read, and on a O(wait) timeout
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
    by_project:
      description:
        - For each project that was read (by project ID), the same counts over its returned services,
          C(total) and C(by_status). A project that could not be read is absent.
      type: dict
      sample: {"0a1b2c3d4e5f60718293a4b5c6d7e8f9": {"total": 4, "by_status": {"running": 3, "stopped": 1}}}
failed_projects:
  description:
    - What could not be read, in the order of O(projects); empty when everything was read.
    - One entry per project and workspace whose service list could not be read, and one per service whose
      details (O(details=true)) could not be read.
  returned: success, and when a project or the details of a service could not be read
  type: list
  elements: dict
  contains:
    project_id:
      description: >-
        The project; when O(project_id) is not set, the ID derived from the credentials; V(null) only when it was
        to be derived and could not be.
      type: str
      sample: 1b2c3d4e5f60718293a4b5c6d7e8f90a
    workspace_id:
      description: The workspace.
      type: str
      sample: "0"
    service_id:
      description: The service whose details could not be read; V(null) when the service list could not be read.
      type: str
      sample: 84746641-9af3-4fa6-b6ed-850e1f63416c
    msg:
      description: What went wrong, naming the project, the workspace and (for details) the service.
      type: str
      sample: >-
        Could not read project 1b2c3d4e5f60718293a4b5c6d7e8f90a, workspace 0: RES GET
        /v1/1b2c3d4e5f60718293a4b5c6d7e8f90a/infer-services failed with HTTP 401 Unauthorized: res.2301: Failed to
        resolve the token from the request. Check the credentials and that they may read this project. Request ID:
        6a82defd5981bb609e8f22c9617d6eaf.
    status_code:
      description: HTTP status of the failed request; V(null) when no HTTP answer came.
      type: int
      sample: 401
    error_code:
      description: Error code the API sent; V(null) when it sent none.
      type: str
      sample: res.2301
query_result:
  description: The value of O(query) applied to RV(services).
  returned: when O(query) is given
  type: raw
  sample: [{"name": "res-rank-prod",
            "url": "https://8f7abc92ae1347e99d5f90d170ea2799.apigw.southchina.huaweicloud.com/v1/infers/84746641-9af3-4fa6-b6ed-850e1f63416c"}]
status_code:
  description: HTTP status of the failed request.
  returned: on failure, when an HTTP answer came
  type: int
  sample: 401
error_code:
  description:
    - Error code the API sent, such as V(res.2301) or V(APIGW.0301).
    - Read as Huawei Cloud's SDK reads it, from C(error_code), C(errorCode) or C(code), at the top of the body
      or in a nested object such as IAM's C(error).
  returned: on failure, when the API sent one
  type: str
  sample: APIGW.0301
error_msg:
  description:
    - Error text the API sent, from C(error_msg), C(errorMsg) or C(message), like RV(error_code).
    - Secrets the API echoed are replaced with C(<redacted>).
  returned: on failure, when the API sent one
  type: str
  sample: "Incorrect IAM authentication information: decrypt token fail"
encoded_authorization_message:
  description:
    - IAM's encoded reason for a denied request; decode it with IAM's decode-authorization API to learn which
      permission is missing.
  returned: on failure, when the API sent one
  type: str
  sample: 4Rt5Kg3S0ex1R2mXwFZ7FqOK2fVjHj0S4gJ1nrYbq0lJxBf6X7VuVTh3c1pq9oA2Tg8LmD5yE0wqN6sHkP3vC9a
request_id:
  description: The C(X-Request-Id) of the failed request, for Huawei Cloud support.
  returned: on failure, when the API sent one
  type: str
  sample: 6a82defd5981bb609e8f22c9617d6eaf
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.hwc.res.plugins.module_utils._config import endpoint_passwords
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import (
    FILTER_OPTIONS,
    OUTPUT_OPTIONS,
    PROJECTS_OPTIONS,
    WAIT_OPTIONS,
    module_argument_spec,
    whole_number,
)
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator, WaitTimeout
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter, run_query
from ansible_collections.hwc.res.plugins.module_utils._transport import REQUESTS_IMPORT_ERROR

MODULE_OPTIONS = {
    "service_id": {"type": "list", "elements": "str"},
    "wait": {"type": "bool", "default": False},
    "wait_status": {"type": "list", "elements": "str", "default": ["running"]},
}


def main():
    module = AnsibleModule(
        argument_spec=module_argument_spec(FILTER_OPTIONS, OUTPUT_OPTIONS, PROJECTS_OPTIONS, WAIT_OPTIONS,
                                           MODULE_OPTIONS),
        supports_check_mode=True,
    )
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    module.no_log_values.update(endpoint_passwords(params))
    service_filter = ServiceFilter.from_options(params.get, service_ids=params["service_id"])
    try:
        for name in WAIT_OPTIONS:
            whole_number(name, params[name])
        orchestrator = Orchestrator(params, params["projects"], params["max_workers"], params["fail_on_errors"],
                                    service_filter)
    except ResError as error:
        module.fail_json(**error.to_result())
    with orchestrator:
        try:
            if params["wait"]:
                services = orchestrator.wait(params["wait_status"], params["wait_timeout"], params["wait_sleep"])
            else:
                services = orchestrator.services()
            if params["details"]:
                services = orchestrator.add_details(services)
            result = dict(orchestrator.result(services), changed=False)
            failure, warnings = orchestrator.outcome()
            if params["query"] is not None and failure is None:
                result["query_result"] = run_query(services, params["query"])
        except WaitTimeout as error:
            module.fail_json(**dict(orchestrator.result(error.services), **error.to_result()))
        except ResError as error:
            module.fail_json(**error.to_result())
    for warning in warnings:
        module.warn(warning)
    if failure is not None:
        module.fail_json(**dict(result, **failure.to_result()))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
