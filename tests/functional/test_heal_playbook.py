# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shipped heal playbook run the way a rulebook runs it, against the simulator, on every ansible-core of the matrix.

As in test_eda_playbook.py: the playbook copied under its collection name into a project folder, as
ansible-rulebook's run_playbook does, and the extra vars written as ansible-rulebook writes them (``yaml.dump``)
or as automation controller does for run_job_template (every string ``!unsafe``). The service to start is named
with templates that would run a command; the simulator's write log says what the playbook wrote.
"""

import shutil
from pathlib import Path

import pytest

from harness import PROJECT_ID, REPO
from template_injection import commands_that_ran, hostile_texts
from test_eda_playbook import _write_extravars

RULE = "Start a service of keep_running that turned stopped"
PLAYBOOK_NAME = "hwc.res.heal_service"  # how the rulebook names the playbook


def _hostile_stopped_service(simulator, texts):
    """A stopped service whose ID, name and description are templates; the event that says it stopped."""
    simulator.start_seconds = 0.5
    service = simulator.add_service(PROJECT_ID, {
        "service_id": texts["expression_id"], "service_name": texts["statement"], "description": texts["header"],
        "status": "stopped"})
    event = {
        "type": "status_changed", "previous_status": "running",
        "service": dict((key, service[key]) for key in ("service_id", "service_name", "description", "status")),
        "project_id": PROJECT_ID, "workspace_id": "0", "checked_at": "2026-05-04T10:00:00.123Z",
        "meta": {"source": {"name": "RES inference services", "type": "hwc.res.infer_service_events"},
                 "received_at": "2026-05-04T10:00:00.200000Z", "uuid": "0b6b0f4e-5d4b-4a53-9d2b-6c1f6f0f7a61"},
    }
    return service, event


def _run_heal(ansible, tmp_path, event, writer="run_playbook"):
    extravars = tmp_path / "extravars"
    _write_extravars(extravars, {
        "heal_service_wait_timeout": 30, "heal_service_wait_sleep": 1,
        "ansible_eda": {"ruleset": "Keep Huawei Cloud RES inference services running", "rule": RULE, "event": event},
    }, writer)
    # ansible-rulebook copies a collection's playbook into the project folder under the name it was given.
    (tmp_path / "project").mkdir()
    playbook = shutil.copy(str(REPO / "playbooks" / "heal_service.yml"), str(tmp_path / "project" / PLAYBOOK_NAME))
    return ansible.playbook(Path(playbook), args=["-e", "@%s" % extravars])


def _writes(simulator):
    return [(write["method"], write["service_id"], write["body"], write["applied"]) for write in simulator.writes]


def _label(texts):
    return "%s (%s) in project %s, workspace 0" % (texts["statement"], texts["expression_id"], PROJECT_ID)


@pytest.fixture
def markers(tmp_path):
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


@pytest.mark.matrix
@pytest.mark.parametrize("writer", ["run_playbook", "awx"])
def test_the_heal_playbook_starts_the_service_of_the_event_and_runs_none_of_its_text(
        ansible, simulator, tmp_path, markers, writer):
    texts = hostile_texts(markers)
    service, event = _hostile_stopped_service(simulator, texts)

    run = _run_heal(ansible, tmp_path, event, writer)

    assert run.rc == 0, run
    assert commands_that_ran(markers) == [], run
    assert _writes(simulator) == [("PATCH", service["service_id"], {"status": "running"}, True)]
    assert simulator.service(PROJECT_ID, service["service_id"])["status"] == "running"
    started = run.task("Start the service of the event")
    assert (started["status"], started["result"]["changed"], started["result"]["service"]["status"]) == (
        "ok", True, "running")
    assert run.task("Say what was done")["result"]["msg"] == "Started %s: it is running now." % _label(texts)


@pytest.mark.matrix
def test_a_service_running_again_gets_no_write_and_the_playbook_says_so(ansible, simulator, tmp_path, markers):
    texts = hostile_texts(markers)
    service, event = _hostile_stopped_service(simulator, texts)
    simulator.set_status(PROJECT_ID, service["service_id"], "running")  # started by someone since the event

    run = _run_heal(ansible, tmp_path, event)

    assert run.rc == 0, run
    assert simulator.writes == []
    unchanged = run.task("Start the service of the event")
    assert (unchanged["status"], unchanged["result"]["changed"]) == ("ok", False)
    assert run.task("Say what was done")["result"]["msg"] == (
        "Did not start %s: it is running, so nothing was changed." % _label(texts))
    assert commands_that_ran(markers) == [], run


@pytest.mark.matrix
def test_a_refused_start_fails_the_playbook_saying_which_service_and_why(ansible, simulator, tmp_path, markers):
    texts = hostile_texts(markers)
    service, event = _hostile_stopped_service(simulator, texts)
    # RES's error text is server text too: a template there must not run either.
    simulator.add_fault("update", "http_error", status=403, error_code="RES.5502", error_msg=texts["expression"])

    run = _run_heal(ansible, tmp_path, event)

    assert run.rc == 2, run
    assert commands_that_ran(markers) == [], run
    assert _writes(simulator) == [("PATCH", service["service_id"], {"status": "running"}, False)]
    assert simulator.service(PROJECT_ID, service["service_id"])["status"] == "stopped"
    failure = run.task("Fail, saying which service was not started and why")
    assert failure["status"] == "failed"
    message = failure["result"]["msg"]
    assert message.startswith("Could not start %s: RES PATCH /v1/%s/infer-services/" % (_label(texts), PROJECT_ID))
    assert " failed with HTTP 403 Forbidden: RES.5502: %s. Check the credentials and that they may change services " \
        "in this project. Request ID: " % texts["expression"] in message
    assert message.endswith("Nothing was changed: the start was refused.")
