# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role hwc.res.infer_service_compliance through real ansible-playbook runs against the simulator."""

import json
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from harness import BIN, CREDENTIALS, EAST_PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID, SAMPLE, task_play

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


def role_results(run, name):
    """Every result of the role's task ``name`` (ansible-core 2.21 names it ``<role> : <name>``), oldest first."""
    return [record for record in run.results if record["task"] in (name, "hwc.res.infer_service_compliance : " + name)]


def role_task(run, name):
    """The last result of the role's task ``name``."""
    results = role_results(run, name)
    assert results, "task %r did not run; tasks: %s\n%s" % (name, [r["task"] for r in run.results], run.output)
    return results[-1]


def fact(run):
    return role_task(run, FACT_TASK)["result"]["ansible_facts"]["infer_service_compliance"]


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
    assert fact(run) == {"passed": True, "checked": 3, "violations": [], "remediated": []}
    assert role_task(run, FAIL_TASK)["status"] == "skipped"
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
    assert role_task(run, FAIL_TASK)["result"]["msg"] == (
        "8 violations of the inference service policy. In project %s: %s." % (PROJECT_ID, "; ".join(details)))
    assert json.loads((tmp_path / JSON_REPORT).read_text())["violations"] == result["violations"]
    counts, cases = junit(tmp_path / JUNIT_REPORT)
    assert counts["tests"] == 7 * 5 + 1 and counts["failures"] == 8
    assert [c[3] for c in cases if c[2] == "failed"] == details
    assert cases[-1] == ("%s.res-missing-*" % PROJECT_ID, "required_running", "failed", details[-1])
    # Without remediation (the default) the stopped res-recall-v1 stays a violation and nothing is written.
    assert result["remediated"] == [] and simulator.writes == []


def test_fail_on_violation_false_leaves_the_decision_to_the_play(ansible, simulator):
    run = ansible.playbook(ROLE_PLAY + '''
    - name: Show the outcome
      ansible.builtin.debug:
        msg: "{{ infer_service_compliance.passed }} {{ infer_service_compliance.violations | length }}"
''', extra_vars={"infer_service_compliance_fail_on_violation": "false"})  # a string, as a survey sends it
    assert run.rc == 0, run
    assert run.task("Show the outcome")["result"]["msg"] == "False 1"
    assert fact(run)["violations"][0]["detail"] == "res-ctr-experiment: status concerning is forbidden"
    assert role_task(run, "Write the JSON report")["status"] == "skipped"


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
         "rule": "required_running", "detail": "res-video-rank: no service matches this required name"}],
        "remediated": []}
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
    ({"infer_service_compliance_remediate": "sometimes"}, "argument 'infer_service_compliance_remediate' is of type"),
    ({"infer_service_compliance_remediate": True, "infer_service_compliance_remediate_wait_timeout": 86401},
     "infer_service_compliance_remediate_wait_timeout must be from 0 to 86400 seconds, got 86401."),
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
    assert role_task(run, "Read the services of every project")["status"] == "ok"
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
    assert role_task(run, FAIL_TASK)["result"]["msg"].startswith(
        "1 violation of the inference service policy. In project %s: Could not read project" % OTHER_DOMAIN_PROJECT_ID)


