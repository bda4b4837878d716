# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwc.res.infer_service_info through real ansible-playbook runs against the simulator."""

from harness import PROD_PROJECT_ID, PROJECT_ID, SAMPLE, task_play

SAMPLE_SERVICES = next(p for p in SAMPLE["projects"] if p["id"] == PROJECT_ID)["workspaces"]["0"]
SERVICE_ID = dict((s["service_name"], s["service_id"]) for s in SAMPLE_SERVICES)

WAIT_FOR_RANKING_V2 = task_play('''
    - name: Wait
      hwc.res.infer_service_info:
        name: [res-recall-v2, res-rank-v2]
        wait: true
        wait_sleep: 1
        wait_timeout: %d
      register: waited
''')


def test_wait_until_a_service_appears_and_another_runs(ansible, simulator):
    simulator.set_status(PROJECT_ID, SERVICE_ID["res-recall-v2"], "running", after_list_requests=2)
    new_service = dict(SAMPLE_SERVICES[0], service_id="00000000-0000-4000-8000-000000000002",
                       service_name="res-rank-v2", status="running")
    simulator.add_service(PROJECT_ID, new_service, after_list_requests=1)
    run = ansible.playbook(WAIT_FOR_RANKING_V2 % 60)
    assert run.rc == 0, run
    services = run.task("Wait")["result"]["services"]
    assert sorted((s["service_name"], s["status"]) for s in services) == [
        ("res-rank-v2", "running"), ("res-recall-v2", "running")]
    assert simulator.counters["list"] == 3


# -- several projects ----------------------------------------------------------------------------------------------

def test_details_are_read_concurrently_keeping_the_order(ansible, simulator):
    simulator.latency = 0.3
    run = ansible.playbook(task_play('''
    - name: Without details
      hwc.res.infer_service_info:
        projects: [%s, %s]
      register: plain

    - name: With details
      hwc.res.infer_service_info:
        projects: [%s, %s]
        details: true
        max_workers: 3
      register: detailed
''' % ((PROJECT_ID, PROD_PROJECT_ID) * 2)))
    assert run.rc == 0, run
    plain = run.task("Without details")["result"]["services"]
    detailed = run.task("With details")["result"]["services"]
    assert [s["service_id"] for s in detailed] == [s["service_id"] for s in plain] and len(plain) == 9
    assert all(s["access_address"].startswith("https://") for s in detailed)
    assert simulator.counters["details"] == 9
    # Nine details requests of 0.3 s, three at a time: they overlapped, and never more than three did.
    assert simulator.max_in_flight == 3


def test_a_service_whose_details_fail_is_left_out_and_reported(ansible, simulator):
    simulator.add_fault("details", "http_error", status=404, error_code="res.4721", error_msg="service is not exist.")
    run = ansible.playbook(task_play('''
    - name: Details
      hwc.res.infer_service_info:
        name: res-rank-prod
        projects: [%s, %s]
        details: true
        max_workers: 1
        fail_on_errors: false
      register: res
''' % (PROJECT_ID, PROD_PROJECT_ID)))
    assert run.rc == 0, run
    result = run.task("Details")["result"]
    assert [s["project_id"] for s in result["services"]] == [PROD_PROJECT_ID]
    [failure] = result["failed_projects"]
    assert (failure["project_id"], failure["status_code"], failure["error_code"]) == (PROJECT_ID, 404, "res.4721")
    assert failure["service_id"] == SERVICE_ID["res-rank-prod"]
    assert result["summary"]["by_project"] == {PROJECT_ID: {"total": 0, "by_status": {}},
                                               PROD_PROJECT_ID: {"total": 1, "by_status": {"running": 1}}}


def test_wait_covers_every_listed_project(ansible, simulator):
    simulator.set_status(PROD_PROJECT_ID, "%s" % next(
        s["service_id"] for p in SAMPLE["projects"] if p["id"] == PROD_PROJECT_ID
        for s in p["workspaces"]["ws-prod-a"] if s["service_name"] == "res-home-feed-ab"), "running",
        after_list_requests=2)
    run = ansible.playbook(task_play('''
    - name: Wait
      hwc.res.infer_service_info:
        projects: [%s, {project_id: %s, workspace_id: ws-prod-a}]
        name: [res-rank-*, res-home-feed*]
        wait: true
        wait_sleep: 1
        wait_timeout: 60
      register: res
''' % (PROJECT_ID, PROD_PROJECT_ID)))
    assert run.rc == 0, run
    services = run.task("Wait")["result"]["services"]
    assert [(s["service_name"], s["status"]) for s in services] == [
        ("res-rank-prod", "running"), ("res-rank-canary", "running"),
        ("res-home-feed", "running"), ("res-home-feed-ab", "running")]
    # Every poll read both projects; the one in ws-prod-a was pending until its third list.
    assert simulator.counters["list"] == 6
