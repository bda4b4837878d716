# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance rules and the JUnit report, as pure functions, without Ansible or a cloud."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    EARLIEST_MS,
    EPOCH,
    LATEST_MS,
    POLICY_SPEC,
    RULES,
    check_services,
    enabled_rules,
    evaluate,
    junit_report,
    normalize_policy,
    validated_now_ms,
)
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import normalize_services

REPO = Path(__file__).resolve().parents[4]
ROLE = REPO / "roles" / "infer_service_compliance"
SAMPLE = json.loads((REPO / "tests" / "simulator" / "sample_data.json").read_text())
NORTH = "7f0f015577c437ffaf2486bfb279f705"
EAST = "d6fbd8036f5b8b53ef1cd25fabea478f"
MINUTE = 60000
NOW = 1737676800000 + 95 * MINUTE + 30000  # res-recall-v2 of the sample has been deploying for 95.5 minutes

DEFAULTS = {"required_running": [], "forbidden_statuses": ["concerning"], "max_failure_rate": None,
            "min_invocations": 100, "allow_shared": True, "max_deploying_minutes": None}
ALL_RULES = {"required_running": ["res-*"], "max_failure_rate": 0.05, "allow_shared": False,
             "max_deploying_minutes": 30}


def sample_services(project_id=NORTH, workspace="0"):
    project = next(p for p in SAMPLE["projects"] if p["id"] == project_id)
    services, _warnings = normalize_services(project["workspaces"][workspace], project_id, workspace)
    return services


def service(name="res-a", project_id=NORTH, **fields):
    result = {"service_id": "id-" + name, "service_name": name, "status": "running", "is_shared": False,
              "invocation_times": 1000, "failed_times": 0, "update_time": NOW - MINUTE, "project_id": project_id}
    result.update(fields)
    return result


def violations(services, policy, now_ms=NOW, project_ids=None):
    return [(v["service_name"], v["rule"], v["detail"]) for v in
            evaluate(services, policy, now_ms, project_ids)["violations"]]


def outcomes(services, policy, rule, now_ms=NOW):
    return [(c["service_name"], c["outcome"], c["detail"]) for c in check_services(services, policy, now_ms)
            if c["rule"] == rule]


# ---- the policy -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy", [None, {}, dict.fromkeys(DEFAULTS)])
def test_an_empty_policy_takes_every_default(policy):
    assert normalize_policy(policy) == (DEFAULTS, [])


def test_values_convert_like_module_options():
    policy, warnings = normalize_policy({"required_running": "res-a,res-b", "forbidden_statuses": ["stopped"],
                                         "max_failure_rate": "0.05", "min_invocations": "10",
                                         "allow_shared": "no", "max_deploying_minutes": 30})
    assert policy == {"required_running": ["res-a", "res-b"], "forbidden_statuses": ["stopped"],
                      "max_failure_rate": 0.05, "min_invocations": 10, "allow_shared": False,
                      "max_deploying_minutes": 30}
    assert warnings == []


@pytest.mark.parametrize("policy, message", [
    # ansible-core's own words, which vary a little between versions
    ({"max_failure_rate": "lots"}, "argument 'max_failure_rate' is of type"),
    ({"max_failure_rate": "lots"}, "and we were unable to convert to float"),
    ({"allow_shared": "perhaps"}, "and we were unable to convert to bool"),
    ({"max_deploying_minutes": "1.5"}, "argument 'max_deploying_minutes' is of type"),
    ({"max_deploying_minutes": "1.5"}, "and we were unable to convert to int"),
    ({"max_failure_rate": 5}, "max_failure_rate is a fraction from 0 to 1 (0.05 for 5%), not 5.0"),
    ({"max_failure_rate": -0.1}, "max_failure_rate is a fraction from 0 to 1 (0.05 for 5%), not -0.1"),
    ({"min_invocations": -1}, "min_invocations must be 0 or more, not -1"),
    ({"max_deploying_minutes": -5}, "max_deploying_minutes must be 0 or more, not -5"),
    ({"required_running": ["res-a", ""]}, "required_running holds an empty name"),
    ({"max_failure_rate": 0.1, "requierd_running": ["x"]},
     "unknown key requierd_running; the policy knows allow_shared, forbidden_statuses, max_deploying_minutes, "
     "max_failure_rate, min_invocations, required_running."),
])
def test_a_bad_policy_fails_with_a_clear_message(policy, message):
    with pytest.raises(ResError) as caught:
        normalize_policy(policy)
    assert caught.value.message.startswith("Invalid compliance policy: ")
    assert message in caught.value.message