@pytest.mark.parametrize("kind, name, expected", [
    ("filter", "hwc.res.compliance_policy", {"_input"}),
    ("filter", "hwc.res.compliance_result", {"_input", "policy", "now_ms", "project_ids", "failed_projects",
                                             "remediated"}),
    ("filter", "hwc.res.compliance_junit", {"_input", "policy", "now_ms", "project_ids", "suite_name",
                                            "failed_projects", "remediated"}),
    ("filter", "hwc.res.compliance_to_start", {"_input", "policy"}),
    ("filter", "hwc.res.compliance_remediated", {"_input", "check_mode"}),
    ("role", "hwc.res.infer_service_compliance", {"infer_service_compliance_" + key for key in (
        "connection", "project_ids", "max_workers", "required_running", "forbidden_statuses", "max_failure_rate", "min_invocations",
        "allow_shared", "max_deploying_minutes", "report_dir", "fail_on_violation", "remediate",
        "remediate_wait_timeout")}),
])
def test_ansible_doc_documents_the_filters_and_the_role(ansible, kind, name, expected):
    completed = subprocess.run([str(BIN / "ansible-doc"), "-t", kind, "--json", name], env=ansible.env(None),
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    doc = json.loads(completed.stdout)[name]
    options = doc["entry_points"]["main"]["options"] if kind == "role" else doc["doc"]["options"]
    assert set(options) == expected


# ---- remediation --------------------------------------------------------------------------------------------------

START_TASK = "Start the required services that are stopped"
SERVICE_IDS = dict((service["service_name"], service["service_id"]) for project in SAMPLE["projects"]
                   if project["id"] == PROJECT_ID for service in project["workspaces"]["0"])
PROD_SERVICE_IDS = dict((service["service_name"], service["service_id"]) for project in SAMPLE["projects"]
                        if project["id"] == PROD_PROJECT_ID for service in project["workspaces"]["0"])


def started(project_id, name, status_after="running", error=None, service_id=None):
    """A record of ``remediated``: a stopped service that remediation started (or tried to)."""
    return {"project_id": project_id, "service_id": service_id or (
        SERVICE_IDS if project_id == PROJECT_ID else PROD_SERVICE_IDS)[name], "service_name": name,
        "status_before": "stopped", "status_after": status_after, "error": error}


def writes(simulator):
    """The write log as (method, project, service ID, body, applied, HTTP status)."""
    return [(write["method"], write["project_id"], write["service_id"], write["body"], write["applied"],
             write["http_status"]) for write in simulator.writes]


def remediation_cases(path):
    return [case for case in junit(path)[1] if case[1] == "remediation"]


def test_remediation_starts_exactly_the_required_stopped_services_and_the_run_passes(ansible, simulator, tmp_path):
    simulator.start_seconds = 0
    prod_legacy = "0c5b7a43-4bd5-4d5e-9d0c-6e1f8e3f2a11"
    simulator.add_service(PROD_PROJECT_ID, {"service_id": prod_legacy, "service_name": "res-filter-legacy",
                                            "status": "stopped"})
    play = task_play('''
    - name: Run the role, remediating
      ansible.builtin.include_role:
        name: hwc.res.infer_service_compliance
      vars:
        infer_service_compliance_report_dir: %s

    - name: Run the role again, remediating
      ansible.builtin.include_role:
        name: hwc.res.infer_service_compliance
''' % json.dumps(str(tmp_path)))
    # Stopped too, but no required name matches them: res-recall-v1 and res-model-vpc2 (prod), and res-search-rerank
    # (workspace ws-2, not checked). res-recall-v2 is deploying.
    run = ansible.playbook(play, extra_vars={
        "infer_service_compliance_project_ids": [PROJECT_ID, PROD_PROJECT_ID],
        "infer_service_compliance_required_running": ["res-filter-legacy", "res-rank-prod"],
        "infer_service_compliance_forbidden_statuses": [],
        "infer_service_compliance_remediate": True})
    assert run.rc == 0, run
    # One start each, by ID, in the service's own project (both services have the same name).
    assert writes(simulator) == [
        ("PATCH", PROJECT_ID, SERVICE_IDS["res-filter-legacy"], {"status": "running"}, True, 200),
        ("PATCH", PROD_PROJECT_ID, prod_legacy, {"status": "running"}, True, 200)]
    assert [simulator.service(PROJECT_ID, SERVICE_IDS["res-recall-v1"])["status"],
            simulator.service(PROD_PROJECT_ID, PROD_SERVICE_IDS["res-model-vpc2"])["status"]] == ["stopped", "stopped"]
    first, second = [record["result"]["ansible_facts"]["infer_service_compliance"]
                     for record in role_results(run, FACT_TASK)]
    remediated = [started(PROJECT_ID, "res-filter-legacy"),
                  started(PROD_PROJECT_ID, "res-filter-legacy", service_id=prod_legacy)]
    # Checked again after the starts, as they left the services.
    assert first == {"passed": True, "checked": 10, "violations": [], "remediated": remediated}
    assert [record["status"] for record in role_results(run, "Read the services again, as the starts left them")] \
        == ["ok", "skipped"]
    report = json.loads((tmp_path / JSON_REPORT).read_text())
    assert (report["passed"], report["violations"], report["remediated"]) == (True, [], remediated)
    counts, cases = junit(tmp_path / JUNIT_REPORT)
    assert counts["failures"] == 0
    assert [case for case in cases if case[1] == "remediation"] == [
        ("%s.res-filter-legacy" % PROJECT_ID, "remediation", "passed", None),
        ("%s.res-filter-legacy" % PROD_PROJECT_ID, "remediation", "passed", None)]
    assert ("%s.res-filter-legacy" % PROD_PROJECT_ID, "required_running", "passed", None) in cases
    # A second run finds nothing to start.
    assert second == {"passed": True, "checked": 10, "violations": [], "remediated": []}
    assert len(simulator.writes) == 2


@pytest.mark.matrix  # remediation end to end, with a service name that must stay data, on every ansible-core
def test_remediation_fails_on_what_remains_a_refused_start_a_missing_a_deploying_and_a_concerning_service(
        ansible, simulator, tmp_path):
    simulator.start_seconds = 0
    # A credential that may only read: RES refuses the first start, the second goes through.
    simulator.add_fault("update", "http_error", status=403, error_code="RES.5502",
                        error_msg="Operation not registered.")
    # A stopped service whose name would run a command if anything rendered it.
    canary = tmp_path / "rendered"
    hostile = {"service_id": "5e0c8b5e-7d1a-4c55-a1f8-0b0b4c1e9a77", "status": "stopped",
               "service_name": u'res-recall-{{ lookup("ansible.builtin.pipe", "touch %s") }}' % canary}
    simulator.add_service(PROJECT_ID, hostile)
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_required_running": ["res-recall-*", "res-filter-legacy", "res-ctr-experiment",
                                                      "res-missing-*"],
        "infer_service_compliance_remediate": "true",  # as a survey sends it
        "infer_service_compliance_report_dir": str(tmp_path)})
    assert run.rc == 2, run
    assert not canary.exists()
    # Only the stopped ones were started: not res-recall-v2 (deploying) nor res-ctr-experiment (concerning).
    assert writes(simulator) == [
        ("PATCH", PROJECT_ID, SERVICE_IDS["res-recall-v1"], {"status": "running"}, False, 403),
        ("PATCH", PROJECT_ID, SERVICE_IDS["res-filter-legacy"], {"status": "running"}, True, 200),
        ("PATCH", PROJECT_ID, hostile["service_id"], {"status": "running"}, True, 200)]
    result = fact(run)
    [refused, fine, data] = result["remediated"]
    assert fine == started(PROJECT_ID, "res-filter-legacy")
    assert data == started(PROJECT_ID, hostile["service_name"], service_id=hostile["service_id"])
    assert refused == started(PROJECT_ID, "res-recall-v1", status_after="stopped", error=refused["error"])
    assert refused["error"].startswith("RES PATCH /v1/%s/infer-services/%s failed with HTTP 403" % (
        PROJECT_ID, SERVICE_IDS["res-recall-v1"]))
    assert "RES.5502: Operation not registered." in refused["error"]
    assert refused["error"].endswith("Nothing was changed: the start was refused.")
    details = [violation["detail"] for violation in result["violations"]]
    assert details == [
        "res-recall-v1: required running, but it is stopped",
        "res-ctr-experiment: required running, but it is concerning",
        "res-ctr-experiment: status concerning is forbidden",
        "res-recall-v2: required running, but it is deploying",
        "res-missing-*: no service matches this required name"]
    assert role_task(run, FAIL_TASK)["result"]["msg"] == (
        "5 violations of the inference service policy. In project %s: %s. Remediation could not start every "
        "service: %s" % (PROJECT_ID, "; ".join(details), refused["error"]))
    # The rest of the role ran: both reports, with the remediation.
    assert json.loads((tmp_path / JSON_REPORT).read_text())["remediated"] == [refused, fine, data]
    assert remediation_cases(tmp_path / JUNIT_REPORT) == [
        ("%s.res-recall-v1" % PROJECT_ID, "remediation", "failed", "res-recall-v1: could not start it: "
         + refused["error"]),
        ("%s.res-filter-legacy" % PROJECT_ID, "remediation", "passed", None),
        ("%s.%s" % (PROJECT_ID, hostile["service_name"]), "remediation", "passed", None)]
    assert junit(tmp_path / JUNIT_REPORT)[0]["failures"] == 6  # the 5 violations and the refused start


