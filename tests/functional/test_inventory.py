# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin hwc.res.infer_services through real ansible-inventory and ansible-playbook runs."""

import json
import os
import re
import time

import pytest

from harness import PROD_PROJECT_ID, PROJECT_ID, REPO, SAMPLE, iso_ms

INJECTED = "{{ lookup('pipe', 'id') }}"


def sample_names(project_id, workspace_id="0"):
    return [s["service_name"] for s in next(p for p in SAMPLE["projects"] if p["id"] == project_id)
            ["workspaces"][workspace_id]]


def listed(run):
    """The parsed stdout of ansible-inventory --list; fails with the run's output when it is not JSON alone.

    ansible-inventory writes a string that must not be rendered as {"__ansible_unsafe": "..."}: those
    from the API with template characters (see test_export_wraps_only_text_that_could_be_a_template).
    """
    assert run.rc == 0, run
    try:
        return json.loads(run.stdout, object_hook=lambda obj: obj.get("__ansible_unsafe", obj))
    except ValueError:
        pytest.fail("stdout is not the inventory alone:\n%r" % (run,))


def group_hosts(inventory, group):
    return inventory.get(group, {}).get("hosts", [])


def test_graph_and_host_print_only_the_inventory(ansible, simulator):
    simulator.add_service(PROJECT_ID, {"service_name": "res-odd-counters", "invocation_times": "n/a"})
    config = "plugin: hwc.res.infer_services\nprojects: [%s, %s]\n" % (PROJECT_ID, PROD_PROJECT_ID)
    graph = ansible.inventory(config, args=("--graph",))
    assert graph.rc == 0, graph
    lines = graph.stdout.rstrip("\n").splitlines()
    assert lines[0] == "@all:" and all(re.match(r"^[ |]*\|--", line) for line in lines[1:]), graph
    assert "  |  |--res-rank-prod_%s" % PROD_PROJECT_ID in lines
    # The odd counter is reported on stderr, out of the way of the inventory.
    assert "invocation_times 'n/a' is not a whole number" in " ".join(graph.stderr.split())
    host = ansible.inventory(config, args=("--host", "res-rank-prod_" + PROD_PROJECT_ID))
    assert host.rc == 0, host
    variables = json.loads(host.stdout)
    assert variables["service_id"] == "6e333fd6-ef98-423a-9ebe-7b0dafcc7ae0"
    assert (variables["project_id"], variables["invocation_times"]) == (PROD_PROJECT_ID, 88723410)


def test_a_fresh_cache_makes_no_request_until_flushed(ansible, simulator, tmp_path):
    config = ("plugin: hwc.res.infer_services\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
              "cache_connection: %s\n" % (tmp_path / "cache"))
    first = listed(ansible.inventory(config, name="cached.infer_services.yml"))
    [cache_file] = list((tmp_path / "cache").iterdir())
    counters = simulator.counters
    assert counters["list"] == 1
    past = time.time() - 60
    os.utime(str(cache_file), (past, past))
    assert listed(ansible.inventory(config, name="cached.infer_services.yml")) == first
    assert simulator.counters == counters
    assert cache_file.stat().st_mtime == past  # read, not rewritten: its life is not extended
    # ansible-inventory has --flush-cache only from ansible-core 2.17 on; ansible-playbook has it everywhere.
    simulator.add_service(PROJECT_ID, {"service_name": "res-new", "status": "deploying"})
    flushed = ansible.playbook(
        "- hosts: status_deploying\n  gather_facts: false\n  tasks:\n    - name: Deploying\n      debug:\n",
        args=["-i", str(tmp_path / "cached.infer_services.yml"), "--flush-cache"])
    assert flushed.rc == 0, flushed
    assert sorted(record["result"]["msg"] for record in flushed.results) == ["Hello world!"] * 2
    assert "res-new" in flushed.stdout
    assert simulator.counters["list"] == 2
    assert cache_file.stat().st_mtime > past


@pytest.mark.matrix
def test_stopped_services_play_never_renders_an_injected_name(ansible, simulator):
    simulator.add_service(PROJECT_ID, {"service_name": INJECTED, "description": INJECTED, "status": "stopped"})
    run = ansible.playbook(REPO / "playbooks" / "stopped_services_play.yml",
                           args=["-i", str(REPO / "playbooks" / "inventory" / "demo.infer_services.yml")])
    assert run.rc == 0, run
    said = dict((record["result"]["msg"].split(" (")[0], record["result"]["msg"])
                for record in run.results if record["task"] == "Say since when the service is stopped")
    assert sorted(said) == sorted(["res-recall-v1", "res-filter-legacy", INJECTED])
    recall_v1 = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"
    assert said["res-recall-v1"] == ("res-recall-v1 (%s) in project %s, workspace 0, has been stopped since %s" % (
        recall_v1, PROJECT_ID, iso_ms(simulator.service(PROJECT_ID, recall_v1)["update_time"])))
    assert "uid=" not in run.output


