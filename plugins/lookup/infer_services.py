# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: infer_services
short_description: Huawei Cloud RES inference services, to loop over or pick from
version_added: 1.0.0
description:
  - Returns the inference services of one or more Huawei Cloud Recommender System (RES) projects and workspaces,
    normalized exactly as the RV(hwc.res.infer_service_info#module:services) that the M(hwc.res.infer_service_info)
    module returns, so a playbook can loop over them or pick one.
  - Select services by exact name or ID with the terms, by the filter options, or both.
  - The lookup only reads, and runs on the controller, so the credentials must be available there.
author:
  - hwc.res contributors (@hwc-res)
options:
  _terms:
    description:
      - Service names or service IDs, matched exactly (glob characters have no special meaning here).
        A term selects every service whose C(service_name) or C(service_id) equals it.
      - Services are returned in the order of the terms (for one term, in the order of O(projects)); a service
        selected by two terms is returned once.
      - With O(projects), a term must select a service in one of the projects read.
      - Without terms, every service that passes the filters is returned, in the order the API sent them.
    type: list
    elements: str
    required: false
  on_missing:
    description:
      - What to do when a term selects no service (after the filters).
      - V(error) fails; V(warn) warns and returns the other services; V(skip) returns the other services silently.
    type: str
    choices: [error, warn, skip]
    default: error
extends_documentation_fragment:
  - hwc.res.connection
  - hwc.res.connection.plugin
  - hwc.res.service_filters
  - hwc.res.service_filters.output
  - hwc.res.projects
notes:
  - With O(query), the lookup returns the value of the JMESPath expression, applied to the list of selected
    services, as a list; a value that is not a list (such as a string, a number or V(null)) is returned as a
    list of that one value.
  - >-
    Options are keyword arguments of the lookup call, so their values are Jinja expressions, as for any lookup:
    a variable, such as O(password=vault_hw_password), or another lookup, such as
    O(auth_token=lookup('ansible.builtin.env', 'RES_AUTH_TOKEN'\)). A quoted C({{ ... }}) is not rendered
    there; it would be sent as it is.
  - Pass secrets through variables (Ansible Vault) or the E(HW_*) environment, never as literal text in the
    lookup call. When a task fails, Ansible quotes the task's own lines in the error, and a literal secret
    written there would be shown with them.
  - Everything the API sent is marked unsafe, so a service name or description is never rendered as a template.
  - A keyword that is not an option of this lookup (a misspelled V(staus=stopped)) fails the lookup, naming it
    and the valid options, rather than returning every service.
seealso:
  - module: hwc.res.infer_service_info
    description: The same services as a task result, with a summary and waiting for a status.
  - plugin: hwc.res.infer_services
    plugin_type: inventory
    description: Every service as an inventory host, grouped by status and project.
"""

EXAMPLES = r"""
- name: Report every stopped service (credentials from the HW_* environment)
  ansible.builtin.debug:
    msg: "{{ item.service_name }} is stopped"
  loop: "{{ query('hwc.res.infer_services', status='stopped') }}"
  loop_control:
    label: "{{ item.service_name }}"

- name: Pick one service by name
  ansible.builtin.set_fact:
    prod: "{{ lookup('hwc.res.infer_services', 'res-rank-prod', wantlist=True) | first }}"

- name: The production and canary rankers must both run
  ansible.builtin.assert:
    that: >-
      query('hwc.res.infer_services', 'res-rank-prod', 'res-rank-canary')
      | rejectattr('status', 'equalto', 'running') | list | length == 0

- name: Inference URLs of the running ranking services, read with AK/SK from the vault
  ansible.builtin.debug:
    msg: "{{ query('hwc.res.infer_services', name='res-rank-*', status='running', details=true,
              query='[].access_address',
              access_key=vault_hw_access_key, secret_key=vault_hw_secret_key,
              project_id='0a1b2c3d4e5f60718293a4b5c6d7e8f9') }}"

- name: Warn, rather than fail, about a service that is gone
  ansible.builtin.debug:
    msg: "{{ query('hwc.res.infer_services', 'res-recall-v1', 'res-recall-v2', on_missing='warn') | length }}"

- name: The concerning services of three projects, one of them in another region; warn about a project that fails
  ansible.builtin.debug:
    msg: "{{ item.project_id }}: {{ item.service_name }} is concerning"
  loop: "{{ query('hwc.res.infer_services', status='concerning', fail_on_errors=false,
            projects=['0a1b2c3d4e5f60718293a4b5c6d7e8f9', '1b2c3d4e5f60718293a4b5c6d7e8f90a',
                      {'project_id': 'f9e8d7c6b5a4938271605f4e3d2c1b0a', 'region': 'cn-east-3'}]) }}"
  loop_control:
    label: "{{ item.service_name }}"

- name: The names of the services of workspace ws-2, in another region
  ansible.builtin.debug:
    msg: "{{ query('hwc.res.infer_services', region='cn-east-3', workspace_id='ws-2',
              query='[].service_name') }}"
