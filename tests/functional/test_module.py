# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwc.res.infer_service_info through real ansible-playbook runs against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from harness import AUTH_METHODS, CREDENTIALS, PROJECT_ID, SAMPLE, task_play

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
    assert by_glob["summary"] == {"total": 2, "by_status": {"running": 2}}
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


def test_normalized_fields(ansible):
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
    assert canary["publish_time"] == raw["publish_time"]
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
