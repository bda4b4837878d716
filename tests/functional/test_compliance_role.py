# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role hwc.res.infer_service_compliance through real ansible-playbook runs against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from harness import BIN, CREDENTIALS, EAST_PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID, task_play

ROLE_PLAY = task_play('''
    - name: Run the role
      ansible.builtin.include_role:
        name: hwc.res.infer_service_compliance
''')
FACT_TASK = "Check the services against the policy"
FAIL_TASK = "Fail when a service breaks the policy"
JSON_REPORT = "infer_service_compliance.json"
JUNIT_REPORT = "infer_service_compliance.xml"
MINUTE = 60000

# The sample's cn-north-4 against every rule; the violations it gives, in order.
FAILING_POLICY = {
    "infer_service_compliance_required_running": ["res-rank-*", "res-recall-v1", "res-missing-*"],
    "infer_service_compliance_max_failure_rate": 0.05,
    "infer_service_compliance_allow_shared": False,
    "infer_service_compliance_max_deploying_minutes": 30,
}
FAILING_DETAILS = [
    "res-rank-canary: failure rate 18.0% exceeds 5.0% (900 of 5000 calls)",
    "res-recall-v1: required running, but it is stopped",
    "res-filter-legacy: shared services are not allowed",
    "res-ctr-experiment: status concerning is forbidden",
    "res-ctr-experiment: failure rate 15.4% exceeds 5.0% (3150 of 20480 calls)",
    None,  # res-recall-v2: deploying since January 2025, so for a number of minutes that grows
    "res-rollout: deploying for 95 minutes, more than the 30 allowed",
    "res-missing-*: no service matches this required name",
]


def fact(run):
    return run.task(FACT_TASK)["result"]["ansible_facts"]["infer_service_compliance"]


def junit(path):
    """What a CI server sees in a JUnit file: the suite's counts, and each test case."""
    root = ET.parse(str(path)).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = []
    for case in suite.findall("testcase"):
        failure, skipped = case.find("failure"), case.find("skipped")
        cases.append((case.get("classname"), case.get("name"),
                      "failed" if failure is not None else "skipped" if skipped is not None else "passed",
                      failure.get("message") if failure is not None else None))
    counts = dict((key, int(suite.get(key))) for key in ("tests", "failures", "errors", "skipped"))
    assert counts == {"tests": len(cases), "failures": sum(1 for c in cases if c[2] == "failed"), "errors": 0,
                      "skipped": sum(1 for c in cases if c[2] == "skipped")}
    return counts, cases


def add_rollout(simulator):
    """A service deploying for 95 and a half minutes (so still 95 whole minutes for the next 30 seconds)."""
    simulator.add_service(PROJECT_ID, {"service_name": "res-rollout", "status": "deploying",
                                       "update_time": int(time.time() * 1000) - 95 * MINUTE - 30000})


