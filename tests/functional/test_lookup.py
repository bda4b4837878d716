# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The lookup hwc.res.infer_services through real ansible-playbook runs against the simulator."""

import pytest

from harness import EAST_PROJECT_ID, PROD_PROJECT_ID, PROJECT_ID, iso_ms, task_play

INJECTED = "{{ lookup('pipe', 'id') }}"


def fact(run, task, name):
    return run.task(task)["result"]["ansible_facts"][name]


@pytest.mark.matrix
def test_loop_pick_details_query_workspaces_and_on_missing_warn(ansible, simulator):
    simulator.add_service(PROJECT_ID, {"service_name": INJECTED, "description": INJECTED, "status": "stopped"})
    run = ansible.playbook(task_play('''
    - name: Loop over the stopped services
      ansible.builtin.debug:
        msg: "{{ item.service_name }} is stopped: {{ item.description }}"
      loop: "{{ query('hwc.res.infer_services', status='stopped') }}"
      loop_control:
        label: "{{ item.service_id }}"

    - name: Pick one by name
      ansible.builtin.set_fact:
        prod: "{{ lookup('hwc.res.infer_services', 'res-rank-prod', wantlist=True) | first }}"

    - name: Inference URL in another project
      ansible.builtin.set_fact:
        urls: "{{ query('hwc.res.infer_services', 'res-rank-prod', project_id='%s', details=true,
                        query='[].access_address') }}"

    - name: Names in another workspace
      ansible.builtin.set_fact:
        ws2: "{{ query('hwc.res.infer_services', workspace_id='ws-2', query='[].service_name') }}"

    - name: A missing term only warns
      ansible.builtin.set_fact:
        found: "{{ query('hwc.res.infer_services', 'res-gone', 'res-recall-v1', on_missing='warn')
                   | map(attribute='service_name') | list }}"
''' % PROD_PROJECT_ID))
    assert run.rc == 0, run
    said = [item["msg"] for item in run.task("Loop over the stopped services")["result"]["results"]]
    assert said == ["res-recall-v1 is stopped: Item-CF recall, replaced by res-recall-v2",
                    "res-filter-legacy is stopped: ", "%s is stopped: %s" % (INJECTED, INJECTED)]
    assert "uid=" not in run.output  # the injected template was never rendered
    prod = fact(run, "Pick one by name", "prod")
    rank_prod = "ce3dc431-427d-4e9d-a591-4157781604cf"
    assert (prod["service_id"], prod["invocation_times"], prod["update_time_iso"]) == (
        rank_prod, 1284503, iso_ms(simulator.service(PROJECT_ID, rank_prod)["update_time"]))
    assert fact(run, "Inference URL in another project", "urls") == [
        "https://res-infer.cn-north-4.myhuaweicloud.com/v1/%s/infer/6e333fd6-ef98-423a-9ebe-7b0dafcc7ae0"
        % PROD_PROJECT_ID]
    assert fact(run, "Names in another workspace", "ws2") == ["res-news-feed", "res-search-rerank"]
    assert fact(run, "A missing term only warns", "found") == ["res-recall-v1"]
    assert "The term 'res-gone' matches the name or ID of no service" in " ".join(run.stderr.split())


def test_failures_are_lookup_errors_with_clear_messages(ansible, simulator):
    simulator.add_fault("list", "http_error", status=502, body_kind="html")
    run = ansible.playbook(task_play('''
    - name: Gateway failure
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', retries=0) }}"
      ignore_errors: true

    - name: Missing term
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', 'res-gone', status='running') }}"
      ignore_errors: true

    - name: Wrong password
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', password='not-the-password') }}"
      ignore_errors: true

    - name: Bad query
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', query='[?') }}"
      ignore_errors: true
'''))
    assert run.rc == 0, run
    messages = dict((name, run.task(name)["result"]["msg"])
                    for name in ("Gateway failure", "Missing term", "Wrong password", "Bad query"))
    assert all(run.task(name)["status"] == "failed" for name in messages), messages
    assert ("RES GET /v1/%s/infer-services failed with HTTP 502 Bad Gateway: the body is not a JSON object: "
            "'<html> <head><title>502 Bad Gateway</title>" % PROJECT_ID) in messages["Gateway failure"]
    assert ("The term 'res-gone' matches the name or ID of no service in project %s, workspace 0 that passes "
            "the filters (status)." % PROJECT_ID) in messages["Missing term"]
    assert "IAM POST /v3/auth/tokens failed with HTTP 401" in messages["Wrong password"]
    assert "query '[?' is not a valid JMESPath expression" in messages["Bad query"]
    assert "Traceback" not in run.output


OTHER_DOMAIN_PROJECT_ID = "89769a7f350c47dfce0c12ec5b460a82"  # the demo user may not read it: IAM answers 401


def test_projects_terms_details_and_partial_failure_both_ways(ansible, simulator):
    simulator.latency = 0.3
    run = ansible.playbook(task_play('''
    - name: Several projects, a term found in two of them, details
      ansible.builtin.set_fact:
        found: "{{ query('hwc.res.infer_services', 'res-rank-prod', 'res-video-rank', details=true, max_workers=2,
                         projects=['%(prod)s', {'project_id': '%(north)s', 'workspace_id': 'ws-2'}, '%(north)s',
                                   {'project_id': '%(east)s', 'region': 'cn-east-3'}]) }}"

    - name: Twice the same project
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', projects=['%(north)s', '%(north)s']) }}"
      ignore_errors: true

    - name: An unreadable project fails
      ansible.builtin.debug:
        msg: "{{ query('hwc.res.infer_services', projects=['%(north)s', '%(other)s']) }}"
      ignore_errors: true

    - name: An unreadable project warns
      ansible.builtin.set_fact:
        rest: "{{ query('hwc.res.infer_services', projects=['%(north)s', '%(other)s'], fail_on_errors=false,
                        query='[].project_id') | unique }}"
''' % {"prod": PROD_PROJECT_ID, "north": PROJECT_ID, "east": EAST_PROJECT_ID, "other": OTHER_DOMAIN_PROJECT_ID}))
    assert run.rc == 0, run
    found = fact(run, "Several projects, a term found in two of them, details", "found")
    assert [(s["service_name"], s["project_id"]) for s in found] == [
        ("res-rank-prod", PROD_PROJECT_ID), ("res-rank-prod", PROJECT_ID), ("res-video-rank", EAST_PROJECT_ID)]
    assert all(s["access_address"] for s in found)
    assert simulator.max_in_flight == 2  # four projects, then three details, two at a time
    twice = run.task("Twice the same project")
    assert twice["status"] == "failed"
    assert "projects[1] repeats project %s, workspace 0 of projects[0]." % PROJECT_ID in twice["result"]["msg"]
    failed = run.task("An unreadable project fails")
    assert failed["status"] == "failed"
    assert "Could not read project %s, workspace 0: IAM " % OTHER_DOMAIN_PROJECT_ID in failed["result"]["msg"]
    assert fact(run, "An unreadable project warns", "rest") == [PROJECT_ID]
    assert "[WARNING]: Could not read project %s, workspace 0: IAM " % OTHER_DOMAIN_PROJECT_ID in run.output
