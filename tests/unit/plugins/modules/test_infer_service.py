# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The state module in-process, against a simulator of the test's own: every write is read from its log."""

import pytest

from ansible_collections.hwc.res.plugins.modules import infer_service
from ansible_collections.hwc.res.tests.unit.plugins.module_runner import run_module as run

PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
RECALL_V1 = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"  # stopped
RANK_PROD = "ce3dc431-427d-4e9d-a591-4157781604cf"  # running
CTR = "e0678c0d-c4b6-4cd9-9e97-7f9e1bbb8646"  # concerning
RECALL_V2 = "6b666ef3-9085-4330-94c3-5ba13f66e137"  # deploying
PASSWORD = "Demo-Passw0rd!"


@pytest.fixture
def connection(simulator):
    simulator.start_seconds = 0.5
    return {"user": "demo-user", "password": PASSWORD, "domain": "demo-domain", "endpoint": simulator.url,
            "identity_endpoint": simulator.url + "/v3", "project_id": PROJECT_ID, "retries": 0, "wait_sleep": 1}


def run_module(args, check_mode=False, diff=False):
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run(infer_service.main, args)


def writes(simulator):
    return [(write["method"], write["service_id"], write["body"], write["applied"]) for write in simulator.writes]


def test_check_mode_reads_and_says_what_a_start_would_do_then_a_start_waits_until_it_runs(connection, simulator):
    args = dict(connection, service_id=RECALL_V1, state="running")
    checked = run_module(args, check_mode=True, diff=True)
    assert not checked.failed and checked.result["changed"] is True
    assert checked.result["service"]["status"] == "stopped"
    assert checked.result["diff"] == {
        "before": {"state": "present", "service_id": RECALL_V1, "service_name": "res-recall-v1", "status": "stopped"},
        "after": {"state": "present", "service_id": RECALL_V1, "service_name": "res-recall-v1", "status": "running"}}
    assert simulator.writes == []
    started = run_module(args)
    assert not started.failed and started.result["changed"] is True
    assert started.result["service"]["status"] == "running"
    assert started.result["service"]["project_id"] == PROJECT_ID
    assert writes(simulator) == [("PATCH", RECALL_V1, {"status": "running"}, True)]
    again = run_module(args)
    assert not again.failed and again.result["changed"] is False
    assert len(simulator.writes) == 1


def test_stop_by_name_and_without_waiting(connection, simulator):
    outcome = run_module(dict(connection, name="res-rank-prod", state="stopped", wait=False))
    assert not outcome.failed and outcome.result["changed"] is True
    assert outcome.result["service"]["status"] == "stopped"
    assert writes(simulator) == [("PATCH", RANK_PROD, {"status": "stopped"}, True)]


def test_delete_twice_is_one_delete_then_no_change(connection, simulator):
    args = dict(connection, service_id=RANK_PROD, state="absent")
    first = run_module(args, diff=True)
    assert not first.failed and first.result["changed"] is True and first.result["service"] is None
    assert first.result["diff"]["after"] == {"state": "absent"}
    second = run_module(args)
    assert not second.failed and second.result["changed"] is False
    assert writes(simulator) == [("DELETE", RANK_PROD, None, True)]


def test_a_service_res_no_longer_knows_when_it_is_deleted_is_no_change(connection, simulator):
    simulator.add_fault("delete", "http_error", status=404, error_code="res.4721", error_msg="service is not exist.")
    outcome = run_module(dict(connection, service_id=RANK_PROD, state="absent", wait=False))
    assert not outcome.failed and outcome.result["changed"] is False


def test_a_name_two_services_share_writes_nothing(connection, simulator):
    simulator.add_service(PROJECT_ID, {"service_name": "res-rank-prod", "status": "stopped"})
    outcome = run_module(dict(connection, name="res-rank-prod", state="stopped"))
    assert outcome.failed and outcome.result["changed"] is False
    message = outcome.result["msg"]
    assert message.startswith("The name res-rank-prod matches 2 services in project %s, workspace 0: %s (running); "
                              % (PROJECT_ID, RANK_PROD))
    assert message.endswith("Choose one with service_id. Nothing was changed.")
    assert simulator.writes == []


def test_an_unknown_service_fails_naming_what_and_where(connection, simulator):
    outcome = run_module(dict(connection, name="res-nowhere", state="running"))
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.result["msg"] == ("No service named res-nowhere in project %s, workspace 0; nothing was changed."
                                     % PROJECT_ID)
    absent = run_module(dict(connection, name="res-nowhere", state="absent"))
    assert not absent.failed and absent.result["changed"] is False and absent.result["service"] is None
    assert simulator.writes == []


