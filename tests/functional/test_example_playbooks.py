# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every playbook in playbooks/, run as a user would run it (credentials from HW_*) against the simulator."""

import json
import xml.etree.ElementTree as ET

from harness import EAST_PROJECT_ID, PROJECT_ID, REPO, iso_ms

PLAYBOOKS = REPO / "playbooks"
ASSERT_TASK = "Assert that every named service exists and is running"


def test_assert_running_passes_when_the_named_services_run(ansible, simulator):
    run = ansible.playbook(PLAYBOOKS / "assert_running.yml")
    assert run.rc == 0, run
    assert run.task(ASSERT_TASK)["result"]["msg"] == "Running: res-rank-prod, res-rank-canary."
    assert simulator.counters["list"] == 1


def test_assert_running_names_each_service_that_is_missing_or_not_running(ansible):
    run = ansible.playbook(PLAYBOOKS / "assert_running.yml", extra_vars={"required_services": [
        "res-rank-prod", "res-recall-v1", "res-nowhere", "res-ctr-experiment"]})
    assert run.rc == 2, run
    assert run.task(ASSERT_TASK)["result"]["msg"] == (
        "Not as required: res-nowhere does not exist; res-recall-v1 is stopped; res-ctr-experiment is concerning; "
        "everything else runs.")


def test_report_stopped_reports_each_stopped_service(ansible, simulator):
    run = ansible.playbook(PLAYBOOKS / "report_stopped.yml")
    assert run.rc == 0, run
    recall_v1, filter_legacy = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe", "d4c9f02a-b5ee-439b-b919-a50159e2b3ae"
    assert [item["msg"] for item in run.task("Report each stopped service")["result"]["results"]] == [
        "res-recall-v1 (%s) has been stopped since %s; it served 982344 calls."
        % (recall_v1, iso_ms(simulator.service(PROJECT_ID, recall_v1)["update_time"])),
        "res-filter-legacy (%s) has been stopped since %s; it served 0 calls and is shared."
        % (filter_legacy, iso_ms(simulator.service(PROJECT_ID, filter_legacy)["update_time"])),
    ]
    assert run.task("Count the stopped services")["result"]["msg"] == \
        "2 stopped services: res-recall-v1, res-filter-legacy."


def test_report_stopped_with_one_stopped_service_in_another_project(ansible):
    run = ansible.playbook(PLAYBOOKS / "report_stopped.yml", auth="aksk", env={"HW_PROJECT_ID": EAST_PROJECT_ID})
    assert run.rc == 0, run
    assert run.task("Count the stopped services")["result"]["msg"] == "1 stopped service: res-video-rank-old."


def test_nightly_compliance_writes_the_reports_publishes_the_result_and_fails_the_job(ansible, tmp_path):
    reports = tmp_path / "nightly"
    run = ansible.playbook(PLAYBOOKS / "nightly_compliance.yml", env={"HWC_RES_REPORT_DIR": reports})
    assert run.rc == 2, run
    result = run.task("Check the services against the policy")["result"]["ansible_facts"]["infer_service_compliance"]
    details = [violation["detail"] for violation in result["violations"]]
    assert details[:3] == ["res-rank-canary: failure rate 18.0% exceeds 5.0% (900 of 5000 calls)",
                           "res-ctr-experiment: status concerning is forbidden",
                           "res-ctr-experiment: failure rate 15.4% exceeds 5.0% (3150 of 20480 calls)"]
    assert details[3].startswith("res-recall-v2: deploying for ") and len(details) == 4
    assert run.task("Publish the result as job artifacts (AWX shows them, workflow nodes read them)")["result"][
        "ansible_stats"]["data"] == {"infer_service_compliance": result}
    assert run.task("Say where the reports went")["result"]["msg"] == (
        "Compliance failed with 4 violations over 6 services. Reports: {0}/infer_service_compliance.json and "
        "{0}/infer_service_compliance.xml".format(reports))
    report = json.loads((reports / "infer_service_compliance.json").read_text())
    assert report["violations"] == result["violations"] and report["project_ids"] == [PROJECT_ID]
    suite = ET.parse(str(reports / "infer_service_compliance.xml")).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("24", "4")  # 6 services x 4 rules
    assert [case.find("failure").get("message") for case in suite.iter("testcase")
            if case.find("failure") is not None] == details


def test_nightly_compliance_passes_with_a_policy_the_services_meet(ansible, tmp_path):
    run = ansible.playbook(PLAYBOOKS / "nightly_compliance.yml", auth="token", extra_vars={
        "nightly_report_dir": str(tmp_path),
        "infer_service_compliance_forbidden_statuses": [],
        "infer_service_compliance_max_failure_rate": 0.2,
        "infer_service_compliance_max_deploying_minutes": None})
    assert run.rc == 0, run
    assert run.task("Say where the reports went")["result"]["msg"].startswith(
        "Compliance passed over 6 services. Reports: %s/infer_service_compliance.json" % tmp_path)
    assert json.loads((tmp_path / "infer_service_compliance.json").read_text())["passed"] is True
