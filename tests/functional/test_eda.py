# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""End to end: the real ansible-rulebook runs the example rulebook against the simulator, with the collection
built and installed by ansible-galaxy into a collections path of its own and no PYTHONPATH. Some services are
named with Jinja templates that would run a command: the report must store their text, and nothing may run.

Needs Java 17 (tests/functional/eda/install_java.sh installs it) and ansible-rulebook (requirements-dev.txt).
"""

import json
import os
import shutil
import signal
import subprocess
import time

import pytest
import requests
import yaml

from harness import BIN, CREDENTIALS, PROJECT_ID, REPO
from template_injection import commands_that_ran, hostile_texts

RECALL_V2_ID = "6b666ef3-9085-4330-94c3-5ba13f66e137"  # res-recall-v2, deploying in the sample
WAIT = 120  # seconds for the JVM to start, a poll, or a playbook run; generous on a busy machine


def _require_tools():
    missing = []
    if shutil.which("java") is None:
        missing.append("a Java 17 runtime (run tests/functional/eda/install_java.sh)")
    if not (BIN / "ansible-rulebook").exists():
        missing.append("ansible-rulebook in %s (pip install -r requirements-dev.txt)" % BIN)
    if missing:
        pytest.fail("the ansible-rulebook test needs " + " and ".join(missing))


def _run(args, env, cwd):
    done = subprocess.run(args, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=WAIT, check=False)
    assert done.returncode == 0, "%s failed:\n%s%s" % (" ".join(args), done.stdout, done.stderr)
    return done


def _install_collection(tmp_path, env):
    """Build the collection from this checkout and install the tarball as users do: a collections path of its own."""
    dist = tmp_path / "dist"
    _run([str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(dist)], env, tmp_path)
    tarball, = dist.glob("hwc-res-*.tar.gz")
    collections = tmp_path / "installed"
    _run([str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(collections),
          "--force"], env, tmp_path)
    assert (collections / "ansible_collections" / "hwc" / "res" / "extensions" / "eda" / "plugins" / "event_source"
            / "infer_service_events.py").is_file()
    return collections


def _wait_for(condition, what, process, log):
    deadline = time.monotonic() + WAIT
    while not condition():
        if process.poll() is not None:
            pytest.fail("ansible-rulebook exited with %s before %s:\n%s" % (process.returncode, what, log.read_text()))
        if time.monotonic() > deadline:
            pytest.fail("no %s within %d s:\n%s" % (what, WAIT, log.read_text()[-5000:]))
        time.sleep(0.2)


def _stop(process):
    """End ansible-rulebook and whatever it started (its own process group): politely, then for sure."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def _start_rulebook(ansible, tmp_path, rulebook, variables):
    """ansible-rulebook running ``rulebook`` of the installed collection with ``variables``; (process, its log)."""
    env = ansible.env(PYTHONPATH=None, ANSIBLE_CALLBACK_PLUGINS=None, ANSIBLE_CALLBACKS_ENABLED=None)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(_install_collection(tmp_path, env))
    variables_file = tmp_path / "vars.yml"
    variables_file.write_text(yaml.safe_dump(variables))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": env["ANSIBLE_PYTHON_INTERPRETER"]}}}}))
    log = tmp_path / "rulebook.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "ansible-rulebook"), "--rulebook", rulebook, "-i", str(inventory),
             "--vars", str(variables_file)],
            env=env, cwd=str(tmp_path), stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    return process, log


def test_the_example_rulebook_reports_status_changes_and_runs_no_service_text(ansible, simulator, tmp_path):
    """The report playbook gets each event and stores it; service text that is a template is stored, never run."""
    _require_tools()
    markers = tmp_path / "markers"
    markers.mkdir()
    texts = hostile_texts(markers)
    hostile = {  # service_id: service_name, each running, then stopped
        "hostile-name": texts["expression"],
        texts["expression_id"]: "res-hostile-id",
        "hostile-header": texts["header"],
        "hostile-statement": texts["statement"],
    }
    for service_id, name in hostile.items():
        simulator.add_service(PROJECT_ID, {"service_id": service_id, "service_name": name, "status": "running"})
    report = tmp_path / "events.jsonl"
    process, log = _start_rulebook(ansible, tmp_path, "hwc.res.infer_service_watch",
                                   {"watch_interval": 1, "report_file": str(report)})
    try:
        # Two list requests: the first poll (the baseline) is complete.
        _wait_for(lambda: simulator.counters["list"] >= 2, "baseline poll", process, log)
        reply = requests.post(simulator.url + "/_sim/status", timeout=10,
                              json={"project_id": PROJECT_ID, "service_id": RECALL_V2_ID, "status": "concerning"})
        assert reply.json()["ok"]
        for service_id in hostile:
            simulator.set_status(PROJECT_ID, service_id, "stopped")
        _wait_for(lambda: report.exists() and len(report.read_text().splitlines()) >= 1 + len(hostile),
                  "a report of every event from the playbook", process, log)
    finally:
        _stop(process)
    events = dict((event["service"]["service_id"], event)
                  for event in (json.loads(line) for line in report.read_text().splitlines()))
    assert sorted(events) == sorted([RECALL_V2_ID] + list(hostile)), events
    event = events[RECALL_V2_ID]
    assert (event["type"], event["previous_status"], event["project_id"], event["workspace_id"]) == (
        "status_changed", "deploying", PROJECT_ID, "0")
    assert (event["service"]["service_name"], event["service"]["status"]) == ("res-recall-v2", "concerning")
    assert dict((service_id, (events[service_id]["service"]["service_name"], events[service_id]["service"]["status"],
                              events[service_id]["previous_status"])) for service_id in hostile) == dict(
        (service_id, (name, "stopped", "running")) for service_id, name in hostile.items())
    assert commands_that_ran(markers) == []
    output = log.read_text()
    assert "uid=" not in output
    assert CREDENTIALS["password"]["HW_USER_PASSWORD"] not in output