def test_a_passing_policy_sets_the_fact_and_writes_both_reports(ansible, simulator, tmp_path):
    reports = tmp_path / "reports" / "nested"
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_project_ids": [EAST_PROJECT_ID],
        "infer_service_compliance_required_running": ["res-video-rank"],
        "infer_service_compliance_max_failure_rate": 0.01,
        "infer_service_compliance_allow_shared": False,
        "infer_service_compliance_report_dir": str(reports)})
    assert run.rc == 0, run
    assert fact(run) == {"passed": True, "checked": 3, "violations": []}
    assert run.task(FAIL_TASK)["status"] == "skipped"
    report = json.loads((reports / JSON_REPORT).read_text())
    assert report.pop("policy") == {"required_running": ["res-video-rank"], "forbidden_statuses": ["concerning"],
                                    "max_failure_rate": 0.01, "min_invocations": 100, "allow_shared": False,
                                    "max_deploying_minutes": None}
    assert report.pop("project_ids") == [EAST_PROJECT_ID]
    assert abs(time.mktime(time.strptime(report.pop("checked_at"), "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(
        time.gmtime())) < 120
    assert report == fact(run)
    counts, cases = junit(reports / JUNIT_REPORT)
    assert counts == {"tests": 12, "failures": 0, "errors": 0, "skipped": 3}  # 3 services x 4 rules
    assert ("%s.res-video-rank-old" % EAST_PROJECT_ID, "required_running", "skipped", None) in cases
    assert simulator.counters["list"] == 1


def test_a_failing_policy_fails_listing_every_violation_after_writing_the_reports(ansible, simulator, tmp_path):
    add_rollout(simulator)
    run = ansible.playbook(ROLE_PLAY, extra_vars=dict(FAILING_POLICY,
                                                      infer_service_compliance_report_dir=str(tmp_path)))
    assert run.rc == 2, run
    result = fact(run)
    assert (result["passed"], result["checked"]) == (False, 7)
    details = [violation["detail"] for violation in result["violations"]]
    assert details[5].startswith("res-recall-v2: deploying for ") and details[5].endswith(
        " minutes, more than the 30 allowed")
    assert [d for d in details if not d.startswith("res-recall-v2")] == [d for d in FAILING_DETAILS if d]
    assert [v["rule"] for v in result["violations"]] == [
        "max_failure_rate", "required_running", "allow_shared", "forbidden_statuses", "max_failure_rate",
        "max_deploying_minutes", "max_deploying_minutes", "required_running"]
    assert {v["project_id"] for v in result["violations"]} == {PROJECT_ID}
    assert result["violations"][-1]["service_id"] is None
    assert run.task(FAIL_TASK)["result"]["msg"] == (
        "8 violations of the inference service policy. In project %s: %s." % (PROJECT_ID, "; ".join(details)))
    assert json.loads((tmp_path / JSON_REPORT).read_text())["violations"] == result["violations"]
    counts, cases = junit(tmp_path / JUNIT_REPORT)
    assert counts["tests"] == 7 * 5 + 1 and counts["failures"] == 8
    assert [c[3] for c in cases if c[2] == "failed"] == details
    assert cases[-1] == ("%s.res-missing-*" % PROJECT_ID, "required_running", "failed", details[-1])


def test_fail_on_violation_false_leaves_the_decision_to_the_play(ansible, simulator):
    run = ansible.playbook(ROLE_PLAY + '''
    - name: Show the outcome
      ansible.builtin.debug:
        msg: "{{ infer_service_compliance.passed }} {{ infer_service_compliance.violations | length }}"
''', extra_vars={"infer_service_compliance_fail_on_violation": "false"})  # a string, as a survey sends it
    assert run.rc == 0, run
    assert run.task("Show the outcome")["result"]["msg"] == "False 1"
    assert fact(run)["violations"][0]["detail"] == "res-ctr-experiment: status concerning is forbidden"
    assert run.task("Write the JSON report")["status"] == "skipped"


@pytest.mark.parametrize("project_ids", [
    [PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID],
    "%s, %s,%s" % (PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID),  # as a survey or -e key=value sends it
])
def test_each_project_is_read_and_must_hold_each_required_name(ansible, simulator, project_ids):
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_project_ids": project_ids,
        "infer_service_compliance_required_running": ["res-rank-prod", "res-home-*"],
        "infer_service_compliance_fail_on_violation": False})
    assert run.rc == 0, run
    assert [(v["project_id"], v["detail"]) for v in fact(run)["violations"]] == [
        (PROJECT_ID, "res-ctr-experiment: status concerning is forbidden"),
        (PROJECT_ID, "res-home-*: no service matches this required name"),
        (PROD_PROJECT_ID, "res-rank-shadow: status concerning is forbidden"),
        (PROD_PROJECT_ID, "res-home-*: no service matches this required name"),  # res-home-feed is in ws-prod-a
    ]
    assert fact(run)["checked"] == 9
    assert simulator.counters["list"] == 2


