# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwc.res.infer_service through real ansible-playbook runs: what only a process shows.

The steps of the module (check mode, writes, idempotence, refusals, each auth method) are the
integration target ``infer_service``. Here: a gateway that quotes the signed or authorized write
back at -vvvv, a wait that runs out of time, and Ctrl-C during a wait. The credentials are the
fault matrix's distinctive secrets, none of which may show.
"""

import json
import os
import re
import signal
import subprocess
import time

import pytest

from harness import BIN, PROJECT_ID, ResSimulator
from test_fault_matrix import ISSUED_TOKEN_PREFIX, SECRETS, environment_of, options_of, secret_data

RECALL_V1 = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"  # res-recall-v1, stopped in the sample
ECHOING_AUTH_METHODS = ("aksk", "password", "temporary", "token")
# What the echo quotes in place of each method's secret header, once redacted.
REDACTED_HEADERS = {"aksk": ["Signature=<redacted>"], "password": ["X-Auth-Token: <redacted>"],
                    "temporary": ["X-Security-Token: <redacted>", "Signature=<redacted>"],
                    "token": ["X-Auth-Token: <redacted>"]}
# A signature stays valid for the gateway's 15 minutes of X-Sdk-Date: whoever reads it may replay the request.
SIGNATURE = re.compile(r"Signature=[0-9a-f]{64}")


@pytest.fixture
def simulator():
    with ResSimulator(data=secret_data()) as sim:
        yield sim


def state_play(tmp_path, *tasks):
    """A play of ``tasks`` (start_task()), their credentials in a vars file, as vaulted ones would be: Ansible
    quotes a failing task and the lines around it, and a literal written there is the playbook's own text."""
    variables = tmp_path / "credentials.yml"
    variables.write_text(json.dumps(dict(("%s_%s" % (auth, name), value) for auth in ECHOING_AUTH_METHODS
                                         for name, value in options_of(auth).items())))
    return "- name: State module\n  hosts: localhost\n  gather_facts: false\n  vars_files: [%s]\n  tasks:\n%s" % (
        variables, "".join(tasks))


def start_task(name, auth, **options):
    """A task starting res-recall-v1 with the credentials of ``auth`` (from state_play()'s vars file)."""
    credentials = dict((option, "{{ %s_%s }}" % (auth, option)) for option in options_of(auth))
    arguments = dict(credentials, service_id=RECALL_V1, state="running", **options)
    return "    - name: %s\n      hwc.res.infer_service: %s\n      ignore_errors: true\n" % (name, json.dumps(arguments))


def assert_no_secret(*texts):
    for text in texts:
        for secret in SECRETS + (ISSUED_TOKEN_PREFIX,):
            assert secret not in text
        assert not SIGNATURE.search(text), SIGNATURE.search(text).group(0)


def test_an_echoed_write_shows_no_secret_and_a_wait_out_of_time_says_what_was_done(ansible, simulator):
    # Each method's PATCH is answered by a gateway quoting every header and the body; then a start goes
    # through, and its wait ends while the service still deploys.
    simulator.add_fault("update", "echo", times=len(ECHOING_AUTH_METHODS), status=400)
    simulator.start_seconds = 3600
    tasks = [start_task("Echoed, %s" % auth, auth) for auth in ECHOING_AUTH_METHODS]
    tasks.append(start_task("Out of time", "password", wait_timeout=2, wait_sleep=1))
    run = ansible.playbook(state_play(ansible.tmp_path, *tasks), auth=None, env=environment_of("password", {}),
                           args=["-vvvv"])

    for auth in ECHOING_AUTH_METHODS:
        record = run.task("Echoed, %s" % auth)
        result = record["result"]
        assert record["status"] == "failed" and result["changed"] is False, run
        assert (result["status_code"], result["error_code"]) == (400, "APIGW.0201")
        assert result["msg"].endswith("Nothing was changed: the start was refused.")
        for header in REDACTED_HEADERS[auth]:
            assert header in result["error_msg"], (auth, result["error_msg"])
        assert result["service"]["status"] == "stopped"

    timed_out = run.task("Out of time")
    result = timed_out["result"]
    assert timed_out["status"] == "failed" and result["changed"] is True
    assert result["msg"] == (
        "RES accepted the start of service res-recall-v1 (%s), but: Timed out after 2 seconds waiting for status "
        "running: res-recall-v1 (%s) is deploying." % (RECALL_V1, RECALL_V1))
    assert (result["service"]["service_id"], result["service"]["status"]) == (RECALL_V1, "deploying")

    assert [(write["auth"], write["applied"], write["http_status"]) for write in simulator.writes] == [
        (auth, False, 400) for auth in ECHOING_AUTH_METHODS] + [("password", True, 200)]
    assert_no_secret(run.stdout, run.stderr, json.dumps(run.results))


def test_ctrl_c_during_a_wait_ends_the_run_and_its_polls(ansible, simulator):
    simulator.start_seconds = 3600
    play = ansible.tmp_path / "interrupted.yml"
    play.write_text(state_play(ansible.tmp_path, start_task("Start", "password", wait_timeout=60, wait_sleep=1)))
    env = ansible.env(auth=None, HWC_RES_TEST_RESULTS=ansible.tmp_path / "results.json",
                      **environment_of("password", {}))
    # A terminal's Ctrl-C reaches the whole foreground process group: ansible-playbook, its worker, the module.
    process = subprocess.Popen([str(BIN / "ansible-playbook"), str(play), "-vvvv"], env=env,
                               cwd=str(ansible.tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not simulator.writes and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert [(write["method"], write["applied"]) for write in simulator.writes] == [("PATCH", True)], \
            process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        interrupted = time.monotonic()
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    # Within a poll (one second here) and the time Ansible takes to stop, not after the 60 seconds of the wait.
    assert time.monotonic() - interrupted < 5, stdout + stderr
    assert process.returncode != 0
    assert "User interrupted execution" in stderr
    assert "Traceback" not in stdout + stderr
    assert_no_secret(stdout, stderr)
    # No module left behind polling: two and a half seconds without a list request, at one poll a second.
    polls = simulator.counters["list"]
    time.sleep(2.5)
    assert simulator.counters["list"] == polls
    assert simulator.service(PROJECT_ID, RECALL_V1)["status"] == "deploying"
