#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: infer_service
short_description: Start, stop or delete a Huawei Cloud RES inference service
version_added: 1.1.0
description:
  - Brings one inference service of a Huawei Cloud Recommender System (RES) project and workspace to a state,
    running, stopped, or deleted.
  - Reads the service list once to find the service, decides, then sends at most one write, a C(PATCH) of the
    service's status or a C(DELETE) of the service, on the same authentication, retries and deadlines as
    M(hwc.res.infer_service_info).
  - O(state=running) starts a service that is V(stopped); one that is V(deploying) is on its way and gets no write.
    A service that is V(concerning) runs already, and RES has no call that restarts a service, so it is left as it is
    with a warning. A service whose status RES does not document is not started; the task fails and says so.
  - O(state=stopped) stops a service in any other status than V(stopped).
  - O(state=absent) deletes the service; a service that is not listed, or that RES no longer knows when it is
    deleted (error code C(res.4721)), is no change. When the C(DELETE) was retried (see O(retries)), an attempt
    whose answer was lost may have deleted it, so that is a change.
author:
  - hwc.res contributors (@hwc-res)
options:
  service_id:
    description:
      - The ID of the service.
      - At least one of O(service_id) and O(name) is required. When both are given, they must name the same
        service, or the task fails and nothing is written.
    type: str
  name:
    description:
      - The name (C(service_name)) of the service, matched exactly.
      - A name that several services of the project and workspace share fails the task, listing each of them
        with its ID and status, and nothing is written; choose one with O(service_id).
    type: str
  state:
    description:
      - The state the service must be in.
    type: str
    required: true
    choices: [running, stopped, absent]
  wait:
    description:
      - Poll the service list until the service has the status of O(state) (V(running) or V(stopped)), or is no
        longer listed (O(state=absent)). A service that is V(concerning) counts as running.
      - A started service reads V(deploying) for a while before it runs.
      - Fails after O(wait_timeout) seconds, naming the status the service had at the last poll, and returns it
        as RV(service); what was written stays written.
    type: bool
    default: true
extends_documentation_fragment:
  - hwc.res.connection
  - hwc.res.wait
  - ansible.builtin.action_common_attributes
  - hwc.res.attributes
  - hwc.res.attributes.actiongroup_res
notes:
  - Credentials that only read (a read-only IAM user for compliance jobs) are refused on the write, with the HTTP
    status and the error code RES sends; the task then says that nothing was changed.
  - A failed task says whether anything was changed, in its message and in RV(changed). A write that fails without
    an answer that says whether RES did it (a timeout, HTTP 5xx, or a refusal after a retry) may have been done all
    the same; the message says so, and RV(changed) is V(false) as no answer said RES accepted it.
attributes:
  check_mode:
    support: full
    details: In check mode the module only reads the service list; RV(changed) says whether a write would be sent.
  diff_mode:
    support: full
    details: The diff shows the service's C(state) (V(present) or V(absent)), ID, name and status before and after.
seealso:
  - module: hwc.res.infer_service_info
    description: Read the services, filter them and wait for a status.
  - plugin: hwc.res.infer_services
    plugin_type: lookup
    description: The services as a list to loop over.
"""

EXAMPLES = r"""
- name: Start every stopped service of the project (credentials from the HW_* environment)
  hwc.res.infer_service:
    service_id: "{{ item.service_id }}"
    state: running
  loop: "{{ query('hwc.res.infer_services', status='stopped') }}"
  loop_control:
    label: "{{ item.service_name }}"

- name: Stop a service by name, without waiting for it
  hwc.res.infer_service:
    name: res-ctr-experiment
    state: stopped
    wait: false

- name: Delete a service by ID and wait until it is gone
  hwc.res.infer_service:
    service_id: 1d3c5d4e-02b6-4a66-a4b5-2fd4c0ab2e1f
    state: absent
    wait_timeout: 120
  register: deleted

- name: Say what happened
  ansible.builtin.debug:
    msg: "{{ 'Deleted' if deleted.changed else 'Already gone' }}"
"""

RETURN = r"""
changed:
  description: Whether a write was sent and RES accepted it (in check mode, whether one would be sent).
  returned: always
  type: bool
  sample: true
service:
  description:
    - The service after the change, normalized exactly like one entry of
      RV(hwc.res.infer_service_info#module:services) that M(hwc.res.infer_service_info) returns (every field
      the API sent, counters as integers, C(failure_rate), C(publish_time_iso), C(update_time_iso),
      C(project_id), C(workspace_id)).
    - With O(wait=true), as the last poll read it; with O(wait=false), as read once after the write.
    - In check mode, and when nothing had to change, the service as it is.
    - V(null) after a delete, and when the service does not exist.
  returned: always
  type: dict
  sample:
    service_id: 84746641-9af3-4fa6-b6ed-850e1f63416c
    service_name: res-rank-prod
    status: running
    infer_type: real-time
    invocation_times: 5000
    failed_times: 12
    failure_rate: 0.0024
    project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    workspace_id: "0"
  contains:
    service_id:
      description: Service ID.
      type: str
      sample: 84746641-9af3-4fa6-b6ed-850e1f63416c
    service_name:
      description: Service name.
      type: str
      sample: res-rank-prod
    status:
      description: Service status, as the API sent it; a started service reads V(deploying) before V(running).
      type: str
      sample: running
    project_id:
      description: The project.
      type: str
      sample: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    workspace_id:
      description: The workspace.
      type: str
      sample: "0"
