# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client against the simulator: every auth method, retries, error shapes, configuration errors."""

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ansible_collections.hwc.res.tests.unit.plugins.token_caches import forget_tokens
from ansible_collections.hwc.res.plugins.module_utils import _auth
from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter

SAMPLE = json.loads((Path(__file__).resolve().parents[4] / "tests" / "simulator" / "sample_data.json").read_text())
DEMO = SAMPLE["domains"][0]
PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
RANK_PROD_ID = "ce3dc431-427d-4e9d-a591-4157781604cf"
CREDENTIALS = {
    "password": {"user": DEMO["users"][0]["name"], "password": DEMO["users"][0]["password"], "domain": DEMO["name"]},
    "aksk": {"access_key": DEMO["access_keys"][0]["access"], "secret_key": DEMO["access_keys"][0]["secret"]},
    "temporary": {"access_key": DEMO["access_keys"][1]["access"], "secret_key": DEMO["access_keys"][1]["secret"],
                  "security_token": DEMO["access_keys"][1]["security_token"]},
    "token": {"auth_token": "sim-token-cn-north-4-valid", "project_id": PROJECT_ID},
}
SECRETS = [DEMO["users"][0]["password"], DEMO["access_keys"][0]["secret"], DEMO["access_keys"][1]["secret"],
           DEMO["access_keys"][1]["security_token"], "sim-token-cn-north-4-valid"]
SAMPLE_NAMES = sorted(s["service_name"] for p in SAMPLE["projects"] if p["id"] == PROJECT_ID
                      for s in p["workspaces"]["0"])


@pytest.fixture(autouse=True)
def fresh_caches():
    forget_tokens()
    yield
    forget_tokens()


def make_client(sim, auth="password", **options):
    settings = {"endpoint": sim.url, "identity_endpoint": sim.url + "/v3", "retries": 2, "timeout": 5}
    settings.update(CREDENTIALS[auth])
    settings.update(options)
    return ResClient(ConnectionConfig(settings))


def failure(sim, auth="password", **options):
    with pytest.raises(ResError) as caught:
        with make_client(sim, auth, **options) as res:
            res.find_services()
    message = caught.value.message
    for secret in SECRETS:
        assert secret not in message
    return caught.value


@pytest.mark.parametrize("auth", sorted(CREDENTIALS))
def test_each_auth_method_lists_the_project(sim, auth):
    with make_client(sim, auth, project_id=PROJECT_ID) as res:
        services, warnings = res.find_services()
    assert sorted(s["service_name"] for s in services) == SAMPLE_NAMES
    assert {s["project_id"] for s in services} == {PROJECT_ID}
    assert warnings == []
    assert sim.counters["list"] == 1


def test_password_auth_derives_the_project_from_the_token(sim):
    with make_client(sim, "password") as res:
        assert res.project_id == PROJECT_ID
        res.find_services()
    assert (sim.counters["token"], sim.counters["projects"], sim.counters["list"]) == (1, 0, 1)


def test_password_token_is_scoped_by_project_name(sim):
    with make_client(sim, "password", project_name="cn-east-3") as res:
        assert res.project_id == "d6fbd8036f5b8b53ef1cd25fabea478f"


@pytest.mark.parametrize("auth", ["aksk", "temporary"])
def test_aksk_derives_the_project_by_name_once(sim, auth):
    for _attempt in range(2):
        with make_client(sim, auth) as res:
            assert res.project_id == PROJECT_ID
    assert sim.counters["projects"] == 1


def test_password_token_is_reused_across_clients(sim):
    for _attempt in range(3):
        with make_client(sim, "password", project_id=PROJECT_ID) as res:
            res.find_services()
    assert (sim.counters["token"], sim.counters["list"]) == (1, 3)


@pytest.mark.parametrize("expires_at, expected", [
    ("2020-01-04T09:05:22.701000Z", datetime(2020, 1, 4, 9, 5, 22, 701000, timezone.utc)),
    ("2020-01-04T09:05:22.701Z", datetime(2020, 1, 4, 9, 5, 22, 701000, timezone.utc)),
    ("2020-01-04T17:05:22.000000+08:00", datetime(2020, 1, 4, 9, 5, 22, 0, timezone.utc)),
])
def test_token_expiry_is_read_as_an_instant(expires_at, expected):
    assert _auth._parse_expiry(expires_at) == expected


@pytest.mark.parametrize("expires_at", [None, 1578128722, "soon", "2020-01-04T09:05:22", "2020-01-04"])
def test_a_token_expiry_that_is_no_instant_counts_as_now(expires_at):
    before = datetime.now(timezone.utc)
    assert before <= _auth._parse_expiry(expires_at) <= datetime.now(timezone.utc)


