# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Compliance rules over normalized RES services, and what remediating them takes.

Pure functions over plain data (the ``services`` that ``infer_service_info``
returns, and a policy dict), used by the filters ``hwc.res.compliance_*`` and,
through them, by the role ``hwc.res.infer_service_compliance``. The current
time is a parameter, so every outcome can be reproduced. Their JUnit report is
written by ``_junit.py``.

Every rule the policy turns on gives each service one *check*: ``passed``,
``failed`` (with a sentence a person can act on) or ``skipped`` (the rule does
not apply to that service, with the reason). A required name that matches no
service of a project is one more failed check. A project that could not be
read (an entry of the module's ``failed_projects``) is one failed check of the
rule ``readable``: nobody could check it, which is a finding, not a crash. The
fact the role sets keeps only the failed checks (the violations); the JUnit
report shows them all.

Remediation starts the services a required name matches that are stopped
(``services_to_start``); each start is one record (``remediation_records``)
and, in the JUnit report, one check of the step ``remediation``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
from datetime import datetime, timezone
from fnmatch import fnmatchcase

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import DOCUMENTED_STATUSES
from ansible_collections.hwc.res.plugins.module_utils._text import printable

# The rules in the order they are checked and reported.
RULES = ("required_running", "forbidden_statuses", "max_failure_rate", "allow_shared", "max_deploying_minutes")

# The policy: the role's variables without their ``infer_service_compliance_`` prefix.
# meta/argument_specs.yml of the role declares the same options; a unit test holds the two in step.
POLICY_SPEC = {
    "required_running": {"type": "list", "elements": "str", "default": []},
    "forbidden_statuses": {"type": "list", "elements": "str", "default": ["concerning"]},
    "max_failure_rate": {"type": "float"},
    "min_invocations": {"type": "int", "default": 100},
    "allow_shared": {"type": "bool", "default": True},
    "max_deploying_minutes": {"type": "int"},
}

# Statuses RES documents, and those newer Huawei inference APIs add; anything else is probably a typo.
KNOWN_STATUSES = DOCUMENTED_STATUSES + ("failed", "stopping", "deleting", "pending", "waiting")

# Always checked: that each project could be read at all.
READABLE = "readable"

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
VIOLATION_KEYS = ("project_id", "service_name", "service_id", "rule", "detail")

# The times rules and reports compute with, in milliseconds since the epoch: those a date can show,
# from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (as the ISO twins of the module's times).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EARLIEST_MS = -62135596800000
LATEST_MS = 253402300799999
_TIME_RANGE = "from %d (0001-01-01T00:00:00Z) to %d (9999-12-31T23:59:59.999Z)" % (EARLIEST_MS, LATEST_MS)
_INTEGER_TEXT = re.compile(r"\s*[+-]?[0-9]+\s*\Z")


def normalize_policy(policy):
    """Validate a policy dict and fill in the defaults; returns ``(policy, warnings)``.

    Values are converted the way Ansible converts module options (``"0.05"``
    becomes 0.05, ``"no"`` False, ``"a,b"`` a list), so a policy built from
    extra vars works. ``None`` stands for "not set". Raises ResError naming
    every problem.
    """
    if policy is None:
        policy = {}
    if not isinstance(policy, dict):
        raise ResError("The compliance policy must be a dict, not %s." % type(policy).__name__)
    unknown = sorted(str(key) for key in policy if key not in POLICY_SPEC)
    if unknown:
        raise ResError("Invalid compliance policy: unknown %s %s; the policy knows %s." % (
            "key" if len(unknown) == 1 else "keys", ", ".join(unknown), ", ".join(sorted(POLICY_SPEC))))
    given = dict((key, value) for key, value in policy.items() if value is not None)
    result = ArgumentSpecValidator(POLICY_SPEC).validate(given)
    problems = [str(message).rstrip(".") for message in result.error_messages]
    if problems:
        raise ResError("Invalid compliance policy: %s." % "; ".join(problems))
    normalized = result.validated_parameters
    if any(not name for name in normalized["required_running"]):
        problems.append("required_running holds an empty name")
    rate = normalized["max_failure_rate"]
    if rate is not None and not 0.0 <= rate <= 1.0:
        problems.append("max_failure_rate is a fraction from 0 to 1 (0.05 for 5%%), not %s" % rate)
    for name in ("min_invocations", "max_deploying_minutes"):
        if normalized[name] is not None and normalized[name] < 0:
            problems.append("%s must be 0 or more, not %s" % (name, normalized[name]))
    if problems:
        raise ResError("Invalid compliance policy: %s." % "; ".join(problems))
    warnings = ["forbidden_statuses: %r is not a status RES uses (%s); check its spelling." % (
        status, ", ".join(KNOWN_STATUSES)) for status in normalized["forbidden_statuses"]
        if status not in KNOWN_STATUSES]
    return normalized, warnings


def validated_now_ms(now_ms):
    """``now_ms`` as whole milliseconds since the epoch, from EARLIEST_MS to LATEST_MS; raises ResError.

    A number or its text (extra vars are text); a fraction of a millisecond is dropped. Booleans,
    NaN, infinities and times no date can show are refused with the range to pick from.
    """
    value = now_ms
    if isinstance(value, str) and _INTEGER_TEXT.match(value) and len(value.strip().lstrip("+-")) <= 20:
        value = int(value)
    elif isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, float) and math.isfinite(value):
        value = int(math.floor(value))
    if not isinstance(value, int) or isinstance(value, bool) or not EARLIEST_MS <= value <= LATEST_MS:
        raise ResError("now_ms must be a time in milliseconds since the epoch, %s, not %s." % (
            _TIME_RANGE, _shown(now_ms)))
    return value


