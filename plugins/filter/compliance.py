# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the compliance rules: compliance_policy, compliance_result, compliance_junit, and the two of
remediation, compliance_to_start and compliance_remediated.

Each is documented in the YAML file of its own name beside this one. The rules
themselves are pure functions in plugin_utils/_compliance.py, the JUnit writer
is plugin_utils/_junit.py; these filters only convert arguments, warn, and mark
what the API sent as unsafe.
"""

import time

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display
from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    check_services,
    evaluate,
    normalize_policy,
    normalize_remediated,
    remediation_checks,
    remediation_records,
    services_to_start,
    validated_now_ms,
)
from ansible_collections.hwc.res.plugins.plugin_utils._controller import raised_as
from ansible_collections.hwc.res.plugins.plugin_utils._junit import SUITE_NAME, junit_report
from ansible_collections.hwc.res.plugins.plugin_utils._unsafe import make_unsafe

display = Display()


def _now_ms(now_ms):
    with raised_as(AnsibleFilterError):
        return validated_now_ms(int(time.time() * 1000) if now_ms is None else now_ms)


def _project_ids(project_ids):
    if project_ids is None:
        return []
    if isinstance(project_ids, str) or not isinstance(project_ids, (list, tuple)):
        raise AnsibleFilterError("project_ids must be a list of project IDs, not %r." % (project_ids,))
    return [str(project_id) for project_id in project_ids]


def compliance_policy(policy):
    """The policy with its defaults filled in; fails on a bad one, warns on an unknown status."""
    with raised_as(AnsibleFilterError):
        normalized, warnings = normalize_policy(policy)
    for warning in warnings:
        display.warning(warning)
    return normalized


def compliance_result(services, policy=None, now_ms=None, project_ids=None, failed_projects=None, remediated=None):
    """``{"passed", "checked", "violations"}`` of ``services`` against ``policy``, and ``remediated`` if given."""
    now_ms, project_ids = _now_ms(now_ms), _project_ids(project_ids)
    with raised_as(AnsibleFilterError):
        result = evaluate(services, policy, now_ms, project_ids, failed_projects)
        if remediated is not None:
            result["remediated"] = normalize_remediated(remediated)
    return make_unsafe(result)


def compliance_junit(services, policy=None, now_ms=None, project_ids=None, suite_name=SUITE_NAME,
                     failed_projects=None, remediated=None):
    """The checks of ``services`` against ``policy``, then each remediation, as JUnit XML text."""
    now_ms, project_ids = _now_ms(now_ms), _project_ids(project_ids)
    with raised_as(AnsibleFilterError):
        checks = check_services(services, policy, now_ms, project_ids, failed_projects) + remediation_checks(
            remediated)
        normalized, _warnings = normalize_policy(policy)
    return make_unsafe(junit_report(checks, now_ms, policy=normalized, project_ids=project_ids,
                                    suite_name=str(suite_name)))


def compliance_to_start(services, policy=None):
    """The services remediation starts: those the policy requires running that are stopped."""
    with raised_as(AnsibleFilterError):
        return make_unsafe(services_to_start(services, policy))


def compliance_remediated(start_results, check_mode=False):
    """The remediation records of the results of a loop of hwc.res.infer_service."""
    try:
        check_mode = boolean(check_mode, strict=True)
    except TypeError:
        raise AnsibleFilterError("check_mode must be true or false (ansible_check_mode), not %r." % (check_mode,))
    with raised_as(AnsibleFilterError):
        return make_unsafe(remediation_records(start_results, check_mode))


class FilterModule:
    """Compliance rules for RES inference services."""

    def filters(self):
        return {
            "compliance_policy": compliance_policy,
            "compliance_result": compliance_result,
            "compliance_junit": compliance_junit,
            "compliance_to_start": compliance_to_start,
            "compliance_remediated": compliance_remediated,
        }