def test_a_started_service_still_deploying_when_the_wait_ends_still_breaks_required_running(ansible, simulator):
    simulator.start_seconds = 600
    run = ansible.playbook(ROLE_PLAY, extra_vars={
        "infer_service_compliance_required_running": ["res-recall-v1"],
        "infer_service_compliance_forbidden_statuses": [],
        "infer_service_compliance_remediate": True,
        "infer_service_compliance_remediate_wait_timeout": 0})  # one poll
    assert run.rc == 2, run
    assert writes(simulator) == [("PATCH", PROJECT_ID, SERVICE_IDS["res-recall-v1"], {"status": "running"}, True, 200)]
    [record] = fact(run)["remediated"]
    assert record == started(PROJECT_ID, "res-recall-v1", status_after="deploying", error=record["error"])
    assert record["error"].startswith("RES accepted the start of service res-recall-v1 (%s), but: Timed out after 0 "
                                      "seconds waiting for status running" % SERVICE_IDS["res-recall-v1"])
    assert [violation["detail"] for violation in fact(run)["violations"]] == [
        "res-recall-v1: required running, but it is deploying"]


def test_check_mode_reports_what_remediation_would_start_and_writes_nothing(ansible, simulator, tmp_path):
    run = ansible.playbook(ROLE_PLAY, args=["--check"], extra_vars={
        "infer_service_compliance_project_ids": [PROJECT_ID, PROD_PROJECT_ID],
        "infer_service_compliance_required_running": ["res-recall-*", "res-model-vpc2", "res-filter-legacy"],
        "infer_service_compliance_forbidden_statuses": [],
        "infer_service_compliance_remediate": True,
        "infer_service_compliance_report_dir": str(tmp_path / "reports")})
    assert run.rc == 2, run
    assert simulator.writes == []
    assert fact(run)["remediated"] == [
        started(PROJECT_ID, "res-recall-v1", status_after=None), started(PROJECT_ID, "res-filter-legacy", None),
        started(PROD_PROJECT_ID, "res-model-vpc2", None)]
    # Nothing was started, so the violations stay, and no report is written.
    assert [v["detail"] for v in fact(run)["violations"] if v["detail"].endswith("stopped")] == [
        "res-recall-v1: required running, but it is stopped", "res-filter-legacy: required running, but it is stopped",
        "res-model-vpc2: required running, but it is stopped"]
    assert role_task(run, "Read the services again, as the starts left them")["status"] == "skipped"
    assert not (tmp_path / "reports").exists()