def test_every_range_problem_is_named_at_once():
    with pytest.raises(ResError) as caught:
        normalize_policy({"max_failure_rate": 2, "min_invocations": -1, "max_deploying_minutes": -1})
    assert caught.value.message == (
        "Invalid compliance policy: max_failure_rate is a fraction from 0 to 1 (0.05 for 5%), not 2.0; "
        "min_invocations must be 0 or more, not -1; max_deploying_minutes must be 0 or more, not -1.")


def test_a_policy_must_be_a_dict():
    with pytest.raises(ResError, match="must be a dict, not list"):
        normalize_policy(["required_running"])


def test_a_status_res_does_not_use_is_warned_about():
    _policy, warnings = normalize_policy({"forbidden_statuses": ["concering", "failed", "stopped"]})
    assert len(warnings) == 1
    assert warnings[0].startswith("forbidden_statuses: 'concering' is not a status RES uses (deploying, running,")


@pytest.mark.parametrize("policy, rules", [
    ({}, ["forbidden_statuses"]),
    ({"forbidden_statuses": []}, []),
    (ALL_RULES, list(RULES)),
    ({"forbidden_statuses": [], "allow_shared": True, "max_failure_rate": 0.0}, ["max_failure_rate"]),
])
def test_enabled_rules(policy, rules):
    assert enabled_rules(normalize_policy(policy)[0]) == rules


def test_the_role_declares_the_policy_as_the_filters_do():
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    for key, spec in POLICY_SPEC.items():
        role_spec = specs["infer_service_compliance_" + key]
        assert (role_spec["type"], role_spec.get("elements"), role_spec.get("default")) == \
            (spec["type"], spec.get("elements"), spec.get("default")), key
        assert defaults["infer_service_compliance_" + key] == spec.get("default"), key
    assert set(specs) == set(defaults)


# ---- the rules ----------------------------------------------------------------------------------------------------

def test_the_sample_project_breaks_every_rule_in_sentences_a_person_acts_on():
    policy = dict(ALL_RULES, required_running=["res-rank-*", "res-recall-v1", "res-missing-*"])
    result = evaluate(sample_services(), policy, NOW)
    assert result["passed"] is False
    assert result["checked"] == 6
    assert [(v["service_name"], v["rule"], v["detail"]) for v in result["violations"]] == [
        ("res-rank-canary", "max_failure_rate", "res-rank-canary: failure rate 18.0% exceeds 5.0% (900 of 5000 calls)"),
        ("res-recall-v1", "required_running", "res-recall-v1: required running, but it is stopped"),
        ("res-filter-legacy", "allow_shared", "res-filter-legacy: shared services are not allowed"),
        ("res-ctr-experiment", "forbidden_statuses", "res-ctr-experiment: status concerning is forbidden"),
        ("res-ctr-experiment", "max_failure_rate",
         "res-ctr-experiment: failure rate 15.4% exceeds 5.0% (3150 of 20480 calls)"),
        ("res-recall-v2", "max_deploying_minutes", "res-recall-v2: deploying for 95 minutes, more than the 30 allowed"),
        ("res-missing-*", "required_running", "res-missing-*: no service matches this required name"),
    ]
    by_name = dict((s["service_name"], s["service_id"]) for s in sample_services())
    for violation in result["violations"]:
        assert sorted(violation) == ["detail", "project_id", "rule", "service_id", "service_name"]
        assert violation["project_id"] == NORTH
        assert violation["service_id"] == by_name.get(violation["service_name"])  # None for the missing name


def test_services_that_meet_the_policy_pass():
    assert evaluate(sample_services(EAST), {"required_running": ["res-video-rank"], "max_failure_rate": 0.01,
                                            "allow_shared": False}, NOW) == {"passed": True, "checked": 3,
                                                                             "violations": []}


