# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shipped report playbook run the way a rulebook runs it, on every ansible-core of the matrix.

ansible-rulebook runs only in the main virtualenv (test_eda.py); here ansible-playbook gets what its
run_playbook action hands to ansible-runner: the playbook copied under its collection name into a project
folder, and the extra vars written with ``yaml.dump`` (ansible-rulebook 1.3.2, action/run_playbook.py) and
passed as ``-e @env/extravars``. The AWX case writes them as automation controller does for a job template
that EDA controller's run_job_template launches: every key and value tagged ``!unsafe``.
"""

import json
import shutil

import pytest
import yaml

from harness import PROJECT_ID, REPO, task_play
from template_injection import commands_that_ran, hostile_texts


def _event(texts):
    """A status_changed event of hwc.res.infer_service_events, as ansible-rulebook passes it (with meta)."""
    return {
        "type": "status_changed",
        "previous_status": texts["statement"],
        "service": {"service_id": texts["expression_id"], "service_name": texts["expression"],
                    "description": texts["header"], "status": "stopped", "infer_type": "real-time",
                    "is_shared": False, "invocation_times": 12, "failed_times": 0, "failure_rate": 0.0},
        "project_id": PROJECT_ID, "workspace_id": "0", "checked_at": "2026-05-04T10:00:00.123Z",
        "meta": {"source": {"name": "RES inference services", "type": "hwc.res.infer_service_events"},
                 "received_at": "2026-05-04T10:00:00.200000Z", "uuid": "0b6b0f4e-5d4b-4a53-9d2b-6c1f6f0f7a61"},
    }


class _AwxDumper(yaml.SafeDumper):
    """Every string as !unsafe, as automation controller writes a job's launch extra vars."""


_AwxDumper.add_representer(str, lambda dumper, text: dumper.represent_scalar("!unsafe", text))


def _write_extravars(path, extra_vars, writer):
    path.write_text(yaml.dump(extra_vars) if writer == "run_playbook" else yaml.dump(extra_vars, Dumper=_AwxDumper))


def _playbook_as_run_playbook_copies_it(tmp_path):
    """ansible-rulebook copies a collection's playbook into the project folder under the name it was given."""
    project = tmp_path / "project"
    project.mkdir()
    playbook = project / "hwc.res.report_service_event"
    shutil.copy(str(REPO / "playbooks" / "report_service_event.yml"), str(playbook))
    return playbook


@pytest.mark.matrix
@pytest.mark.parametrize("writer", ["run_playbook", "awx"])
def test_the_report_playbook_stores_event_text_and_runs_none_of_it(ansible, tmp_path, writer):
    markers = tmp_path / "markers"
    markers.mkdir()
    texts = hostile_texts(markers)
    event = _event(texts)
    report = tmp_path / "events.jsonl"
    extravars = tmp_path / "extravars"
    _write_extravars(extravars, {
        "report_service_event_file": str(report),
        "ansible_eda": {"ruleset": "Watch Huawei Cloud RES inference services",
                        "rule": "Report a service that turned concerning or stopped", "event": event},
    }, writer)

    run = ansible.playbook(_playbook_as_run_playbook_copies_it(tmp_path), args=["-e", "@%s" % extravars])

    assert run.rc == 0, run
    assert commands_that_ran(markers) == [], run
    lines = report.read_text().splitlines()
    assert len(lines) == 1, lines
    stored = json.loads(lines[0])
    if writer == "run_playbook":
        assert stored == event
    # Under !unsafe, ansible-core 2.19+ still builds '0' as 0 and a timestamp as a datetime: compare the text.
    assert (stored["service"]["service_name"], stored["service"]["service_id"], stored["service"]["description"],
            stored["previous_status"]) == (texts["expression"], texts["expression_id"], texts["header"],
                                           texts["statement"])
    message = run.task("Say which service changed and how")["result"]["msg"]
    assert message.startswith("%s (%s) in project %s" % (texts["expression"], texts["expression_id"], PROJECT_ID))
    assert "is stopped (was %s)" % texts["statement"] in message


def test_the_event_task_says_what_is_missing_or_wrong(ansible):
    tasks = [
        "    - name: %s\n      hwc.res.eda_event:%s\n      register: outcome\n      ignore_errors: true\n"
        "      vars:\n        ansible_eda: %s\n" % (name, option, value)
        for name, option, value in [
            ("Not a dict", "", "[an event]"),
            ("An option", "\n        event: x", "{event: {type: added}}"),
        ]
    ]
    tasks.append("    - name: No ansible_eda\n      hwc.res.eda_event:\n      ignore_errors: true\n")

    run = ansible.playbook(task_play(*tasks))

    assert run.rc == 0, run
    assert run.task("No ansible_eda")["result"]["msg"].startswith(
        "ansible_eda is not set: run this playbook from a rulebook")
    assert run.task("Not a dict")["result"]["msg"] == (
        "ansible_eda must be a dict with the keys event, events, rule, ruleset; got a list. "
        "Leave ansible_eda to the rulebook.")
    assert run.task("An option")["result"]["msg"] == "hwc.res.eda_event takes no options; got event."
    assert [run.task(name)["status"] for name in ("No ansible_eda", "Not a dict", "An option")] == ["failed"] * 3