def _shown(value):
    """``value`` as a message shows it: a number or text as written (cut when long), anything else by its type."""
    if value is None or isinstance(value, (str, float, int)) and not isinstance(value, bool):
        text = repr(value)
        return printable(text if len(text) <= 40 else text[:37] + "...")
    return "a %s" % type(value).__name__


def enabled_rules(policy):
    """The rules a normalized policy turns on, in RULES order."""
    switched_on = {
        "required_running": bool(policy["required_running"]),
        "forbidden_statuses": bool(policy["forbidden_statuses"]),
        "max_failure_rate": policy["max_failure_rate"] is not None,
        "allow_shared": not policy["allow_shared"],
        "max_deploying_minutes": policy["max_deploying_minutes"] is not None,
    }
    return [rule for rule in RULES if switched_on[rule]]


def _whole(value):
    """``value`` when it is an integer (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _percentages(rate, limit):
    """Both fractions as percentages, with one decimal, or as many more as it takes to tell them apart."""
    for decimals in range(1, 7):
        texts = ["%.*f%%" % (decimals, value * 100) for value in (rate, limit)]
        if texts[0] != texts[1]:
            break
    return texts


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _required_running(service, policy, _now_ms):
    if not any(fnmatchcase(service["service_name"], pattern) for pattern in policy["required_running"]):
        return SKIPPED, "not named by required_running"
    if service["status"] == "running":
        return PASSED, None
    return FAILED, "required running, but it is %s" % service["status"]


def _forbidden_statuses(service, policy, _now_ms):
    if service["status"] in policy["forbidden_statuses"]:
        return FAILED, "status %s is forbidden" % service["status"]
    return PASSED, None


def _max_failure_rate(service, policy, _now_ms):
    calls, failures = _whole(service.get("invocation_times")), _whole(service.get("failed_times"))
    if calls is None or failures is None:
        return SKIPPED, "its call counters are unknown"
    if calls < policy["min_invocations"]:
        return SKIPPED, "%s, fewer than the %d needed to judge its failure rate" % (
            _plural(calls, "call"), policy["min_invocations"])
    rate = float(failures) / calls if calls else 0.0
    if rate <= policy["max_failure_rate"]:
        return PASSED, None
    shown, limit = _percentages(rate, policy["max_failure_rate"])
    return FAILED, "failure rate %s exceeds %s (%d of %d calls)" % (shown, limit, failures, calls)


def _allow_shared(service, _policy, _now_ms):
    if service.get("is_shared") is True:
        return FAILED, "shared services are not allowed"
    return PASSED, None


def _max_deploying_minutes(service, policy, now_ms):
    if service["status"] != "deploying":
        return PASSED, None
    updated = _whole(service.get("update_time"))
    if updated is None:
        return SKIPPED, "its update time is unknown"
    if not EARLIEST_MS <= updated <= LATEST_MS:
        # API data, like an odd counter: the rule cannot judge this service, the others still can.
        return SKIPPED, "its update time %s is not a time from year 1 to 9999" % _shown(updated)
    minutes = max(0, (now_ms - updated) // 60000)
    if minutes <= policy["max_deploying_minutes"]:
        return PASSED, None
    return FAILED, "deploying for %s, more than the %d allowed" % (
        _plural(minutes, "minute"), policy["max_deploying_minutes"])


_CHECKS = {
    "required_running": _required_running,
    "forbidden_statuses": _forbidden_statuses,
    "max_failure_rate": _max_failure_rate,
    "allow_shared": _allow_shared,
    "max_deploying_minutes": _max_deploying_minutes,
}


def _check(project_id, service_name, service_id, rule, outcome, reason):
    """One check. ``detail`` is the violation sentence of a failed check, the reason of a skipped one."""
    if outcome == FAILED:
        reason = "%s: %s" % (service_name, reason)
    # The sentence goes into the role's failure message: a control character in a name or status must not act.
    return {"project_id": project_id, "service_name": service_name, "service_id": service_id,
            "rule": rule, "outcome": outcome, "detail": None if reason is None else printable(reason)}


def _validated_services(services):
    if not isinstance(services, (list, tuple)):
        raise ResError("Compliance rules apply to a list of services (the 'services' that hwc.res.infer_service_info "
                       "returns), not to %s." % type(services).__name__)
    for index, service in enumerate(services):
        if not isinstance(service, dict) or not all(
                isinstance(service.get(key), str) for key in ("service_name", "status")):
            raise ResError("Service %d has no text service_name and status; compliance rules apply to the 'services' "
                           "that hwc.res.infer_service_info returns." % index)
    return services


def _validated_failures(failed_projects):
    if failed_projects is None:
        return []
    if not isinstance(failed_projects, (list, tuple)):
        raise ResError("failed_projects must be the list that hwc.res.infer_service_info returns, not %s."
                       % type(failed_projects).__name__)
    for index, failure in enumerate(failed_projects):
        if not isinstance(failure, dict) or not isinstance(failure.get("msg"), str) or not isinstance(
                failure.get("project_id"), (str, type(None))):
            raise ResError("failed_projects[%d] has no text msg and project_id; it must be an entry of the "
                           "failed_projects that hwc.res.infer_service_info returns." % index)
    return list(failed_projects)


def _ordered_projects(records, project_ids):
    """``project_ids``, then the other projects of ``records`` (services or checks), each once; [None] if none."""
    projects = []
    for project_id in list(project_ids or []) + [record.get("project_id") for record in records]:
        if project_id not in projects:
            projects.append(project_id)
    return projects or [None]


def check_services(services, policy, now_ms, project_ids=None, failed_projects=None):
    """Every check of ``services`` against ``policy`` at ``now_ms`` (epoch milliseconds).

    ``project_ids`` are the projects to check: a required name must match a
    service in each of them (and in each project a service comes from).
    ``failed_projects`` (as the module returns them) are reads that failed:
    each is a failed ``readable`` check, and a project with one is not held
    to the required names, which nobody could check. Checks are ordered by
    project, then service, then rule; the required names a project lacks
    come after its services.
    """
    services = _validated_services(services)
    failures = _validated_failures(failed_projects)
    policy, _warnings = normalize_policy(policy)
    now_ms = validated_now_ms(now_ms)
    rules = enabled_rules(policy)
    checks = []
    for project_id in _ordered_projects(services + failures, project_ids):
        unreadable = [failure for failure in failures if failure.get("project_id") == project_id]
        for failure in unreadable:
            checks.append({"project_id": project_id, "service_name": None, "service_id": failure.get("service_id"),
                           "rule": READABLE, "outcome": FAILED, "detail": failure["msg"]})
        in_project = [service for service in services if service.get("project_id") == project_id]
        for service in in_project:
            for rule in rules:
                outcome, reason = _CHECKS[rule](service, policy, now_ms)
                checks.append(_check(project_id, service["service_name"], service.get("service_id"),
                                     rule, outcome, reason))
        for pattern in [] if unreadable else policy["required_running"]:
            if not any(fnmatchcase(service["service_name"], pattern) for service in in_project):
                checks.append(_check(project_id, pattern, None, "required_running", FAILED,
                                     "no service matches this required name"))
    return checks


def result_from_checks(checks, checked):
    """The role's fact: ``{"passed", "checked", "violations"}``; ``checked`` counts the services."""
    violations = [dict((key, check[key]) for key in VIOLATION_KEYS) for check in checks if check["outcome"] == FAILED]
    return {"passed": not violations, "checked": checked, "violations": violations}