def test_a_project_without_services_still_lacks_the_required_names(ansible, tmp_path):
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_connection": {"workspace_id": "ws-empty"},
        "infer_service_compliance_project_ids": [EAST_PROJECT_ID],
        "infer_service_compliance_required_running": ["res-video-rank"],
        "infer_service_compliance_report_dir": str(tmp_path)})
    assert run.rc == 2, run
    assert fact(run) == {"passed": False, "checked": 0, "violations": [
        {"project_id": EAST_PROJECT_ID, "service_name": "res-video-rank", "service_id": None,
         "rule": "required_running", "detail": "res-video-rank: no service matches this required name"}]}
    assert junit(tmp_path / JUNIT_REPORT)[1] == [
        ("%s.res-video-rank" % EAST_PROJECT_ID, "required_running", "failed",
         "res-video-rank: no service matches this required name")]


@pytest.mark.parametrize("how", ["connection variable", "module_defaults"])
def test_the_connection_can_come_from_the_role_variable_or_module_defaults(ansible, simulator, how):
    connection = {"endpoint": simulator.url, "identity_endpoint": simulator.url + "/v3", "user": "demo-user",
                  "password": CREDENTIALS["password"]["HW_USER_PASSWORD"], "domain": "demo-domain",
                  "project_id": PROD_PROJECT_ID}
    if how == "connection variable":
        play, extra_vars = ROLE_PLAY, {"infer_service_compliance_connection": connection}
    else:
        play = ROLE_PLAY.replace("  tasks:\n", "  module_defaults:\n    group/hwc.res.res: %s\n  tasks:\n"
                                 % json.dumps(connection))
        extra_vars = {}
    no_environment = dict.fromkeys(("HW_RES_ENDPOINT", "HW_AUTH_URL", "HW_PROJECT_ID"))
    run = ansible.playbook(play, auth=None, env=no_environment, extra_vars=extra_vars, args=["-vvv"])
    assert run.rc == 2, run
    assert [v["service_name"] for v in fact(run)["violations"]] == ["res-rank-shadow"]
    assert {v["project_id"] for v in fact(run)["violations"]} == {PROD_PROJECT_ID}
    assert connection["password"] not in run.output
    assert simulator.counters["token"] == 1


@pytest.mark.parametrize("extra_vars, message", [
    ({"infer_service_compliance_max_failure_rate": "lots"},
     "argument 'infer_service_compliance_max_failure_rate' is of type"),
    ({"infer_service_compliance_required_running": {"res-a": 1}},
     "argument 'infer_service_compliance_required_running' is of type"),
    ({"infer_service_compliance_connection": "cn-north-4"},
     "argument 'infer_service_compliance_connection' is of type"),
    ({"infer_service_compliance_max_failure_rate": 5},
     "Invalid compliance policy: max_failure_rate is a fraction from 0 to 1 (0.05 for 5%), not 5.0."),
    ({"infer_service_compliance_max_deploying_minutes": -1},
     "Invalid compliance policy: max_deploying_minutes must be 0 or more, not -1."),
])
def test_bad_input_fails_before_any_request(ansible, simulator, extra_vars, message):
    run = ansible.playbook(ROLE_PLAY, extra_vars=extra_vars)
    assert run.rc == 2, run
    assert message in run.output
    assert sum(simulator.counters.values()) == 0


def test_a_forbidden_status_res_does_not_use_is_warned_about(ansible):
    run = ansible.playbook(ROLE_PLAY, extra_vars={"infer_service_compliance_forbidden_statuses": ["concering"]})
    assert run.rc == 0, run
    assert "forbidden_statuses: 'concering' is not a status RES uses" in run.output
    assert fact(run)["passed"] is True