RANK_PROD_ID = "ce3dc431-427d-4e9d-a591-4157781604cf"  # res-rank-prod, running in the sample
RANK_CANARY_ID = "03ef7ea2-d2cc-4b3a-a948-0f00e8e22602"  # res-rank-canary, running
RECALL_V1_ID = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"  # res-recall-v1, stopped before the watch starts


def _patches(simulator):
    return [(write["method"], write["service_id"], write["body"], write["applied"]) for write in simulator.writes]


def test_the_heal_rulebook_starts_listed_services_that_stop_once_per_window_and_runs_no_service_text(
        ansible, simulator, tmp_path):
    """One ansible-rulebook run: listed services that stop are started, nothing else is written, text stays data.

    keep_running names services exactly: res-rank-canary is listed only in other case and as a glob, and
    res-recall-v1, stopped before the watch began, makes no event. Two services named as templates are listed
    (ansible-rulebook keeps a name without "{{" as it is), one of them with a template as its ID; a third is not.
    """
    _require_tools()
    simulator.start_seconds = 1
    markers = tmp_path / "markers"
    markers.mkdir()
    texts = hostile_texts(markers)
    listed_hostile = {texts["expression_id"]: texts["statement"], "hostile-header": texts["header"]}
    unlisted_hostile = {"hostile-name": texts["expression"]}
    for service_id, name in dict(listed_hostile, **unlisted_hostile).items():
        simulator.add_service(PROJECT_ID, {"service_id": service_id, "service_name": name, "status": "running"})
    simulator.add_service(PROJECT_ID, {"service_id": "late-id", "service_name": "res-keep-late", "status": "running"})
    healed = [RANK_PROD_ID] + sorted(listed_hostile)
    process, log = _start_rulebook(ansible, tmp_path, "hwc.res.infer_service_heal", {
        "watch_interval": 1, "heal_wait_sleep": 1, "heal_wait_timeout": 60,
        "keep_running": ["res-rank-prod", "RES-RANK-CANARY", "res-rank-*", "res-recall-v1", "res-keep-late",
                         "res-not-there"] + sorted(listed_hostile.values())})
    try:
        _wait_for(lambda: simulator.counters["list"] >= 2, "baseline poll", process, log)
        for service_id in [RANK_PROD_ID, RANK_CANARY_ID] + sorted(listed_hostile) + sorted(unlisted_hostile):
            reply = requests.post(simulator.url + "/_sim/status", timeout=10,
                                  json={"project_id": PROJECT_ID, "service_id": service_id, "status": "stopped"})
            assert reply.json()["ok"]
        _wait_for(lambda: log.read_text().count("Started ") >= len(healed), "a start reported by each playbook",
                  process, log)
        assert sorted(_patches(simulator)) == sorted(
            ("PATCH", service_id, {"status": "running"}, True) for service_id in healed)
        assert dict((service_id, simulator.service(PROJECT_ID, service_id)["status"]) for service_id in healed) == \
            dict.fromkeys(healed, "running")
        # The source must see res-rank-prod running again before it can see it stop again.
        polls = simulator.counters["list"]
        _wait_for(lambda: simulator.counters["list"] >= polls + 2, "a poll after the starts", process, log)
        simulator.set_status(PROJECT_ID, RANK_PROD_ID, "stopped")
        simulator.set_status(PROJECT_ID, "late-id", "stopped")
        # res-keep-late stopped after res-rank-prod: once it is started, the second stop was seen and throttled.
        _wait_for(lambda: log.read_text().count("Started ") >= len(healed) + 1, "the start of res-keep-late",
                  process, log)
    finally:
        _stop(process)
    assert sorted(_patches(simulator)) == sorted(
        ("PATCH", service_id, {"status": "running"}, True) for service_id in healed + ["late-id"])
    assert [write["auth"] for write in simulator.writes] == ["password"] * (len(healed) + 1)
    assert dict((service_id, simulator.service(PROJECT_ID, service_id)["status"]) for service_id in [
        RANK_PROD_ID, RANK_CANARY_ID, RECALL_V1_ID] + sorted(unlisted_hostile)) == dict.fromkeys(
        [RANK_PROD_ID, RANK_CANARY_ID, RECALL_V1_ID] + sorted(unlisted_hostile), "stopped")
    assert commands_that_ran(markers) == []
    output = log.read_text()
    for service_id, name in listed_hostile.items():
        # The playbook's output shows the message as JSON: the header's line break is "\\n" there.
        assert json.dumps("Started %s (%s) in project %s, workspace 0" % (name, service_id, PROJECT_ID))[1:-1] in output
    assert "uid=" not in output
    assert CREDENTIALS["password"]["HW_USER_PASSWORD"] not in output