def wrapped_strings(node):
    """Every string under ``node`` that ansible-inventory wrote as {"__ansible_unsafe": ...}."""
    if isinstance(node, dict):
        if set(node) == {"__ansible_unsafe"}:
            return [node["__ansible_unsafe"]]
        return [text for value in node.values() for text in wrapped_strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in wrapped_strings(value)]
    return []


@pytest.mark.matrix
def test_export_wraps_only_text_that_could_be_a_template(ansible, simulator):
    # What an AWX inventory update runs and stores: plain host vars, except text that could be a template.
    header = "#jinja2:variable_start_string:'<<',variable_end_string:'>>'\n<< lookup('pipe', 'id') >>"
    injected = simulator.add_service(PROJECT_ID, {"service_name": INJECTED, "description": header,
                                                  "status": "stopped"})
    run = ansible.inventory("plugin: hwc.res.infer_services\n", args=("--list", "--export"))
    assert run.rc == 0, run
    exported = json.loads(run.stdout)
    hostvars = exported["_meta"]["hostvars"]
    # The service is a host of its own name, which nothing wraps: group host lists are plain text everywhere.
    host = "service_" + injected["service_id"]
    assert wrapped_strings(dict((group, content) for group, content in exported.items() if group != "_meta")) == []
    assert host in exported["status_stopped"]["hosts"]
    assert sorted(wrapped_strings(hostvars)) == sorted([INJECTED, header])
    assert hostvars[host]["service_name"] == {"__ansible_unsafe": INJECTED}
    assert hostvars[host]["description"] == {"__ansible_unsafe": header}
    canary = hostvars["res-rank-canary"]
    assert (canary["service_name"], canary["status"], canary["project_id"]) == (
        "res-rank-canary", "running", PROJECT_ID)
    assert "uid=" not in run.output


SHADOWING_PLAY = """
- name: Hosts whose service sent fields named like Ansible's own
  hosts: infer_services
  gather_facts: false
  tasks:
    - name: Omit an argument that is not set
      ansible.builtin.debug:
        msg: "{{ no_such_variable | default(omit) }}"
    - name: Look something up and count
      ansible.builtin.debug:
        msg: "{{ lookup('ansible.builtin.env', 'SHADOW_TEST') }} {{ range(3) | list | length }} {{ omit_ }} {{ lookup_ }}"
"""


@pytest.mark.matrix
def test_fields_named_like_ansible_variables_never_hide_them(ansible, simulator):
    base = {"service_id": "sid-shadow", "infer_type": "real-time", "status": "running", "is_shared": False,
            "invocation_times": "1", "failed_times": "0", "publish_time": 1735689600000, "update_time": 1735689600000}
    simulator.add_fault("list", "raw", times=None, body={"is_success": True, "services": [dict(
        base, service_name="res-shadow", omit="api-omit", lookup="api-lookup", range="api-range", hostvars="x")]})
    inventory = ansible.inventory("plugin: hwc.res.infer_services\n")
    variables = listed(inventory)["_meta"]["hostvars"]["res-shadow"]
    assert (variables["omit_"], variables["lookup_"], variables["range_"], variables["hostvars_"]) == (
        "api-omit", "api-lookup", "api-range", "x")
    assert "RES sent fields named like variables or functions of Ansible, which they would hide; they are set as " \
           "other host vars: hostvars as hostvars_, lookup as lookup_, omit as omit_, range as range_." \
           in " ".join(inventory.stderr.split())
    run = ansible.playbook(SHADOWING_PLAY, env={"SHADOW_TEST": "looked-up"},
                           args=["-i", str(ansible.tmp_path / "sim.infer_services.yml")])
    assert run.rc == 0, run
    # omit still omits: debug without msg says its default, not the API's value.
    assert run.task("Omit an argument that is not set")["result"]["msg"] == "Hello world!"
    assert run.task("Look something up and count")["result"]["msg"] == "looked-up 3 api-omit api-lookup"