def test_no_services_and_no_policy_pass():
    assert evaluate([], {}, NOW) == {"passed": True, "checked": 0, "violations": []}


def test_required_globs_are_case_sensitive_and_every_match_must_run():
    services = [service("res-rank-a"), service("res-rank-b", status="stopped"), service("Res-Rank-c"),
                service("res-recall")]
    assert outcomes(services, {"required_running": ["res-rank-?", "Res-*"], "forbidden_statuses": []},
                    "required_running") == [
        ("res-rank-a", "passed", None),
        ("res-rank-b", "failed", "res-rank-b: required running, but it is stopped"),
        ("Res-Rank-c", "passed", None),
        ("res-recall", "skipped", "not named by required_running"),
    ]


def test_a_required_name_must_match_in_every_project():
    services = [service("res-a", project_id="p1"), service("res-b", project_id="p2")]
    result = evaluate(services, {"required_running": ["res-a"]}, NOW, project_ids=["p1", "p2", "p3"])
    assert [(v["project_id"], v["service_name"], v["service_id"], v["detail"]) for v in result["violations"]] == [
        ("p2", "res-a", None, "res-a: no service matches this required name"),
        ("p3", "res-a", None, "res-a: no service matches this required name"),
    ]
    assert result["checked"] == 2


def test_without_any_project_a_missing_name_has_no_project():
    assert evaluate([], {"required_running": ["res-a"]}, NOW)["violations"] == [
        {"project_id": None, "service_name": "res-a", "service_id": None, "rule": "required_running",
         "detail": "res-a: no service matches this required name"}]


def test_projects_of_services_are_checked_after_the_given_ones_in_order():
    services = [service("res-x", project_id="p9", status="concerning"),
                service("res-y", project_id="p1", status="concerning")]
    assert [v["project_id"] for v in evaluate(services, {}, NOW, project_ids=["p1"])["violations"]] == ["p1", "p9"]


UNREADABLE = {"project_id": EAST, "workspace_id": "0", "service_id": None, "status_code": 403,
              "error_code": "res.2301", "msg": "Could not read project %s, workspace 0: HTTP 403." % EAST}


def test_a_project_that_could_not_be_read_is_a_readable_violation_not_held_to_required_names():
    result = evaluate([service("res-a")], {"required_running": ["res-a"]}, NOW, [NORTH, EAST], [UNREADABLE])
    assert result["passed"] is False and result["checked"] == 1
    assert result["violations"] == [{"project_id": EAST, "service_name": None, "service_id": None,
                                     "rule": "readable", "detail": UNREADABLE["msg"]}]


def test_the_unreadable_project_of_the_connection_is_reported_too():
    failure = dict(UNREADABLE, project_id=None)
    assert [(v["project_id"], v["rule"]) for v in evaluate([], {}, NOW, None, [failure])["violations"]] == [
        (None, "readable")]


