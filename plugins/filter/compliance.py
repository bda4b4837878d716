# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the compliance rules: compliance_policy, compliance_result and compliance_junit.

Each is documented in the YAML file of its own name beside this one. The rules
themselves are pure functions in plugin_utils/_compliance.py; these filters
only convert arguments, warn, and mark what the API sent as unsafe.
"""

import time

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display
from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    SUITE_NAME,
    check_services,
    evaluate,
    junit_report,
    normalize_policy,
    validated_now_ms,
)
from ansible_collections.hwc.res.plugins.plugin_utils._controller import raised_as
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


def compliance_result(services, policy=None, now_ms=None, project_ids=None, failed_projects=None):
    """``{"passed", "checked", "violations"}`` of ``services`` against ``policy``."""
    now_ms, project_ids = _now_ms(now_ms), _project_ids(project_ids)
    with raised_as(AnsibleFilterError):
        return make_unsafe(evaluate(services, policy, now_ms, project_ids, failed_projects))


def compliance_junit(services, policy=None, now_ms=None, project_ids=None, suite_name=SUITE_NAME,
                     failed_projects=None):
    """The checks of ``services`` against ``policy`` as JUnit XML text."""
    now_ms, project_ids = _now_ms(now_ms), _project_ids(project_ids)
    with raised_as(AnsibleFilterError):
        checks = check_services(services, policy, now_ms, project_ids, failed_projects)
        normalized, _warnings = normalize_policy(policy)
    return make_unsafe(junit_report(checks, now_ms, policy=normalized, project_ids=project_ids,
                                    suite_name=str(suite_name)))


class FilterModule:
    """Compliance rules for RES inference services."""

    def filters(self):
        return {
            "compliance_policy": compliance_policy,
            "compliance_result": compliance_result,
            "compliance_junit": compliance_junit,
        }