def evaluate(services, policy, now_ms, project_ids=None, failed_projects=None):
    """Check ``services`` against ``policy``; returns the role's fact (see result_from_checks)."""
    return result_from_checks(check_services(services, policy, now_ms, project_ids, failed_projects), len(services))


# ---- remediation ----------------------------------------------------------------------------------------------------

# Not a rule of the policy but a step of the role: the start of a stopped required service, one check each.
REMEDIATION = "remediation"
REMEDIATION_KEYS = ("project_id", "service_id", "service_name", "status_before", "status_after", "error")


def services_to_start(services, policy):
    """The services remediation starts: those a ``required_running`` name matches that are ``stopped``.

    Nothing else: a ``deploying`` service is on its way already, a ``concerning`` one runs (RES has no call
    that restarts it), and a required name that matches no service names nothing to start.
    """
    services = _validated_services(services)
    policy, _warnings = normalize_policy(policy)
    return [service for service in services if service["status"] == "stopped"
            and any(fnmatchcase(service["service_name"], pattern) for pattern in policy["required_running"])]


def remediation_records(start_results, check_mode=False):
    """One record per start, from the ``results`` of a registered loop of hwc.res.infer_service over services.

    A record holds the service (``project_id``, ``service_id``, ``service_name``), its ``status_before`` (the
    loop item's), its ``status_after`` (that of the service the module returned: ``running`` once the wait
    ended, the status of the last poll when it timed out, the status read when the start was refused) and
    ``error``, the module's message when the start failed, else None. In check mode a start that would be sent
    has ``status_after`` None: nothing was started. Items the loop skipped are left out.
    """
    if not isinstance(start_results, (list, tuple)):
        raise ResError("Remediation records are made of the 'results' list of a registered loop of "
                       "hwc.res.infer_service, not of %s." % type(start_results).__name__)
    records = []
    for index, result in enumerate(start_results):
        service = result.get("item") if isinstance(result, dict) else None
        if not isinstance(service, dict) or not isinstance(service.get("service_name"), str):
            raise ResError("Start result %d has no item with a text service_name; remediation records are made of "
                           "the results of a loop of hwc.res.infer_service over services." % index)
        if result.get("skipped"):
            continue
        failed, after = bool(result.get("failed")), result.get("service")
        started_in_check_mode = check_mode and not failed and bool(result.get("changed"))
        records.append({
            "project_id": service.get("project_id"), "service_id": service.get("service_id"),
            "service_name": service["service_name"], "status_before": service.get("status"),
            "status_after": after.get("status") if isinstance(after, dict) and not started_in_check_mode else None,
            # A message: a control character in what the API sent must not act where it is shown.
            "error": printable(result.get("msg") or "the start failed") if failed else None,
        })
    return records