def test_a_refused_write_fails_saying_nothing_changed(connection, simulator):
    simulator.add_fault("update", "http_error", status=403, error_code="RES.5502",
                        error_msg="Operation not registered.")
    outcome = run_module(dict(connection, service_id=RECALL_V1, state="running"))
    assert outcome.failed and outcome.result["changed"] is False
    assert (outcome.result["status_code"], outcome.result["error_code"], outcome.result["error_msg"]) == (
        403, "RES.5502", "Operation not registered.")
    assert outcome.result["msg"].startswith("RES PATCH /v1/%s/infer-services/%s failed with HTTP 403" % (
        PROJECT_ID, RECALL_V1))
    assert outcome.result["msg"].endswith("Nothing was changed: the start was refused.")
    assert "Check the credentials and that they may change services in this project." in outcome.result["msg"]
    assert writes(simulator) == [("PATCH", RECALL_V1, {"status": "running"}, False)]


def test_a_write_whose_answer_was_lost_does_not_say_nothing_changed(connection, simulator):
    # The gateway's 502 came after RES started the service.
    simulator.add_fault("update", "http_error", status=502, body_kind="gateway", apply=True)
    outcome = run_module(dict(connection, service_id=RECALL_V1, state="running", retries=0))
    assert outcome.failed and outcome.result["changed"] is False and outcome.result["status_code"] == 502
    assert "Nothing was changed" not in outcome.result["msg"]
    assert outcome.result["msg"].endswith("The start may have been done all the same, as no answer of RES said "
                                          "whether it was: read the service to see.")
    assert simulator.service(PROJECT_ID, RECALL_V1)["status"] == "deploying"


def test_a_write_answered_5xx_is_retried(connection, simulator):
    simulator.add_fault("update", "http_error", times=1, status=503)
    outcome = run_module(dict(connection, service_id=RECALL_V1, state="running", retries=1, wait=False))
    assert not outcome.failed and outcome.result["changed"] is True
    assert [applied for _method, _id, _body, applied in writes(simulator)] == [False, True]


def test_a_wait_that_times_out_after_a_start_says_what_was_done(connection, simulator):
    simulator.start_seconds = 60
    outcome = run_module(dict(connection, service_id=RECALL_V1, state="running", wait_timeout=1))
    assert outcome.failed and outcome.result["changed"] is True
    assert outcome.result["msg"] == (
        "RES accepted the start of service res-recall-v1 (%s), but: Timed out after 1 seconds waiting for status "
        "running: res-recall-v1 (%s) is deploying." % (RECALL_V1, RECALL_V1))
    assert outcome.result["service"]["status"] == "deploying"


def test_a_deploying_service_needs_no_write_and_a_concerning_one_is_left_with_a_warning(connection, simulator):
    deploying = run_module(dict(connection, service_id=RECALL_V2, state="running", wait=False))
    assert not deploying.failed and deploying.result["changed"] is False
    concerning = run_module(dict(connection, service_id=CTR, state="running"))
    assert not concerning.failed and concerning.result["changed"] is False
    assert concerning.result["warnings"] == [
        "service res-ctr-experiment (%s) is running but concerning; RES has no call that restarts a service, so it "
        "is left as it is." % CTR]
    assert simulator.writes == []


def test_a_status_res_does_not_document_is_not_started_and_the_failure_says_so_once(connection, simulator):
    failed = simulator.add_service(PROJECT_ID, {"service_name": "res-failed", "status": "failed"})
    outcome = run_module(dict(connection, service_id=failed["service_id"], state="running"))
    assert outcome.failed and outcome.result["changed"] is False
    assert outcome.result["msg"] == (
        "service res-failed (%s) has the status 'failed', which RES does not document; whether it can be started is "
        "not known. Nothing was changed." % failed["service_id"])
    assert simulator.writes == []


def test_an_id_and_a_name_of_two_services_write_nothing(connection, simulator):
    outcome = run_module(dict(connection, service_id=RECALL_V1, name="res-rank-prod", state="absent"))
    assert outcome.failed and outcome.result["changed"] is False
    assert "they must name the same service. Nothing was changed." in outcome.result["msg"]
    assert simulator.writes == []


@pytest.mark.parametrize("auth", ["aksk", "token"])
def test_every_auth_method_writes(connection, simulator, auth):
    for name in ("user", "password", "domain"):
        del connection[name]
    if auth == "aksk":
        connection.update(access_key="SIMDEMOAK0PERMANENT1", secret_key="SimDemoSecretKey0Permanent0000000000000001")
    else:
        connection.update(auth_token="sim-token-cn-north-4-valid")
    outcome = run_module(dict(connection, service_id=RANK_PROD, state="stopped"))
    assert not outcome.failed, outcome.result["msg"]
    assert [(write["method"], write["auth"], write["applied"]) for write in simulator.writes] == [
        ("PATCH", auth, True)]


def test_a_delete_whose_answer_was_lost_and_that_is_retried_is_a_change(connection, simulator):
    # The gateway's 504 came after RES deleted the service: the retry finds it gone, because of this task.
    simulator.add_fault("delete", "http_error", status=504, body_kind="gateway", apply=True)
    outcome = run_module(dict(connection, service_id=RANK_PROD, state="absent", retries=1))
    assert not outcome.failed and outcome.result["changed"] is True
    assert [(method, applied) for method, _id, _body, applied in writes(simulator)] == [
        ("DELETE", True), ("DELETE", False)]