def test_expired_password_token_is_renewed_once(sim):
    sim.add_fault("list", "expire_token", times=1)
    with make_client(sim, "password", project_id=PROJECT_ID) as res:
        services, _warnings = res.find_services()
    assert services
    assert (sim.counters["token"], sim.counters["list"]) == (2, 2)


def test_token_that_stays_expired_fails_after_one_renewal(sim):
    sim.add_fault("list", "expire_token", times=None)
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert "token expires" in error.message
    assert (sim.counters["token"], sim.counters["list"]) == (2, 2)


def test_expired_pre_issued_token_fails_without_retry(sim):
    error = failure(sim, "token", auth_token="sim-token-cn-north-4-expired")
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert "HTTP 401" in error.message and "token expires" in error.message
    assert sim.counters["list"] == 1 and sim.counters["token"] == 0


def test_token_of_another_project_is_refused(sim):
    error = failure(sim, "token", auth_token="sim-token-cn-east-3-valid")
    assert (error.status_code, error.error_code) == (401, "res.2301")
    assert "Failed to resolve the token from the request." in error.message


def test_a_refused_write_asks_for_credentials_that_may_change_services_and_a_refused_read_for_reading(sim):
    sim.add_fault("update", "http_error", status=403, error_code="RES.5502", error_msg="Operation not registered.")
    sim.add_fault("delete", "http_error", status=403, error_code="RES.5502", error_msg="Operation not registered.")
    sim.add_fault("list", "http_error", status=403, error_code="RES.5502", error_msg="Operation not registered.")
    refused = []
    with make_client(sim, retries=0) as res:
        for request in (lambda: res.update_status(RANK_PROD_ID, "stopped"), lambda: res.delete_service(RANK_PROD_ID),
                        res.find_services):
            with pytest.raises(ResError) as caught:
                request()
            refused.append(caught.value.message)
    hint = "HTTP 403 Forbidden: RES.5502: Operation not registered. Check the credentials and that they may %s " \
        "this project. Request ID: "
    assert [hint % "change services in" in message for message in refused] == [True, True, False]
    assert hint % "read" in refused[2]
    assert [message.split(" /v1/")[0] for message in refused] == ["RES PATCH", "RES DELETE", "RES GET"]


def test_wrong_password_names_iam_status_and_text(sim):
    error = failure(sim, "password", password="not-the-password")
    assert error.status_code == 401
    assert "IAM POST /v3/auth/tokens failed with HTTP 401" in error.message
    assert "The username or password is wrong." in error.message


def test_wrong_secret_key_is_refused_by_signature_check(sim):
    error = failure(sim, "aksk", project_id=PROJECT_ID, secret_key="W" * 40)
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert "verify aksk signature fail" in error.message


def test_temporary_key_without_its_security_token_is_refused(sim):
    error = failure(sim, "temporary", project_id=PROJECT_ID, security_token=None)
    assert error.status_code == 401


def test_request_id_is_reported(sim):
    error = failure(sim, "aksk", project_id=PROJECT_ID, secret_key="W" * 40)
    assert error.request_id and ("Request ID: %s." % error.request_id) in error.message


def test_503_then_success_is_retried(sim):
    sim.add_fault("list", "http_error", times=1, status=503)
    with make_client(sim, project_id=PROJECT_ID) as res:
        assert res.find_services()[0]
    assert sim.counters["list"] == 2


def test_429_honours_retry_after(sim):
    sim.add_fault("list", "http_error", times=1, status=429, body_kind="gateway", retry_after=1)
    started = time.monotonic()
    with make_client(sim, project_id=PROJECT_ID) as res:
        assert res.find_services()[0]
    assert time.monotonic() - started >= 1.0
    assert sim.counters["list"] == 2


def test_persistent_500_fails_after_the_retries_naming_status_and_code(sim):
    sim.add_fault("list", "http_error", times=None, status=500, error_code="res.5000", error_msg="Internal error.")
    error = failure(sim, "password", project_id=PROJECT_ID, retries=2)
    assert sim.counters["list"] == 3
    assert (error.status_code, error.error_code, error.error_msg) == (500, "res.5000", "Internal error.")
    assert error.message.startswith(
        "RES GET /v1/%s/infer-services failed with HTTP 500 Internal Server Error: res.5000: Internal error. "
        "Request ID: " % PROJECT_ID)


