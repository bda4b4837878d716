# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The JUnit report of a compliance result, as a pure function, without Ansible or a cloud."""

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    check_services,
    evaluate,
    normalize_policy,
    remediation_checks,
)
from ansible_collections.hwc.res.plugins.plugin_utils._junit import junit_report
from ansible_collections.hwc.res.tests.unit.plugins.plugin_utils.test_compliance import (
    ALL_RULES,
    EAST,
    NORTH,
    NOW,
    UNREADABLE,
    sample_services,
    service,
)


def junit(services, policy, project_ids=None):
    checks = check_services(services, policy, NOW, project_ids)
    return ET.fromstring(junit_report(checks, NOW, normalize_policy(policy)[0], project_ids).encode("utf-8"))


def test_junit_has_one_suite_and_a_test_case_per_service_and_rule():
    policy = dict(ALL_RULES, required_running=["res-rank-*", "res-missing-*"])
    root = junit(sample_services(), policy)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 6 * 5 + 1
    failures = [case for case in cases if case.find("failure") is not None]
    skipped = [case for case in cases if case.find("skipped") is not None]
    result = evaluate(sample_services(), policy, NOW)
    assert [case.find("failure").get("message") for case in failures] == \
        [v["detail"] for v in result["violations"]]
    assert [case.find("failure").text for case in failures] == [v["detail"] for v in result["violations"]]
    assert [(case.get("classname"), case.get("name")) for case in failures] == \
        [("%s.%s" % (NORTH, v["service_name"]), v["rule"]) for v in result["violations"]]
    assert [case.find("failure").get("type") for case in failures] == [v["rule"] for v in result["violations"]]
    for element in (root, suite):
        assert (element.get("tests"), element.get("failures"), element.get("errors"), element.get("skipped")) == \
            (str(len(cases)), str(len(failures)), "0", str(len(skipped)))
    assert suite.get("name") == "infer_service_compliance"
    assert suite.get("timestamp") == "2025-01-24T01:35:30"
    assert ("%s.res-filter-legacy" % NORTH, "max_failure_rate",
            "0 calls, fewer than the 100 needed to judge its failure rate") in \
        [(case.get("classname"), case.get("name"), case.find("skipped").get("message")) for case in skipped]


def test_junit_records_the_projects_and_the_policy():
    suite = junit([service(project_id="p2")], {"max_failure_rate": 0.05}, project_ids=["p1"]).find("testsuite")
    assert dict((p.get("name"), p.get("value")) for p in suite.find("properties")) == {
        "project_ids": "p1,p2", "policy.allow_shared": "true", "policy.forbidden_statuses": "concerning",
        "policy.max_deploying_minutes": "", "policy.max_failure_rate": "0.05", "policy.min_invocations": "100",
        "policy.required_running": ""}


def test_junit_has_one_failing_readable_case_per_unreadable_project():
    other = dict(UNREADABLE, project_id="f" * 32, msg="Could not read project fff.")
    root = ET.fromstring(junit_report(check_services([service()], {}, NOW, [NORTH, EAST], [UNREADABLE, other]),
                                      NOW).encode("utf-8"))
    readable = [case for case in root.iter("testcase") if case.get("name") == "readable"]
    assert [case.get("classname") for case in readable] == [EAST, "f" * 32]
    assert [case.find("failure").get("message") for case in readable] == [UNREADABLE["msg"], other["msg"]]
    assert root.get("failures") == "2"


def test_junit_of_nothing_is_still_junit():
    root = ET.fromstring(junit_report([], NOW).encode("utf-8"))
    assert (root.tag, root.get("tests"), len(root.find("testsuite"))) == ("testsuites", "0", 0)


def test_junit_starts_with_an_xml_declaration_and_is_indented():
    text = junit_report(check_services([service(status="concerning")], {}, NOW), NOW)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    assert "\n    <testcase " in text and text.endswith("</testsuites>\n")


HOSTILE = u'res-<a href="x">&amp;</a> \'{{ lookup("pipe", "id") }}\' \x01\x1b\ud800 \u4e2d\U0001f600 ]]>'


def test_junit_escapes_any_service_name():
    root = junit([service(HOSTILE, status="concerning")], {})
    case = root.find("testsuite").find("testcase")
    expected = u'res-<a href="x">&amp;</a> \'{{ lookup("pipe", "id") }}\' \\x01\\x1b\\ud800 \u4e2d\U0001f600 ]]>'
    assert case.get("classname") == NORTH + "." + expected
    assert case.find("failure").get("message") == expected + ": status concerning is forbidden"


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1), status=st.text(), suite_name=st.text())
def test_junit_always_parses_and_keeps_what_xml_can_hold(name, status, suite_name):
    checks = check_services([service(name, status=status)], {"forbidden_statuses": [status or "x"]}, NOW)
    root = ET.fromstring(junit_report(checks, NOW, suite_name=suite_name).encode("utf-8"))
    case = root.find("testsuite").find("testcase")
    if all(ch in "\t\n\r" or u"\x20" <= ch <= u"\ud7ff" or u"\ue000" <= ch <= u"\ufffd" or ch > u"\uffff"
           for ch in name):
        assert case.get("classname") == NORTH + "." + name
    assert (case.find("failure") is not None) == bool(status)


def test_each_remediation_is_a_test_case_after_the_checks():
    checks = check_services([service("res-a")], {"required_running": ["res-a"], "forbidden_statuses": []}, NOW)
    started = {"project_id": NORTH, "service_id": "id-res-a", "service_name": "res-a", "status_before": "stopped",
               "status_after": "running", "error": None}
    remediated = [started, dict(started, service_name="res-b", status_after="stopped", error="HTTP 403."),
                  dict(started, service_name="res-c", status_after=None)]
    root = ET.fromstring(junit_report(checks + remediation_checks(remediated), NOW).encode("utf-8"))
    cases = [(case.get("classname"), case.get("name"), case.find("failure"), case.find("skipped"))
             for case in root.iter("testcase")]
    assert [(classname, name) for classname, name, _failure, _skipped in cases] == [
        (NORTH + ".res-a", "required_running"), (NORTH + ".res-a", "remediation"), (NORTH + ".res-b", "remediation"),
        (NORTH + ".res-c", "remediation")]
    assert cases[1][2] is None and cases[1][3] is None
    assert (cases[2][2].get("type"), cases[2][2].get("message")) == ("remediation", "res-b: could not start it: HTTP 403.")
    assert cases[3][3].get("message") == "check mode: it would be started; nothing was started"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", "1")