def normalize_remediated(remediated):
    """The remediation records, validated, each with every key of REMEDIATION_KEYS (missing ones None)."""
    if remediated is None:
        return []
    if not isinstance(remediated, (list, tuple)):
        raise ResError("remediated must be a list of remediation records, not %s." % type(remediated).__name__)
    records = []
    for index, record in enumerate(remediated):
        if not isinstance(record, dict) or not isinstance(record.get("service_name"), str) or not all(
                isinstance(record.get(key), (str, type(None))) for key in REMEDIATION_KEYS):
            others = ", ".join(key for key in REMEDIATION_KEYS if key != "service_name")
            raise ResError("remediated[%d] must be a remediation record: a dict with a text service_name, and "
                           "text or null %s." % (index, others))
        records.append(dict((key, record.get(key)) for key in REMEDIATION_KEYS))
    return records


def remediation_checks(remediated):
    """Each record as a check of the step ``remediation``: passed when the service was started, failed with
    the error when the start failed, skipped when check mode only reported the start."""
    checks = []
    for record in normalize_remediated(remediated):
        if record["error"] is not None:
            outcome, reason = FAILED, "could not start it: %s" % record["error"]
        elif record["status_after"] is None:
            outcome, reason = SKIPPED, "check mode: it would be started; nothing was started"
        else:
            outcome, reason = PASSED, None
        checks.append(_check(record["project_id"], record["service_name"], record["service_id"], REMEDIATION,
                             outcome, reason))
    return checks