def test_retries_zero_sends_once(sim):
    sim.add_fault("list", "http_error", times=None, status=502, body_kind="html")
    error = failure(sim, "password", project_id=PROJECT_ID, retries=0)
    assert sim.counters["list"] == 1
    assert error.status_code == 502
    assert "not a JSON object" in error.message and "502 Bad Gateway" in error.message


def test_bad_request_is_not_retried(sim):
    sim.add_fault("list", "http_error", times=None, status=400, error_code="RES.1001", error_msg="Invalid parameter.")
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert sim.counters["list"] == 1
    assert error.error_code == "RES.1001"


def test_broken_json_is_a_clear_failure(sim):
    sim.add_fault("list", "broken_json", times=None)
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert error.status_code == 200 and "not a JSON object" in error.message


def test_is_success_false_on_http_200(sim):
    sim.add_fault("list", "not_success", times=None, error_code="res.1001", error_msg="Invalid workspace.")
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert (error.status_code, error.error_code, error.error_msg) == (200, "res.1001", "Invalid workspace.")
    assert sim.counters["list"] == 1


def test_missing_services_is_a_failure_not_an_empty_list(sim):
    sim.add_fault("list", "missing_services", times=None)
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert "no services key" in error.message


def test_services_of_the_wrong_type(sim):
    sim.add_fault("list", "raw", times=None, status=200, body={"is_success": True, "services": {"a": 1}})
    error = failure(sim, "password", project_id=PROJECT_ID)
    assert "services is an object" in error.message


def test_timeout_names_the_limit(sim):
    sim.add_fault("list", "latency", times=None, seconds=2.5)
    error = failure(sim, "password", project_id=PROJECT_ID, timeout=1, retries=1)
    assert "got no answer within 1 seconds after 1 retries" in error.message
    assert sim.counters["list"] == 2


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = "http://127.0.0.1:%d" % port
    config = ConnectionConfig(dict(CREDENTIALS["token"], endpoint=url, retries=1, timeout=2))
    with pytest.raises(ResError) as caught:
        ResClient(config).find_services()
    assert "could not connect after 1 retries" in caught.value.message
    assert "object at 0x" not in caught.value.message


def test_details_add_access_address_and_flows(sim):
    with make_client(sim, project_id=PROJECT_ID) as res:
        services = ServiceFilter(names=["res-rank-*"]).apply(res.find_services()[0])
        res.add_details(services)
    assert len(services) == 2 and sim.counters["details"] == 2
    for service in services:
        assert service["access_address"].startswith("http")
        assert isinstance(service["flows"], list)


def test_details_of_a_service_outside_workspace_zero(sim):
    with make_client(sim, project_id=PROJECT_ID, workspace_id="ws-2") as res:
        services = ServiceFilter(names=["res-news-feed"]).apply(res.find_services()[0])
        res.add_details(services)
    assert services[0]["access_address"] and services[0]["flows"] == []


def test_details_of_an_unknown_service(sim):
    with make_client(sim, project_id=PROJECT_ID) as res:
        with pytest.raises(ResError) as caught:
            res.get_service("00000000-0000-0000-0000-000000000000")
    assert caught.value.error_code == "res.4721"


def test_workspace_selects_other_services(sim):
    with make_client(sim, project_id=PROJECT_ID, workspace_id="ws-2") as res:
        services, _warnings = res.find_services()
    assert {s["workspace_id"] for s in services} == {"ws-2"}
    assert "res-news-feed" in {s["service_name"] for s in services}


