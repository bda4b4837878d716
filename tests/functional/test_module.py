# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwc.res.infer_service_info through real ansible-playbook runs against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from harness import AUTH_METHODS, CREDENTIALS, EAST_PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID, SAMPLE, task_play

SAMPLE_SERVICES = next(p for p in SAMPLE["projects"] if p["id"] == PROJECT_ID)["workspaces"]["0"]
SERVICE_ID = dict((s["service_name"], s["service_id"]) for s in SAMPLE_SERVICES)

LIST_AND_ASSERT = task_play('''
    - name: List
      hwc.res.infer_service_info:
      register: res

    - name: Loop over the stopped ones
      ansible.builtin.debug:
        msg: "{{ item.service_name }} is stopped"
      loop: "{{ res.services | selectattr('status', 'equalto', 'stopped') | list }}"

    - name: Assert
      ansible.builtin.assert:
        that:
          - res.summary.total == %d
          - res.summary.by_status.running == 2
          - res.services | map(attribute='project_id') | unique == ['%s']
''' % (len(SAMPLE_SERVICES), PROJECT_ID))


@pytest.mark.parametrize("auth", [pytest.param(a, marks=pytest.mark.matrix) if a == "aksk" else a
                                  for a in AUTH_METHODS])
def test_each_auth_method(ansible, simulator, auth):
    # Without HW_PROJECT_ID, password and AK/SK credentials find the project themselves.
    run = ansible.playbook(LIST_AND_ASSERT, auth=auth, env={} if auth == "token" else {"HW_PROJECT_ID": None})
    assert run.rc == 0, run
    loop = run.task("Loop over the stopped ones")["result"]["results"]
    assert sorted(item["msg"] for item in loop) == ["res-filter-legacy is stopped", "res-recall-v1 is stopped"]
    assert simulator.counters["token"] == (1 if auth == "password" else 0)
    assert simulator.counters["projects"] == (1 if auth in ("aksk", "temporary") else 0)


def test_filters_details_and_query(ansible, simulator):
    run = ansible.playbook(task_play('''
    - name: Glob and status
      hwc.res.infer_service_info:
        name: ["res-rank-*", "res-recall-*"]
        status: running
      register: by_glob

    - name: By ID, shared flag and type
      hwc.res.infer_service_info:
        service_id: ["%s", "%s"]
        is_shared: false
        infer_type: real-time
      register: by_id

    - name: Details and query
      hwc.res.infer_service_info:
        name: res-rank-prod
        details: true
        query: "[0].{name: service_name, url: access_address}"
      register: detailed

    - name: Other workspace
      hwc.res.infer_service_info:
        workspace_id: ws-2
      register: workspace
''' % (SERVICE_ID["res-recall-v1"], SERVICE_ID["res-ctr-experiment"])))
    assert run.rc == 0, run
    by_glob = run.task("Glob and status")["result"]
    assert sorted(s["service_name"] for s in by_glob["services"]) == ["res-rank-canary", "res-rank-prod"]
    assert by_glob["summary"] == {"total": 2, "by_status": {"running": 2},
                                  "by_project": {PROJECT_ID: {"total": 2, "by_status": {"running": 2}}}}
    by_id = run.task("By ID, shared flag and type")["result"]["services"]
    assert sorted(s["service_name"] for s in by_id) == sorted(
        s["service_name"] for s in SAMPLE_SERVICES
        if s["service_name"] in ("res-recall-v1", "res-ctr-experiment") and not s["is_shared"])
    detailed = run.task("Details and query")["result"]
    assert detailed["query_result"]["name"] == "res-rank-prod"
    assert detailed["query_result"]["url"] == detailed["services"][0]["access_address"]
    assert isinstance(detailed["services"][0]["flows"], list)
    assert {s["workspace_id"] for s in run.task("Other workspace")["result"]["services"]} == {"ws-2"}
    assert simulator.counters["details"] == 1