"""

RETURN = r"""
_raw:
  description:
    - The selected services, each a dict normalized exactly as the RV(hwc.res.infer_service_info#module:services)
      that the M(hwc.res.infer_service_info) module returns (every field the API sent, counters as integers, C(failure_rate),
      C(publish_time_iso), C(update_time_iso), C(project_id), C(workspace_id); with O(details=true) also
      C(access_address) and C(flows)).
    - With O(query), the value of the query instead, as a list.
  type: list
  elements: raw
  sample:
    - service_id: 84746641-9af3-4fa6-b6ed-850e1f63416c
      service_name: res-rank-prod
      description: Production ranking model (DeepFM) behind the home feed
      infer_type: real-time
      status: running
      is_shared: false
      invocation_times: 5000
      failed_times: 12
      failure_rate: 0.0024
      publish_time: 1547866687137
      publish_time_iso: "2019-01-19T02:58:07.137Z"
      update_time: 1547866687137
      update_time_iso: "2019-01-19T02:58:07.137Z"
      project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
      workspace_id: "0"
"""

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import FILTER_OPTIONS
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter, run_query
from ansible_collections.hwc.res.plugins.module_utils._text import printable
from ansible_collections.hwc.res.plugins.plugin_utils._controller import (
    connection_options,
    raised_as,
    refuse_secret_containers,
)
from ansible_collections.hwc.res.plugins.plugin_utils._unsafe import make_unsafe

display = Display()


def service_terms(terms):
    """The terms as a flat list of names or IDs: ``query(..., names_list)`` passes a list as one term."""
    flat = []
    for term in terms:
        if isinstance(term, (list, tuple)):
            flat.extend(service_terms(term))
        elif isinstance(term, str):
            flat.append(term)
        else:
            raise ResError("Terms are service names or IDs (strings), got %r." % (term,))
    return flat


def select_by_terms(services, terms):
    """(services selected by the terms, in term order and without repeats; the terms that selected nothing)."""
    selected, missing, seen = [], [], set()
    for term in terms:
        matches = [service for service in services if term in (service["service_name"], service["service_id"])]
        if not matches:
            missing.append(term)
        for service in matches:
            if id(service) not in seen:
                seen.add(id(service))
                selected.append(service)
    return selected, missing


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        with raised_as(AnsibleLookupError):
            self._reject_unknown(kwargs)
            refuse_secret_containers(kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        with raised_as(AnsibleLookupError):
            return make_unsafe(self._services(service_terms(terms), given=kwargs))

    def _reject_unknown(self, keywords):
        """Fail on a keyword that is no option: Ansible would ignore a misspelled filter and return every service."""
        valid = sorted(name for name in C.config.get_configuration_definitions("lookup", self._load_name)
                       if name != "_terms")
        unknown = sorted(name for name in keywords if name not in valid)
        if unknown:
            raise ResError("hwc.res.infer_services: unknown option%s %s. Valid options: %s." % (
                "s" if len(unknown) > 1 else "", ", ".join(printable(name) for name in unknown),
                ", ".join(valid)))

    def _services(self, terms, given):
        with Orchestrator(connection_options(self.get_option, given), self.get_option("projects"),
                          self.get_option("max_workers"), self.get_option("fail_on_errors"),
                          ServiceFilter.from_options(self.get_option)) as orchestrator:
            services = orchestrator.services()
            missing = []
            if terms:
                services, missing = select_by_terms(services, terms)
            # Details of services that are about to fail the task anyway are not worth a request.
            if self.get_option("details") and not (orchestrator.fail_on_errors and orchestrator.failed_projects()):
                services = orchestrator.add_details(services)
            # A project that cannot be read fails before the terms are judged: its services would seem missing.
            failure, warnings = orchestrator.outcome()
            if failure is not None:
                raise failure
            if missing:
                self._report_missing(missing, orchestrator)
        for warning in warnings:
            display.warning(warning)
        expression = self.get_option("query")
        if expression is None:
            return services
        value = run_query(services, expression)
        return value if isinstance(value, list) else [value]

    def _report_missing(self, missing, orchestrator):
        on_missing = self.get_option("on_missing")
        if on_missing == "skip":
            return
        filters = [name for name in FILTER_OPTIONS if self.get_option(name) is not None]
        passing = " that passes the filters (%s)" % ", ".join(filters) if filters else ""
        reads = orchestrator.reads
        where = "%s%s" % ("; ".join("project %s, workspace %s" % (read.project_id, read.config.workspace_id)
                                    for read in reads if not read.error) or "no project that could be read", passing)
        if len(missing) == 1:
            message = "The term %r matches the name or ID of no service in %s." % (missing[0], where)
        else:
            message = "These terms match the name or ID of no service in %s: %s." % (
                where, ", ".join(repr(term) for term in missing))
        # The service may well be in a project that could not be read: say why each could not.
        unread = [read.failure_message() for read in reads if read.error]
        if unread:
            message += " %s may be in %s that could not be read: %s" % (
                "It" if len(missing) == 1 else "They", "a project" if len(unread) == 1 else "projects", " ".join(unread))
        if on_missing == "error":
            raise ResError(message)
        display.warning(message)