@pytest.mark.parametrize("failed_projects, message", [
    ("oops", "failed_projects must be the list that hwc.res.infer_service_info returns, not str."),
    ([{"project_id": EAST}], "failed_projects[0] has no text msg and project_id"),
])
def test_failed_projects_must_be_what_the_module_returns(failed_projects, message):
    with pytest.raises(ResError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_services([], {}, NOW, None, failed_projects)


def test_forbidden_statuses_match_exactly():
    services = [service("a", status="concerning"), service("b", status="Concerning"), service("c", status="failed")]
    assert violations(services, {"forbidden_statuses": ["concerning", "failed"]}) == [
        ("a", "forbidden_statuses", "a: status concerning is forbidden"),
        ("c", "forbidden_statuses", "c: status failed is forbidden")]


def test_control_characters_in_api_text_are_escaped_in_the_sentences():
    services = [service(u"res-\x1b[2Ja", status=u"concerning\x07")]
    assert violations(services, {"forbidden_statuses": [u"concerning\x07"]}) == [
        (u"res-\x1b[2Ja", "forbidden_statuses", u"res-\\x1b[2Ja: status concerning\\x07 is forbidden")]


@pytest.mark.parametrize("calls, failures, expected", [
    (5000, 900, ("failed", "res-a: failure rate 18.0% exceeds 5.0% (900 of 5000 calls)")),
    (1000, 50, ("passed", None)),  # exactly the limit is allowed
    (100000, 5001, ("failed", "res-a: failure rate 5.001% exceeds 5.000% (5001 of 100000 calls)")),
    (10000, 504, ("failed", "res-a: failure rate 5.04% exceeds 5.00% (504 of 10000 calls)")),
    (100, 100, ("failed", "res-a: failure rate 100.0% exceeds 5.0% (100 of 100 calls)")),
    (99, 99, ("skipped", "99 calls, fewer than the 100 needed to judge its failure rate")),
    (1, 1, ("skipped", "1 call, fewer than the 100 needed to judge its failure rate")),
    (None, 3, ("skipped", "its call counters are unknown")),
    (200, None, ("skipped", "its call counters are unknown")),
    (True, 0, ("skipped", "its call counters are unknown")),
])
def test_max_failure_rate(calls, failures, expected):
    services = [service(invocation_times=calls, failed_times=failures)]
    assert outcomes(services, {"max_failure_rate": 0.05}, "max_failure_rate") == [("res-a",) + expected]


def test_min_invocations_zero_judges_a_service_without_calls():
    services = [service(invocation_times=0, failed_times=0)]
    assert outcomes(services, {"max_failure_rate": 0.0, "min_invocations": 0}, "max_failure_rate") == [
        ("res-a", "passed", None)]


def test_shared_services():
    services = [service("a", is_shared=True), service("b", is_shared=False), service("c", is_shared="true")]
    assert outcomes(services, {"allow_shared": False}, "allow_shared") == [
        ("a", "failed", "a: shared services are not allowed"), ("b", "passed", None), ("c", "passed", None)]
    assert violations(services, {"allow_shared": True, "forbidden_statuses": []}) == []


@pytest.mark.parametrize("status, updated, expected", [
    ("deploying", NOW - 95 * MINUTE - 59999, ("failed", "res-a: deploying for 95 minutes, more than the 30 allowed")),
    ("deploying", NOW - 31 * MINUTE, ("failed", "res-a: deploying for 31 minutes, more than the 30 allowed")),
    ("deploying", NOW - 31 * MINUTE + 1, ("passed", None)),  # 30.99 minutes are 30 whole minutes
    ("deploying", NOW + 10 * MINUTE, ("passed", None)),  # clock skew: updated in the future
    ("deploying", "yesterday", ("skipped", "its update time is unknown")),
    ("deploying", True, ("skipped", "its update time is unknown")),
    ("deploying", float("nan"), ("skipped", "its update time is unknown")),
    # Times the API should not send: the rule cannot judge the service, and says why.
    ("deploying", 10 ** 20, ("skipped", "its update time 100000000000000000000 is not a time from year 1 to 9999")),
    ("deploying", LATEST_MS + 1, ("skipped", "its update time 253402300800000 is not a time from year 1 to 9999")),
    ("deploying", EARLIEST_MS - 1, ("skipped", "its update time -62135596800001 is not a time from year 1 to 9999")),
    ("deploying", 10 ** 400, ("skipped", "its update time 1000000000000000000000000000000000000... is not a time "
                                         "from year 1 to 9999")),
    ("deploying", EARLIEST_MS, ("failed", "res-a: deploying for %d minutes, more than the 30 allowed"
                                % ((NOW - EARLIEST_MS) // MINUTE))),  # updated in year 1: still a time
    ("running", NOW - 999 * MINUTE, ("passed", None)),
])
def test_max_deploying_minutes(status, updated, expected):
    services = [service(status=status, update_time=updated)]
    assert outcomes(services, {"max_deploying_minutes": 30}, "max_deploying_minutes") == [("res-a",) + expected]


def test_one_minute_is_singular():
    services = [service(status="deploying", update_time=NOW - MINUTE)]
    assert violations(services, {"max_deploying_minutes": 0}) == [
        ("res-a", "max_deploying_minutes", "res-a: deploying for 1 minute, more than the 0 allowed")]


def test_checks_run_in_project_service_rule_order_with_missing_names_last():
    services = [service("b", status="concerning", is_shared=True), service("a", status="stopped")]
    checks = check_services(services, {"required_running": ["a", "zz"], "allow_shared": False}, NOW)
    assert [(c["service_name"], c["rule"], c["outcome"]) for c in checks] == [
        ("b", "required_running", "skipped"), ("b", "forbidden_statuses", "failed"), ("b", "allow_shared", "failed"),
        ("a", "required_running", "failed"), ("a", "forbidden_statuses", "passed"), ("a", "allow_shared", "passed"),
        ("zz", "required_running", "failed")]


@pytest.mark.parametrize("services, message", [
    ({"services": []}, "apply to a list of services (the 'services' that hwc.res.infer_service_info returns), not to dict"),
    (["res-a"], "Service 0 has no text service_name and status"),
    ([service(), {"service_name": "b"}], "Service 1 has no text service_name and status"),
])
def test_services_must_be_what_the_module_returns(services, message):
    with pytest.raises(ResError) as caught:
        evaluate(services, {}, NOW)
    assert message in caught.value.message


# ---- the time of the check ----------------------------------------------------------------------------------------

def test_the_range_of_times_is_the_range_of_dates():
    utc_min, utc_max = datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc)
    assert EPOCH + timedelta(milliseconds=EARLIEST_MS) == utc_min
    assert EPOCH + timedelta(milliseconds=LATEST_MS) == utc_max.replace(microsecond=999000)


@pytest.mark.parametrize("now_ms, expected", [
    (NOW, NOW), (float(NOW) + 0.75, NOW), (str(NOW), NOW), (" %d " % NOW, NOW), ("%d.5" % NOW, NOW), ("1.5e12", 1.5e12),
    (-0.0, 0), (0, 0), (-1.5, -2), (EARLIEST_MS, EARLIEST_MS), (LATEST_MS, LATEST_MS), (str(LATEST_MS), LATEST_MS),
])
def test_now_ms_is_whole_milliseconds(now_ms, expected):
    assert validated_now_ms(now_ms) == expected and isinstance(validated_now_ms(now_ms), int)


@pytest.mark.parametrize("now_ms, shown", [
    (float("inf"), "inf"), (float("-inf"), "-inf"), (float("nan"), "nan"), (1e20, "1e+20"),
    (99999999999999999, "99999999999999999"), (-62135596800001, "-62135596800001"),
    (LATEST_MS + 1, "253402300800000"), ("1e20", "'1e20'"), ("99999999999999999", "'99999999999999999'"),
    ("9" * 5000, "'" + "9" * 36 + "..."), ("inf", "'inf'"), ("NaN", "'NaN'"), ("soon", "'soon'"), ("", "''"),
    ("0x10", "'0x10'"), (True, "a bool"), (False, "a bool"), (None, "None"), ([NOW], "a list"), ({}, "a dict"),
])
def test_now_ms_outside_the_dates_is_refused_with_the_range(now_ms, shown):
    message = ("now_ms must be a time in milliseconds since the epoch, from -62135596800000 (0001-01-01T00:00:00Z) "
               "to 253402300799999 (9999-12-31T23:59:59.999Z), not %s." % shown)
    for check in (lambda: validated_now_ms(now_ms), lambda: evaluate([service()], {}, now_ms),
                  lambda: junit_report([], now_ms)):
        with pytest.raises(ResError) as caught:
            check()
        assert caught.value.message == message


@pytest.mark.parametrize("now_ms, timestamp", [
    (EARLIEST_MS, "0001-01-01T00:00:00"), (-1, "1969-12-31T23:59:59"), (LATEST_MS, "9999-12-31T23:59:59"),
])
def test_junit_shows_the_earliest_and_the_latest_time(now_ms, timestamp):
    checks = check_services([service(status="deploying")], {"max_deploying_minutes": 30}, now_ms)
    root = ET.fromstring(junit_report(checks, now_ms).encode("utf-8"))
    assert root.find("testsuite").get("timestamp") == timestamp


# ---- the JUnit report ---------------------------------------------------------------------------------------------

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