def test_normalized_fields(ansible, simulator):
    run = ansible.playbook(task_play('''
    - name: Canary
      hwc.res.infer_service_info:
        name: res-rank-canary
      register: canary
'''))
    assert run.rc == 0, run
    (canary,) = run.task("Canary")["result"]["services"]
    raw = next(s for s in SAMPLE_SERVICES if s["service_name"] == "res-rank-canary")
    assert canary["invocation_times"] == int(raw["invocation_times"])
    assert canary["failed_times"] == int(raw["failed_times"])
    assert canary["failure_rate"] == pytest.approx(int(raw["failed_times"]) / int(raw["invocation_times"]))
    # The simulator serves the sample's times moved to the same distance before now.
    assert canary["publish_time"] == raw["publish_time"] + simulator.time_shift_ms
    assert canary["publish_time_iso"].endswith("Z") and canary["publish_time_iso"][:4].isdigit()
    assert (canary["project_id"], canary["workspace_id"]) == (PROJECT_ID, "0")


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


def test_wait_that_never_ends_names_the_laggards(ansible, simulator):
    run = ansible.playbook(WAIT_FOR_RANKING_V2 % 2)
    assert run.rc != 0
    result = run.task("Wait")["result"]
    assert result["msg"] == (
        "Timed out after 2 seconds waiting for status running: res-recall-v2 (%s) is deploying; "
        "service name res-rank-v2 does not exist yet." % SERVICE_ID["res-recall-v2"])
    assert simulator.counters["list"] >= 2


def test_module_defaults_through_the_action_group(ansible, simulator):
    credentials = CREDENTIALS["password"]
    play = '''- name: Defaults for the group
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwc.res.res:
      user: %s
      password: %s
      domain: %s
      endpoint: %s
      identity_endpoint: %s/v3
  tasks:
    - name: List stopped
      hwc.res.infer_service_info:
        status: stopped
      register: res
''' % (credentials["HW_USER_NAME"], credentials["HW_USER_PASSWORD"], credentials["HW_DOMAIN_NAME"],
       simulator.url, simulator.url)
    run = ansible.playbook(play, auth=None, env={"HW_RES_ENDPOINT": None, "HW_AUTH_URL": None})
    assert run.rc == 0, run
    assert run.task("List stopped")["result"]["summary"]["by_status"] == {"stopped": 2}


def test_check_mode_reads_and_changes_nothing(ansible, simulator):
    run = ansible.playbook(LIST_AND_ASSERT, args=["--check"])
    assert run.rc == 0, run
    result = run.task("List")["result"]
    assert result["changed"] is False and result["summary"]["total"] == len(SAMPLE_SERVICES)
    assert simulator.counters["list"] == 1


@pytest.mark.parametrize("task, message", [
    ("hwc.res.infer_service_info:\n        wait: true\n        wait_sleep: 0",
     "wait_sleep must be from 1 to 3600, got 0."),
    ("hwc.res.infer_service_info:\n        endpoint: res.example.com",
     "endpoint must be an http:// or https:// URL, got 'res.example.com'."),
    ("hwc.res.infer_service_info:\n        query: '[?'",
     "query '[?' is not a valid JMESPath expression"),
    ("hwc.res.infer_service_info:\n        timeout: soon",
     "argument 'timeout' is of type"),
])
def test_bad_input_fails_clearly(ansible, task, message):
    run = ansible.playbook(task_play("    - name: Bad\n      %s\n" % task))
    assert run.rc != 0
    assert message in run.task("Bad")["result"]["msg"]
    assert "Traceback" not in run.output


def test_no_credentials_at_all(ansible):
    run = ansible.playbook(task_play("    - name: Bad\n      hwc.res.infer_service_info:\n"), auth=None)
    assert run.rc != 0
    assert run.task("Bad")["result"]["msg"].startswith("No credentials were given.")


# -- several projects ----------------------------------------------------------------------------------------------