@pytest.mark.parametrize("options, message", [
    ({}, "No credentials were given"),
    ({"access_key": "AK"}, "access_key is set but secret_key (HW_SECRET_KEY) is not"),
    ({"secret_key": "S3CRET-SK"}, "secret_key is set but access_key (HW_ACCESS_KEY) is not"),
    ({"user": "u", "domain": "d"}, "missing: password (HW_USER_PASSWORD)"),
    ({"password": "S3CRET-PW"}, "missing: user (HW_USER_NAME), domain (HW_DOMAIN_NAME)"),
    ({"security_token": "S3CRET-ST"}, "security_token is set without access_key and secret_key"),
    ({"auth_token": "S3CRET-TK"}, "project_id (HW_PROJECT_ID) is required with auth_token"),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "endpoint": "ftp://x"}, "endpoint must be an http:// or https:// URL"),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "endpoint": "https://x?a=1"}, "must not carry a query"),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "timeout": 0}, "timeout must be from 1 to 3600, got 0."),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "retries": "many"}, "retries must be a whole number"),
    # Values too big for Python's clocks are range errors, not "timestamp too large to convert to C _PyTime_t".
    ({"auth_token": "S3CRET-TK", "project_id": "p", "timeout": 10 ** 12},
     "timeout must be from 1 to 3600, got 1000000000000."),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "retries": 11}, "retries must be from 0 to 10, got 11."),
    # Header-bound values: named with their variable, never quoted (a token wrapped over two lines).
    ({"auth_token": "S3CRET-TK-PART1\nS3CRET-PART2", "project_id": "p"},
     "auth_token (HW_AUTH_TOKEN) holds a line break, a blank, another control character or a non-ASCII character"),
    ({"access_key": "AK", "secret_key": "S3CRET-SK", "security_token": "S3CRET-ST\r\nX-Injected: 1"},
     "security_token (HW_SECURITY_TOKEN) holds a line break"),
    ({"access_key": "AK\x1b", "secret_key": "S3CRET-SK"}, "access_key (HW_ACCESS_KEY) holds a line break"),
    ({"access_key": "AK", "secret_key": "S3CRET-SK\nS3CRET-2"}, "secret_key (HW_SECRET_KEY) holds a line break"),
    ({"auth_token": "S3CRET-TK", "project_id": u"pröject"}, "project_id (HW_PROJECT_ID) holds a line break"),
    # The password of an endpoint's user info would go into the Host header and connection errors.
    ({"auth_token": "S3CRET-TK", "project_id": "p", "endpoint": "https://admin:S3CRET-URL@res.example.com/x"},
     "endpoint (HW_RES_ENDPOINT) must not carry a user name or password (user:password@), "
     "got https://res.example.com/x"),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "identity_endpoint": "admin:S3CRET-URL@iam.example.com"},
     "identity_endpoint (HW_AUTH_URL) must not carry a user name or password"),
    ({"auth_token": "S3CRET-TK", "project_id": "p", "ca_path": "/nonexistent/ca.pem"},
     "ca_path (HW_CA_PATH) names /nonexistent/ca.pem, which does not exist"),
])
def test_configuration_errors_say_what_to_fix(options, message):
    with pytest.raises(ResError) as caught:
        ConnectionConfig(options)
    assert message in caught.value.message
    assert "S3CRET" not in caught.value.message
    assert u"pröject" not in caught.value.message


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_ca_bundle_comes_from_the_environment_as_in_ansible_builtin_uri(monkeypatch, tmp_path, variable):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    token = {"auth_token": "t", "project_id": "p"}
    assert ConnectionConfig(token).verify is True
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv(variable, str(bundle))
    assert ConnectionConfig(token).verify == str(bundle)
    assert ConnectionConfig(dict(token, ca_path=__file__)).verify == __file__
    assert ConnectionConfig(dict(token, validate_certs=False)).verify is False
    monkeypatch.setenv(variable, str(tmp_path / "missing.pem"))
    with pytest.raises(ResError) as caught:
        ConnectionConfig(token)
    assert caught.value.message.startswith("%s names %s, which does not exist" % (variable, tmp_path / "missing.pem"))


def test_default_endpoints_follow_region_and_cloud():
    config = ConnectionConfig({"auth_token": "t", "project_id": "p", "region": "cn-east-3", "cloud": "example.com"})
    assert config.endpoint == "https://res.cn-east-3.example.com"
    assert config.identity_endpoint == "https://iam.cn-east-3.example.com/v3"
    assert config.project_name == "cn-east-3"
    assert config.auth_method == "token"


def test_auth_method_precedence():
    everything = dict(CREDENTIALS["password"], **CREDENTIALS["aksk"])
    assert ConnectionConfig(everything).auth_method == "aksk"
    assert ConnectionConfig(dict(everything, **CREDENTIALS["token"])).auth_method == "token"


@pytest.mark.parametrize("auth, endpoint", [("password", "token"), ("aksk", "projects")])
def test_concurrent_first_calls_ask_iam_once(sim, auth, endpoint):
    sim.latency = 0.2  # keeps the first IAM request open while the other threads arrive
    clients = [make_client(sim, auth) for _thread in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        project_ids = list(pool.map(lambda res: res.project_id, clients))
    assert project_ids == [PROJECT_ID] * 4
    assert sim.counters[endpoint] == 1


def test_a_renewal_replaces_only_the_stale_token(sim):
    with make_client(sim, "password", project_id=PROJECT_ID) as res:
        auth = res._auth
        first = auth._password_token()[0]
        renewed = auth._password_token(stale=first)[0]
        # A second caller that saw the same expiry reuses the renewed token.
        assert auth._password_token(stale=first)[0] == renewed != first
    assert sim.counters["token"] == 2
