# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module in-process, against the simulator."""

import json
import time
from pathlib import Path

import pytest

from ansible_collections.hwc.res.plugins.module_utils import _config
from ansible_collections.hwc.res.plugins.modules import infer_service_info
from ansible_collections.hwc.res.tests.unit.plugins.module_runner import run_module as run

SAMPLE_FILE = Path(__file__).resolve().parents[4] / "tests" / "simulator" / "sample_data.json"
PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
PASSWORD_AUTH = {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain"}


def run_module(args):
    return run(infer_service_info.main, args)


@pytest.fixture
def connection(sim, monkeypatch):
    for variable in ("HW_PROJECT_ID", "HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_ACCESS_KEY",
                     "HW_SECRET_KEY", "HW_AUTH_TOKEN", "HW_SECURITY_TOKEN", "HW_RES_ENDPOINT", "HW_AUTH_URL"):
        monkeypatch.delenv(variable, raising=False)
    return dict(PASSWORD_AUTH, endpoint=sim.url, identity_endpoint=sim.url + "/v3", retries=0)


def test_lists_filters_and_summarizes(connection):
    outcome = run_module(dict(connection, status=["running", "stopped"], name=["res-r*"]))
    assert not outcome.failed
    result = outcome.result
    assert result["changed"] is False
    assert sorted(s["service_name"] for s in result["services"]) == [
        "res-rank-canary", "res-rank-prod", "res-recall-v1"]
    assert result["summary"] == {"total": 3, "by_status": {"running": 2, "stopped": 1},
                                 "by_project": {PROJECT_ID: {"total": 3, "by_status": {"running": 2, "stopped": 1}}}}
    assert "query_result" not in result


def test_query_result(connection):
    outcome = run_module(dict(connection, query="[?status=='concerning'].service_name | [0]"))
    assert outcome.result["query_result"] == "res-ctr-experiment"


def test_environment_supplies_the_connection(sim, connection, monkeypatch):
    monkeypatch.setenv("HW_RES_ENDPOINT", sim.url)
    monkeypatch.setenv("HW_AUTH_TOKEN", "sim-token-cn-north-4-valid")
    monkeypatch.setenv("HW_PROJECT_ID", PROJECT_ID)
    outcome = run_module({"retries": 0, "service_id": ["does-not-exist"]})
    assert not outcome.failed and outcome.result["services"] == []


def test_missing_credentials_fail_with_what_to_set(sim, connection):
    outcome = run_module({"endpoint": sim.url, "project_id": PROJECT_ID})
    assert outcome.failed
    assert outcome.result["msg"].startswith("No credentials were given. Set auth_token (HW_AUTH_TOKEN)")


def test_api_failure_returns_status_and_codes(sim, connection):
    sim.add_fault("list", "not_success", times=1, error_code="res.1001", error_msg="Invalid parameter.")
    outcome = run_module(connection)
    assert outcome.failed
    assert {key: outcome.result[key] for key in ("status_code", "error_code", "error_msg")} == {
        "status_code": 200, "error_code": "res.1001", "error_msg": "Invalid parameter."}
    assert outcome.result["request_id"]


@pytest.mark.parametrize("wait_options, message", [
    ({"wait_sleep": 0}, "wait_sleep must be from 1 to 3600, got 0."),
    ({"wait_timeout": -1}, "wait_timeout must be from 0 to 86400, got -1."),
    # Beyond the ranges, time.sleep() and the clocks overflow ("timestamp too large to convert to C _PyTime_t").
    ({"wait_sleep": 10 ** 12}, "wait_sleep must be from 1 to 3600, got 1000000000000."),
    ({"timeout": 10 ** 12}, "timeout must be from 1 to 3600, got 1000000000000."),
    ({"retries": 10 ** 6}, "retries must be from 0 to 10, got 1000000."),
])
def test_out_of_range_options_are_refused(connection, wait_options, message):
    outcome = run_module(dict(connection, wait=True, **wait_options))
    assert outcome.failed and outcome.result["msg"] == message


def test_wait_times_out_naming_what_is_missing(connection):
    sample = json.loads(SAMPLE_FILE.read_text())
    recall_id = next(s["service_id"] for p in sample["projects"] if p["id"] == PROJECT_ID
                     for s in p["workspaces"]["0"] if s["service_name"] == "res-recall-v1")
    outcome = run_module(dict(connection, name=["res-recall-v1", "res-not-yet"], wait=True, wait_timeout=0))
    assert outcome.failed
    assert outcome.result["msg"] == (
        "Timed out after 0 seconds waiting for status running: res-recall-v1 (%s) is stopped; "
        "service name res-not-yet does not exist yet." % recall_id)
    # What the last poll saw comes back with the failure, so a playbook can report the late services.
    assert [service["service_name"] for service in outcome.result["services"]] == ["res-recall-v1"]
    summary = outcome.result["summary"]
    assert (summary["total"], summary["by_status"]) == (1, {"stopped": 1})


def test_wait_deadline_cuts_a_slow_poll_short(connection, sim):
    # The first poll answers at once; every later one would take 20 s, far beyond the wait.
    sim.add_fault("list", "latency", times=1, seconds=0)
    sim.add_fault("list", "latency", times=None, seconds=20)
    started = time.monotonic()
    outcome = run_module(dict(connection, name=["res-recall-v1"], wait=True, wait_timeout=2, wait_sleep=1,
                              timeout=30))
    assert time.monotonic() - started < 10
    assert outcome.failed and outcome.result["msg"].startswith("Timed out after 2 seconds waiting for status running")
    assert [service["status"] for service in outcome.result["services"]] == ["stopped"]


@pytest.mark.parametrize("environ, verify", [({"HW_VALIDATE_CERTS": "", "HW_CA_PATH": ""}, True),
                                             ({"HW_VALIDATE_CERTS": "False"}, False),
                                             ({"HW_VALIDATE_CERTS": "true", "HW_CA_PATH": "{bundle}"}, "{bundle}")])
def test_tls_settings_come_from_the_environment_and_empty_is_unset(sim, connection, monkeypatch, tmp_path,
                                                                   environ, verify):
    # AWX injects "True"/"False" for a set field and "" for one left empty (Ansible would reject "" as a bool).
    bundle = tmp_path / "res-ca.pem"
    bundle.write_text("")
    verify = verify.format(bundle=bundle) if isinstance(verify, str) else verify
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in dict(environ, HW_ACCESS_KEY="", HW_AUTH_TOKEN="").items():
        monkeypatch.setenv(name, value.format(bundle=bundle))
    seen = []
    real_config = _config.ConnectionConfig

    def config(options, given_as=None):
        seen.append(real_config(options, given_as).verify)
        return real_config(options, given_as)
    monkeypatch.setattr(_config, "ConnectionConfig", config)
    outcome = run_module(connection)
    assert not outcome.failed, outcome.result
    assert seen and set(seen) == {verify}


@pytest.mark.parametrize("fault", [{"kind": "http_error", "status": 429, "retry_after": 3600},
                                   {"kind": "latency", "seconds": 600}], ids=["throttled", "hanging"])
def test_a_wait_ends_by_its_timeout_whatever_the_list_does(connection, sim, fault):
    # Before, a Retry-After of an hour held the task for three capped minutes, and a hanging list for
    # every retry's full timeout.
    fault = dict(fault)
    sim.add_fault("list", fault.pop("kind"), times=None, **fault)
    started = time.monotonic()
    outcome = run_module(dict(connection, name=["res-recall-v1"], wait=True, wait_timeout=10, wait_sleep=1,
                              timeout=30, retries=3))
    assert time.monotonic() - started < 10 + 5
    assert outcome.failed
    assert "HTTP 429" in outcome.result["msg"] if fault.get("status") else "(timeout)" in outcome.result["msg"]