def test_service_names_are_data_never_templates(ansible, simulator, tmp_path):
    canary = tmp_path / "rendered"
    name = u'res-<x> & "y" {{ lookup("ansible.builtin.pipe", "touch %s") }} \u4e2d \x07' % canary
    simulator.add_service(PROJECT_ID, {"service_name": name, "status": "concerning"})
    run = ansible.playbook(ROLE_PLAY, extra_vars={"infer_service_compliance_report_dir": str(tmp_path)})
    assert run.rc == 2, run
    assert not canary.exists()
    # The sentence is a message: its control characters are escaped; the service name itself is data, kept as sent.
    assert fact(run)["violations"][-1]["detail"] == name.replace("\x07", "\\x07") + ": status concerning is forbidden"
    assert fact(run)["violations"][-1]["service_name"] == name
    assert json.loads((tmp_path / JSON_REPORT).read_text())["violations"][-1]["service_name"] == name
    assert junit(tmp_path / JUNIT_REPORT)[1][-1] == (
        PROJECT_ID + "." + name.replace("\x07", "\\x07"), "forbidden_statuses", "failed",
        name.replace("\x07", "\\x07") + ": status concerning is forbidden")


def test_check_mode_checks_but_writes_no_report(ansible, tmp_path):
    reports = tmp_path / "reports"
    run = ansible.playbook(ROLE_PLAY, args=["--check"], extra_vars={
        "infer_service_compliance_report_dir": str(reports)})
    assert run.rc == 2, run
    assert fact(run)["violations"][0]["service_name"] == "res-ctr-experiment"
    assert not reports.exists()


OTHER_DOMAIN_PROJECT_ID = "89769a7f350c47dfce0c12ec5b460a82"  # the demo user may not read it: IAM answers 401


def test_a_project_that_cannot_be_read_is_a_readable_violation_in_the_fact_and_both_reports(
        ansible, simulator, tmp_path):
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_report_dir": str(tmp_path), "infer_service_compliance_forbidden_statuses": [],
        "infer_service_compliance_required_running": ["res-rank-prod"],
        "infer_service_compliance_project_ids": [PROJECT_ID, OTHER_DOMAIN_PROJECT_ID, PROD_PROJECT_ID]})
    assert run.rc == 2, run
    assert run.task("Read the services of every project")["status"] == "ok"
    assert simulator.counters["list"] == 2  # one task read the three projects
    # The one violation: the unreadable project is not also said to lack res-rank-prod.
    [violation] = fact(run)["violations"]
    assert violation["rule"] == "readable" and violation["project_id"] == OTHER_DOMAIN_PROJECT_ID
    assert violation["detail"].startswith("Could not read project %s, workspace 0: IAM " % OTHER_DOMAIN_PROJECT_ID)
    report = json.loads((tmp_path / JSON_REPORT).read_text())
    assert [(v["project_id"], v["rule"]) for v in report["violations"]] == [(OTHER_DOMAIN_PROJECT_ID, "readable")]
    counts, cases = junit(tmp_path / JUNIT_REPORT)
    assert [case for case in cases if case[2] == "failed"] == [
        (OTHER_DOMAIN_PROJECT_ID, "readable", "failed", violation["detail"])]
    assert run.task(FAIL_TASK)["result"]["msg"].startswith(
        "1 violation of the inference service policy. In project %s: Could not read project" % OTHER_DOMAIN_PROJECT_ID)


@pytest.mark.parametrize("kind, name, expected", [
    ("filter", "hwc.res.compliance_policy", {"_input"}),
    ("filter", "hwc.res.compliance_result", {"_input", "policy", "now_ms", "project_ids", "failed_projects"}),
    ("filter", "hwc.res.compliance_junit", {"_input", "policy", "now_ms", "project_ids", "suite_name",
                                            "failed_projects"}),
    ("role", "hwc.res.infer_service_compliance", {"infer_service_compliance_" + key for key in (
        "connection", "project_ids", "max_workers", "required_running", "forbidden_statuses", "max_failure_rate", "min_invocations",
        "allow_shared", "max_deploying_minutes", "report_dir", "fail_on_violation")}),
])
def test_ansible_doc_documents_the_filters_and_the_role(ansible, kind, name, expected):
    completed = subprocess.run([str(BIN / "ansible-doc"), "-t", kind, "--json", name], env=ansible.env(None),
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    doc = json.loads(completed.stdout)[name]
    options = doc["entry_points"]["main"]["options"] if kind == "role" else doc["doc"]["options"]
    assert set(options) == expected
