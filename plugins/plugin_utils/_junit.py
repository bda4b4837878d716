# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The JUnit XML of a compliance result, for CI servers and test report viewers.

A pure function over the checks that ``_compliance.check_services`` (and
``_compliance.remediation_checks``) return, used by the filter
``hwc.res.compliance_junit`` and, through it, by the role
``hwc.res.infer_service_compliance``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Iterable, List, Optional, Sequence

from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    EPOCH,
    FAILED,
    SKIPPED,
    Check,
    Policy,
    validated_now_ms,
)

SUITE_NAME = "infer_service_compliance"

# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile(u"[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_report(checks: Sequence[Check], now_ms: object, policy: Optional[Policy] = None,
                 project_ids: Optional[Iterable[Optional[str]]] = None, suite_name: str = SUITE_NAME) -> str:
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
    projects = _projects(checks, project_ids)
    properties = [("project_ids", ",".join(projects))] if projects else []
    if policy is not None:
        properties += [("policy.%s" % key, _policy_text(value)) for key, value in sorted(policy.items())]
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


def _projects(checks: Iterable[Check], project_ids: Optional[Iterable[Optional[str]]]) -> List[str]:
    """``project_ids``, then the other projects of ``checks``, each once; no None."""
    projects: List[str] = []
    for project_id in list(project_ids or []) + [check["project_id"] for check in checks]:
        if project_id is not None and project_id not in projects:
            projects.append(project_id)
    return projects


def _xml_text(value: object) -> str:
    """``value`` as text XML can hold: characters XML 1.0 forbids become visible escapes such as ``\\x01``."""
    text = u"" if value is None else u"%s" % (value,)
    return _NOT_XML.sub(lambda match: "\\x%02x" % ord(match.group()) if ord(match.group()) < 0x100
                        else "\\u%04x" % ord(match.group()), text)


def _policy_text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
