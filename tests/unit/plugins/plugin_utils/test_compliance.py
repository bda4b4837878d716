# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance rules and what remediation needs, as pure functions, without Ansible or a cloud."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from ansible_collections.hwc.res.plugins.plugin_utils._compliance import (
    EARLIEST_MS,
    EPOCH,
    LATEST_MS,
    POLICY_SPEC,
    REMEDIATION_KEYS,
    RULES,
    check_services,
    enabled_rules,
    evaluate,
    normalize_policy,
    normalize_remediated,
    remediation_checks,
    remediation_records,
    services_to_start,
    validated_now_ms,
)
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.plugin_utils._junit import junit_report
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


def test_a_tuple_of_services_is_checked_like_a_list():
    services = [service("res-a"), service("res-b", status="stopped")]
    policy = {"required_running": ["res-*"]}
    assert check_services(tuple(services), policy, NOW) == check_services(services, policy, NOW)
    assert evaluate(tuple(services), policy, NOW) == evaluate(services, policy, NOW)


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


# ---- remediation --------------------------------------------------------------------------------------------------

def test_remediation_starts_only_the_stopped_services_a_required_name_matches():
    services = sample_services() + [service("res-filter-legacy", project_id=EAST, status="stopped"),
                                    service("Res-Recall-v3", status="stopped")]
    policy = {"required_running": ["res-recall-*", "res-filter-legacy", "res-ctr-experiment", "res-missing-*"]}
    # Not res-recall-v2 (deploying), res-ctr-experiment (concerning), Res-Recall-v3 (globs are case-sensitive),
    # and nothing for res-missing-*.
    assert [(s["project_id"], s["service_name"]) for s in services_to_start(services, policy)] == [
        (NORTH, "res-recall-v1"), (NORTH, "res-filter-legacy"), (EAST, "res-filter-legacy")]
    assert services_to_start(services, policy)[0] is services[2]


@pytest.mark.parametrize("policy", [{}, {"required_running": ["res-rank-*"]}])
def test_remediation_starts_nothing_when_no_required_service_is_stopped(policy):
    assert services_to_start(sample_services(), policy) == []


def test_services_to_start_checks_its_input_like_the_rules():
    with pytest.raises(ResError, match="Service 0 has no text service_name and status"):
        services_to_start([{"service_name": "res-a"}], {"required_running": ["res-a"]})
    with pytest.raises(ResError, match="Invalid compliance policy: unknown key required"):
        services_to_start([], {"required": ["res-a"]})


STOPPED = service("res-a", status="stopped", workspace_id="0")


def start_result(changed=True, failed=False, status="running", **fields):
    """One entry of the registered results of a loop of hwc.res.infer_service over services to start."""
    result = {"item": STOPPED, "ansible_loop_var": "item", "changed": changed,
              "service": None if status is None else dict(STOPPED, status=status)}
    if failed:
        result["failed"] = True
    result.update(fields)
    return result


def record(status_after="running", error=None):
    return {"project_id": NORTH, "service_id": "id-res-a", "service_name": "res-a", "status_before": "stopped",
            "status_after": status_after, "error": error}


REFUSED = "RES PATCH /v1/x/infer-services/id-res-a failed with HTTP 403. Nothing was changed: the start was refused."
TIMED_OUT = "RES accepted the start of service res-a (id-res-a), but: Timed out after 300 seconds waiting for status running."


@pytest.mark.parametrize("result, check_mode, expected", [
    (start_result(), False, record()),
    (start_result(changed=False, status="deploying"), False, record("deploying")),  # started by someone else
    (start_result(changed=False, failed=True, status="stopped", msg=REFUSED, status_code=403), False,
     record("stopped", REFUSED)),
    (start_result(failed=True, status="deploying", msg=TIMED_OUT), False, record("deploying", TIMED_OUT)),
    (start_result(changed=False, failed=True, status=None, msg="No service with the ID id-res-a."), False,
     record(None, "No service with the ID id-res-a.")),
    (start_result(changed=False, failed=True, status=None), False, record(None, "the start failed")),
    (start_result(status="stopped"), True, record(None)),  # check mode: the module reads, nothing is started
    (start_result(changed=False, status="running"), True, record("running")),  # nothing would be started
    (start_result(changed=False, failed=True, status=None, msg="No service."), True, record(None, "No service.")),
])
def test_a_record_says_what_each_start_did(result, check_mode, expected):
    assert remediation_records([result], check_mode) == [expected]
    assert list(remediation_records([result], check_mode)[0]) == list(REMEDIATION_KEYS)


def test_records_keep_the_order_of_the_loop_and_leave_out_skipped_items():
    other = dict(STOPPED, service_name="res-b", service_id="id-res-b")
    results = [start_result(item=other), {"item": STOPPED, "skipped": True, "changed": False}, start_result()]
    assert [r["service_name"] for r in remediation_records(results)] == ["res-b", "res-a"]
    assert remediation_records([]) == []


def test_control_characters_in_a_start_error_are_escaped():
    [result] = remediation_records([start_result(failed=True, msg=u"refused \x1b[2J\x07")])
    assert result["error"] == u"refused \\x1b[2J\\x07"


@pytest.mark.parametrize("results, message", [
    ({"results": []}, "made of the 'results' list of a registered loop of hwc.res.infer_service, not of dict."),
    (["ok"], "Start result 0 has no item with a text service_name"),
    ([start_result(), {"changed": True}], "Start result 1 has no item with a text service_name"),
])
def test_records_are_made_of_the_results_of_a_loop(results, message):
    with pytest.raises(ResError) as caught:
        remediation_records(results)
    assert message in caught.value.message


def test_records_given_back_are_validated_and_completed():
    assert normalize_remediated(None) == []
    assert normalize_remediated([{"service_name": "res-a", "error": None}]) == [
        dict(dict.fromkeys(REMEDIATION_KEYS), service_name="res-a")]
    assert normalize_remediated([record()]) == [record()]


@pytest.mark.parametrize("remediated, message", [
    ("res-a", "remediated must be a list of remediation records, not str."),
    ([{"service_id": "x"}], "remediated[0] must be a remediation record: a dict with a text service_name, and text "
                            "or null project_id, service_id, status_before, status_after, error."),
    ([record(), dict(record(), error=["x"])], "remediated[1] must be a remediation record"),
])
def test_bad_records_fail_clearly(remediated, message):
    with pytest.raises(ResError) as caught:
        normalize_remediated(remediated)
    assert message in caught.value.message


def test_each_record_is_a_check_of_the_step_remediation():
    checks = remediation_checks([record(), record("stopped", REFUSED), record(None),
                                 dict(record(), service_name=u"res-\x07b")])
    assert [(c["project_id"], c["service_name"], c["service_id"], c["rule"], c["outcome"], c["detail"])
            for c in checks] == [
        (NORTH, "res-a", "id-res-a", "remediation", "passed", None),
        (NORTH, "res-a", "id-res-a", "remediation", "failed", "res-a: could not start it: " + REFUSED),
        (NORTH, "res-a", "id-res-a", "remediation", "skipped", "check mode: it would be started; nothing was started"),
        (NORTH, u"res-\x07b", "id-res-a", "remediation", "passed", None),
    ]
    assert remediation_checks(None) == []