status_code:
  description: HTTP status of the failed request.
  returned: on failure, when an HTTP answer came
  type: int
  sample: 403
error_code:
  description: Error code the API sent, such as V(RES.5502) or V(APIGW.0301).
  returned: on failure, when the API sent one
  type: str
  sample: RES.5502
error_msg:
  description:
    - Error text the API sent. Secrets the API echoed are replaced with C(<redacted>).
  returned: on failure, when the API sent one
  type: str
  sample: The operation is not registered.
request_id:
  description: The C(X-Request-Id) of the failed request, for Huawei Cloud support.
  returned: on failure, when the API sent one
  type: str
  sample: 5c1d4ea3a0d94f8c9e2b7f61d3c8a9b0
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.hwc.res.plugins.module_utils._config import endpoint_passwords
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import WAIT_OPTIONS, module_argument_spec, whole_number
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator, WaitTimeout
from ansible_collections.hwc.res.plugins.module_utils._service_data import DELETE, START, STATES, STOP, state_change
from ansible_collections.hwc.res.plugins.module_utils._text import printable
from ansible_collections.hwc.res.plugins.module_utils._transport import REQUESTS_IMPORT_ERROR

MODULE_OPTIONS = {
    "service_id": {"type": "str"},
    "name": {"type": "str"},
    "state": {"type": "str", "required": True, "choices": list(STATES)},
    "wait": {"type": "bool", "default": True},
}


def main():
    module = AnsibleModule(argument_spec=module_argument_spec(WAIT_OPTIONS, MODULE_OPTIONS),
                           required_one_of=[("service_id", "name")], supports_check_mode=True)
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    module.no_log_values.update(endpoint_passwords(params))
    try:
        for name in WAIT_OPTIONS:
            whole_number(name, params[name])
        orchestrator = Orchestrator(params)
    except ResError as error:
        module.fail_json(changed=False, **error.to_result())
    with orchestrator:
        module.exit_json(**apply_state(module, orchestrator))


def apply_state(module, orchestrator):
    """Read, decide, write at most once, wait; the module's result (it fails the module on any error)."""
    params, state = module.params, module.params["state"]
    try:
        service = orchestrator.find_service(params["service_id"], params["name"])
        change, warning = state_change(service, state)
    except ResError as error:
        module.fail_json(changed=False, **dict(error.to_result(), msg=error.message + " Nothing was changed."))
    if service is None and state != "absent":
        module.fail_json(changed=False, msg="No service %s in %s; nothing was changed." % (
            _wanted(params), orchestrator.where))
    if warning:
        module.warn(warning)
    result = {"changed": change is not None, "service": service}
    if module._diff:
        result["diff"] = {"before": _diff_view(service), "after": _diff_view(service, change)}
    if module.check_mode or service is None:
        return result
    if change is not None:
        try:
            result["changed"] = orchestrator.change_state(service, change)
        except ResError as error:
            module.fail_json(changed=False, service=service, **dict(
                error.to_result(), msg="%s %s" % (error.message, _not_done(error, change))))
    done = _done(result["changed"], change, service)
    try:
        if params["wait"]:
            result["service"] = orchestrator.wait_for_state(service["service_id"], state, params["wait_timeout"],
                                                            params["wait_sleep"])
        elif state == "absent":
            result["service"] = None
        elif result["changed"]:
            result["service"] = orchestrator.find_service(service["service_id"])
    except WaitTimeout as error:
        last = next((entry for entry in error.services if entry["service_id"] == service["service_id"]), None)
        module.fail_json(changed=result["changed"], service=last, msg="%s%s" % (done, error.message))
    except ResError as error:
        module.fail_json(changed=result["changed"], service=service, **dict(
            error.to_result(), msg="%s%s" % (done, error.message)))
    return result


def _wanted(params):
    """How a message names the service the task asks for."""
    named = [] if params["service_id"] is None else ["with the ID %s" % printable(params["service_id"])]
    if params["name"] is not None:
        named.append("named %s" % printable(params["name"]))
    return " and ".join(named)


def _not_done(error, change):
    """What a failed write must say of the change: refused, or not known when no answer said (RES may have done it)."""
    if error.status_code is not None and error.status_code < 500 and not error.retried:
        return "Nothing was changed: the %s was refused." % change
    return "The %s may have been done all the same, as no answer of RES said whether it was: read the service to " \
        "see." % change


def _done(changed, change, service):
    """What a failure after the write must say was done already."""
    if not changed:
        return ""
    return "RES accepted the %s of service %s (%s), but: " % (
        change, printable(service["service_name"]), printable(service["service_id"]))


def _diff_view(service, change=None):
    """The service as a diff shows it, before (no ``change``) or after ``change``."""
    if service is None or change == DELETE:
        return {"state": "absent"}
    status = {START: "running", STOP: "stopped"}.get(change, service["status"])
    return {"state": "present", "service_id": service["service_id"], "service_name": service["service_name"],
            "status": status}


if __name__ == "__main__":
    main()
