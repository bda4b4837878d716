# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Compliance rules over normalized RES services, and their JUnit report.

Pure functions over plain data (the ``services`` that ``infer_service_info``
returns, and a policy dict), used by the filters ``hwc.res.compliance_policy``,
``hwc.res.compliance_result`` and ``hwc.res.compliance_junit`` and, through
them, by the role ``hwc.res.infer_service_compliance``. The current time is a
parameter, so every outcome can be reproduced.

Every rule the policy turns on gives each service one *check*: ``passed``,
``failed`` (with a sentence a person can act on) or ``skipped`` (the rule does
not apply to that service, with the reason). A required name that matches no
service of a project is one more failed check. A project that could not be
read (an entry of the module's ``failed_projects``) is one failed check of the
rule ``readable``: nobody could check it, which is a finding, not a crash. The
fact the role sets keeps only the failed checks (the violations); the JUnit
report shows them all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
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
SUITE_NAME = "infer_service_compliance"
VIOLATION_KEYS = ("project_id", "service_name", "service_id", "rule", "detail")

# The times rules and reports compute with, in milliseconds since the epoch: those a date can show,
# from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (as the ISO twins of the module's times).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EARLIEST_MS = -62135596800000
LATEST_MS = 253402300799999
_TIME_RANGE = "from %d (0001-01-01T00:00:00Z) to %d (9999-12-31T23:59:59.999Z)" % (EARLIEST_MS, LATEST_MS)
_INTEGER_TEXT = re.compile(r"\s*[+-]?[0-9]+\s*\Z")

# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile(u"[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def _xml_text(value):
    """``value`` as text XML can hold: characters XML 1.0 forbids become visible escapes such as ``\\x01``."""
    text = u"" if value is None else u"%s" % (value,)
    return _NOT_XML.sub(lambda match: "\\x%02x" % ord(match.group()) if ord(match.group()) < 0x100
                        else "\\u%04x" % ord(match.group()), text)


def junit_report(checks, now_ms, policy=None, project_ids=None, suite_name=SUITE_NAME):
    """The checks as JUnit XML text: one test suite, one test case per check.

    A test case's classname is ``<project_id>.<service_name>`` (the required
    name, for a name no service matches; the project alone, for a project that
    could not be read) and its name is the rule; a failed
    check has a ``failure`` whose message is the violation sentence, a skipped
    one a ``skipped`` with the reason. The suite's properties record the
    projects (``project_ids`` and those of the checks) and ``policy``.
    """
    counts = dict((outcome, sum(1 for check in checks if check["outcome"] == outcome))
                  for outcome in (FAILED, SKIPPED))
    totals = {"tests": str(len(checks)), "failures": str(counts[FAILED]), "errors": "0",
              "skipped": str(counts[SKIPPED]), "time": "0"}
    root = ET.Element("testsuites", dict(totals, name=_xml_text(suite_name)))
    # Not fromtimestamp() and strftime(): some platforms refuse times before 1970, or write year 1 as "1".
    timestamp = (EPOCH + timedelta(milliseconds=validated_now_ms(now_ms))).replace(tzinfo=None).isoformat(
        timespec="seconds")
    suite = ET.SubElement(root, "testsuite", dict(totals, name=_xml_text(suite_name), timestamp=timestamp))
    projects = [project for project in _ordered_projects(checks, project_ids) if project is not None]
    properties = [("project_ids", ",".join(projects))] if projects else []
    if policy is not None:
        properties += [("policy.%s" % key, _policy_text(policy[key])) for key in sorted(policy)]
    if properties:
        element = ET.SubElement(suite, "properties")
        for name, value in properties:
            ET.SubElement(element, "property", {"name": name, "value": _xml_text(value)})
    for check in checks:
        classname = ".".join(part for part in (check["project_id"], check["service_name"]) if part is not None) \
            or "(project of the connection)"
        case = ET.SubElement(suite, "testcase", {"classname": _xml_text(classname), "name": check["rule"],
                                                 "time": "0"})
        if check["outcome"] == FAILED:
            failure = ET.SubElement(case, "failure", {"message": _xml_text(check["detail"]), "type": check["rule"]})
            failure.text = _xml_text(check["detail"])
        elif check["outcome"] == SKIPPED:
            ET.SubElement(case, "skipped", {"message": _xml_text(check["detail"])})
    ET.indent(root, space="  ")
    return u'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + u"\n"


def _policy_text(value):
    if isinstance(value, list):
        return ",".join(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