OTHER_DOMAIN_PROJECT_ID = "89769a7f350c47dfce0c12ec5b460a82"  # the demo user may not read it: IAM answers 401


def test_projects_ids_and_dicts_in_order_with_counts_per_project(ansible, simulator):
    run = ansible.playbook(task_play('''
    - name: Three projects, one in another workspace, one in another region
      hwc.res.infer_service_info:
        projects:
          - %s
          - project_id: %s
            workspace_id: ws-2
          - project_id: %s
            region: cn-east-3
        status: [running, stopped, deploying]
      register: res

    - name: A project and workspace listed twice
      hwc.res.infer_service_info:
        projects: [%s, {project_id: %s, workspace_id: "0"}]
      ignore_errors: true
''' % (PROD_PROJECT_ID, PROJECT_ID, EAST_PROJECT_ID, PROJECT_ID, PROJECT_ID)))
    assert run.rc == 0, run
    result = run.task("Three projects, one in another workspace, one in another region")["result"]
    assert [(s["project_id"], s["workspace_id"], s["service_name"]) for s in result["services"]] == [
        (PROD_PROJECT_ID, "0", "res-rank-prod"), (PROD_PROJECT_ID, "0", "res-model-vpc2"),
        (PROJECT_ID, "ws-2", "res-news-feed"), (PROJECT_ID, "ws-2", "res-search-rerank"),
        (EAST_PROJECT_ID, "0", "res-video-rank"), (EAST_PROJECT_ID, "0", "res-coldstart"),
        (EAST_PROJECT_ID, "0", "res-video-rank-old")]
    assert result["summary"] == {"total": 7, "by_status": {"running": 3, "stopped": 3, "deploying": 1}, "by_project": {
        PROD_PROJECT_ID: {"total": 2, "by_status": {"running": 1, "stopped": 1}},
        PROJECT_ID: {"total": 2, "by_status": {"running": 1, "stopped": 1}},
        EAST_PROJECT_ID: {"total": 3, "by_status": {"running": 1, "deploying": 1, "stopped": 1}}}}
    assert result["failed_projects"] == []
    assert simulator.counters["token"] == 3 and simulator.counters["list"] == 3
    twice = run.task("A project and workspace listed twice")
    assert twice["status"] == "failed"
    assert "projects[1] repeats project %s, workspace 0 of projects[0]." % PROJECT_ID in twice["result"]["msg"]


PARTLY_READABLE = task_play('''
    - name: Read
      hwc.res.infer_service_info:
        projects: [%s, %s, %s]
        fail_on_errors: %%s
      register: res
      ignore_errors: true
''' % (PROJECT_ID, OTHER_DOMAIN_PROJECT_ID, EAST_PROJECT_ID))


@pytest.mark.parametrize("fail_on_errors", [True, False])
def test_a_project_that_cannot_be_read_fails_or_warns_and_the_others_are_returned(ansible, fail_on_errors):
    run = ansible.playbook(PARTLY_READABLE % fail_on_errors)
    assert run.rc == 0, run
    result = run.task("Read")["result"]
    assert run.task("Read")["status"] == ("failed" if fail_on_errors else "ok")
    assert [s["project_id"] for s in result["services"]] == [PROJECT_ID] * 6 + [EAST_PROJECT_ID] * 3
    assert sorted(result["summary"]["by_project"]) == sorted([PROJECT_ID, EAST_PROJECT_ID])
    [failure] = result["failed_projects"]
    assert (failure["project_id"], failure["workspace_id"], failure["status_code"]) == (
        OTHER_DOMAIN_PROJECT_ID, "0", 401)
    assert failure["msg"].startswith("Could not read project %s, workspace 0: IAM " % OTHER_DOMAIN_PROJECT_ID)
    if fail_on_errors:
        assert result["msg"] == failure["msg"]
    else:
        assert result["warnings"] == [failure["msg"] + " Its services are left out."]


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
