# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the IAM/RES simulator itself: the other tests trust it to behave like the cloud."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import re
import selectors
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


signer = _load("hwc_res_test_signer", ROOT / "plugins" / "module_utils" / "_signer.py")
signature_parser = _load("hwc_res_test_signature_parser", ROOT / "tests" / "simulator" / "signature_parser.py")
SIMULATOR_SCRIPT = ROOT / "tests" / "simulator" / "res_simulator.py"
simulator = _load("hwc_res_test_simulator", SIMULATOR_SCRIPT)
ResSimulator = simulator.ResSimulator

DEMO = "7f0f015577c437ffaf2486bfb279f705"      # demo-domain / cn-north-4
PROD = "9e8f95e534f82a3a0ea7856ef34d2614"      # demo-domain / cn-north-4_prod
EAST = "d6fbd8036f5b8b53ef1cd25fabea478f"      # demo-domain / cn-east-3
OTHER = "89769a7f350c47dfce0c12ec5b460a82"     # other-domain / cn-north-4
AK, SK = "SIMDEMOAK0PERMANENT1", "SimDemoSecretKey0Permanent0000000000000001"
TEMP_AK, TEMP_SK = "SIMDEMOAK0TEMPORARY1", "SimDemoSecretKey0Temporary0000000000000001"
TEMP_TOKEN = "SimDemoSecurityToken-gQpzLWNuLW5vcnRoLTQtdGVtcG9yYXJ5LWNyZWRlbnRpYWw"
OTHER_AK, OTHER_SK = "SIMOTHERAK0000000001", "SimOtherSecretKey000000000000000000000001"
VALID_TOKEN = "sim-token-cn-north-4-valid"
RANK_PROD = "ce3dc431-427d-4e9d-a591-4157781604cf"
CANARY = "03ef7ea2-d2cc-4b3a-a948-0f00e8e22602"
RECALL_V2 = "6b666ef3-9085-4330-94c3-5ba13f66e137"
NEWS_FEED = "d62da360-3aa4-4538-8890-dbca67fb1ff5"
IAM = "Incorrect IAM authentication information: "


@pytest.fixture
def sim():
    with ResSimulator() as running:
        yield running


def list_url(sim, project=DEMO, query=""):
    return "%s/v1/%s/infer-services%s" % (sim.url, project, query)


def details_url(sim, service_id, project=DEMO, query=""):
    return "%s/v1/%s/infer-services/%s%s" % (sim.url, project, service_id, query)


def password_body(project=None, user="demo-user", password="Demo-Passw0rd!", domain="demo-domain"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "password": password, "domain": {"name": domain}}}}}}
    if project is not None:
        body["auth"]["scope"] = {"project": project}
    return body


def issue_token(sim, project=None, **kwargs):
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body(project or {"name": "cn-north-4"}, **kwargs),
                           timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.headers["X-Subject-Token"]


def token_get(url, token=VALID_TOKEN):
    return requests.get(url, headers={"X-Auth-Token": token, "Content-Type": "application/json"}, timeout=10)


def signed_get(url, ak=AK, sk=SK, project=DEMO, now=None, security_token=None, extra=None):
    headers = {"Content-Type": "application/json", "X-Project-Id": project}
    if security_token:
        headers["X-Security-Token"] = security_token
    headers.update(extra or {})
    headers.update(signer.sign_request("GET", url, headers, ak, sk, now=now))
    return requests.get(url, headers=headers, timeout=10)


def assert_gateway_401(answer, message):
    assert answer.status_code == 401
    body = answer.json()
    assert body == {"error_msg": message, "error_code": "APIGW.0301", "request_id": answer.headers["X-Request-Id"]}


# ---- IAM tokens -------------------------------------------------------------------------------
def test_token_by_project_name(sim):
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"name": "cn-north-4"}), timeout=10)
    assert answer.status_code == 201
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])
    assert answer.headers["Content-Type"].startswith("application/json")
    token = answer.json()["token"]
    assert token["project"]["id"] == DEMO and token["project"]["name"] == "cn-north-4"
    assert token["project"]["domain"]["name"] == "demo-domain"
    assert token["methods"] == ["password"] and token["user"]["name"] == "demo-user" and token["catalog"] == []
    expires = datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs(expires - datetime.now(timezone.utc) - timedelta(days=1)) < timedelta(minutes=1)
    assert token_get(list_url(sim), answer.headers["X-Subject-Token"]).status_code == 200


def test_token_by_project_id_and_with_domain(sim):
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"id": PROD}), timeout=10)
    assert answer.status_code == 201 and answer.json()["token"]["project"]["name"] == "cn-north-4_prod"
    scoped = password_body({"name": "cn-north-4", "domain": {"name": "demo-domain"}})
    assert requests.post(sim.url + "/v3/auth/tokens", json=scoped, timeout=10).json()["token"]["project"]["id"] == DEMO
    other = password_body({"name": "cn-north-4"}, user="other-user", password="Other-Passw0rd!", domain="other-domain")
    assert requests.post(sim.url + "/v3/auth/tokens", json=other, timeout=10).json()["token"]["project"]["id"] == OTHER


@pytest.mark.parametrize("override", [{"password": "wrong"}, {"user": "nobody"}, {"domain": "no-domain"}])
def test_token_bad_credentials(sim, override):
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"name": "cn-north-4"}, **override),
                           timeout=10)
    assert answer.status_code == 401
    assert answer.json() == {"error": {"code": 401, "message": "The username or password is wrong.",
                                       "title": "Unauthorized"}}
    assert "X-Subject-Token" not in answer.headers


def test_token_unknown_project_and_malformed_body(sim):
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"name": "eu-west-0"}), timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "No project with name 'eu-west-0' in domain 'demo-domain'."
    foreign = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"id": OTHER}), timeout=10)
    assert foreign.status_code == 401 and "id '%s'" % OTHER in foreign.json()["error"]["message"]
    for body in (b"not json", b'{"auth": {}}', json.dumps({"auth": {"identity": {"methods": ["token"]}}}).encode()):
        bad = requests.post(sim.url + "/v3/auth/tokens", data=body, timeout=10)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 400


def test_token_ttl_zero_is_expired_at_once():
    with ResSimulator(token_ttl=0) as short:
        token = issue_token(short)
        answer = token_get(list_url(short), token)
        assert answer.status_code == 401 and answer.json()["error_msg"].startswith(IAM + "token expires, expires_at:")


# ---- RES with tokens ------------------------------------------------------------------------------
def test_list_with_token(sim):
    answer = token_get(list_url(sim))
    assert answer.status_code == 200 and re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])
    body = answer.json()
    assert body["is_success"] is True
    names = [s["service_name"] for s in body["services"]]
    assert names == ["res-rank-prod", "res-rank-canary", "res-recall-v1", "res-filter-legacy",
                     "res-ctr-experiment", "res-recall-v2"]
    for service in body["services"]:
        assert set(service) <= set(simulator.LIST_FIELDS) and "access_address" not in service
        assert isinstance(service["invocation_times"], str) and service["invocation_times"].isdigit()
        assert isinstance(service["publish_time"], int) and service["infer_type"] == "real-time"
    canary = body["services"][1]
    assert (canary["invocation_times"], canary["failed_times"], canary["status"]) == ("5000", "900", "running")
    assert "description" not in body["services"][3]
    assert {s["status"] for s in body["services"]} == {"running", "stopped", "concerning", "deploying"}
    assert token_get(list_url(sim, query="?workspace_id=0")).json() == body
    ws2 = token_get(list_url(sim, query="?workspace_id=ws-2")).json()["services"]
    assert [s["service_name"] for s in ws2] == ["res-news-feed", "res-search-rerank"]
    assert token_get(list_url(sim, query="?workspace_id=nope")).json() == {"is_success": True, "services": []}


def test_same_service_name_in_two_projects(sim):
    prod_token = issue_token(sim, {"name": "cn-north-4_prod"})
    prod = token_get(list_url(sim, PROD), prod_token).json()["services"]
    demo = token_get(list_url(sim)).json()["services"]
    prod_rank = [s for s in prod if s["service_name"] == "res-rank-prod"]
    demo_rank = [s for s in demo if s["service_name"] == "res-rank-prod"]
    assert len(prod_rank) == len(demo_rank) == 1 and prod_rank[0]["service_id"] != demo_rank[0]["service_id"]


def test_details_with_token(sim):
    body = token_get(details_url(sim, RANK_PROD)).json()
    assert body["is_success"] is True
    service = body["service"]
    assert service["service_name"] == "res-rank-prod" and service["project_id"] == DEMO
    assert service["access_address"].startswith("https://res-infer.cn-north-4.myhuaweicloud.com/")
    assert service["flows"][0]["flow_name"] == "rank-deepfm-v7"
    canary = token_get(details_url(sim, CANARY)).json()["service"]
    assert CANARY in canary["access_address"] and canary["flows"]
    missing = token_get(details_url(sim, "00000000-0000-4000-8000-000000000000"))
    assert missing.status_code == 404
    assert missing.json() == {"is_success": False, "error_code": "res.4721", "error_msg": "service is not exist."}
    # Without workspace_id, as the API documents it, every workspace of the project is searched.
    assert token_get(details_url(sim, NEWS_FEED)).json()["service"]["service_name"] == "res-news-feed"
    assert token_get(details_url(sim, NEWS_FEED, query="?workspace_id=ws-2")).json()["service"]["flows"] == []
    assert token_get(details_url(sim, NEWS_FEED, query="?workspace_id=0")).status_code == 404


def test_projects_with_token(sim):
    body = token_get(sim.url + "/v3/projects").json()
    assert [p["name"] for p in body["projects"]] == ["cn-east-3", "cn-north-4", "cn-north-4_prod"]
    named = token_get(sim.url + "/v3/projects?name=cn-north-4").json()["projects"]
    assert len(named) == 1 and named[0]["id"] == DEMO and named[0]["enabled"] is True
    assert named[0]["domain_id"] == "397ccdecd9ac2b120aa90cc9f84d8225"
    other = token_get(sim.url + "/v3/projects?name=cn-north-4", "sim-token-other-cn-north-4-valid").json()
    assert [p["id"] for p in other["projects"]] == [OTHER]
    assert token_get(sim.url + "/v3/projects?name=nowhere").json()["projects"] == []


def test_missing_unknown_expired_and_foreign_tokens(sim):
    assert_gateway_401(requests.get(list_url(sim), timeout=10), IAM + "x-auth-token not found")
    assert_gateway_401(token_get(list_url(sim), "no-such-token"), IAM + "decrypt token fail")
    assert_gateway_401(token_get(list_url(sim), "sim-token-cn-north-4-expired"),
                       IAM + "token expires, expires_at:2020-01-01T00:00:00.000000Z")
    for project in (EAST, OTHER, "ffffffffffffffffffffffffffffffff"):
        foreign = token_get(list_url(sim, project))
        assert foreign.status_code == 401
        assert foreign.json() == {"is_success": False, "error_code": "res.2301",
                                  "error_msg": "Failed to resolve the token from the request."}


def test_expire_tokens(sim):
    token = issue_token(sim)
    assert token_get(list_url(sim), token).status_code == 200
    sim.expire_tokens()
    for stale in (token, VALID_TOKEN):
        answer = token_get(list_url(sim), stale)
        assert answer.status_code == 401 and answer.json()["error_msg"].startswith(IAM + "token expires, expires_at:")
    assert token_get(list_url(sim), issue_token(sim)).status_code == 200


# ---- RES with AK/SK ---------------------------------------------------------------------------------
def test_list_details_and_projects_with_aksk(sim):
    listed = signed_get(list_url(sim, query="?workspace_id=ws-2"))
    assert listed.status_code == 200 and len(listed.json()["services"]) == 2
    details = signed_get(details_url(sim, RANK_PROD))
    assert details.status_code == 200 and details.json()["service"]["service_id"] == RANK_PROD
    projects = signed_get(sim.url + "/v3/projects?name=cn-east-3")
    assert projects.status_code == 200 and [p["id"] for p in projects.json()["projects"]] == [EAST]


def test_aksk_rejections(sim):
    assert_gateway_401(signed_get(list_url(sim), sk="wrong-secret"), IAM + "verify aksk signature fail")
    assert_gateway_401(signed_get(list_url(sim), ak="NOSUCHAK"), IAM + "ak NOSUCHAK not exist")
    stale = datetime.now(timezone.utc) - timedelta(minutes=20)
    assert_gateway_401(signed_get(list_url(sim), now=stale),
                       IAM + "x-sdk-date %s is more than 15 minutes off the server time" % signer.sdk_date(stale))
    ten_minutes_ago = datetime.now(timezone.utc) - timedelta(minutes=10)
    assert signed_get(list_url(sim), now=ten_minutes_ago).status_code == 200
    sim.clock_skew = 3600  # the gateway's clock an hour ahead: a date signed now is stale
    try:
        assert signed_get(list_url(sim)).json()["error_msg"].endswith("more than 15 minutes off the server time")
    finally:
        sim.clock_skew = 0.0
    assert_gateway_401(signed_get(list_url(sim), extra={"X-Sdk-Date": "2024-01-01"}),
                       IAM + "x-sdk-date is missing or not of the form YYYYMMDDTHHMMSSZ")
    # A signature for one query does not cover another.
    url = list_url(sim, query="?workspace_id=0")
    headers = {"Content-Type": "application/json"}
    headers.update(signer.sign_request("GET", url, headers, AK, SK))
    tampered = requests.get(list_url(sim, query="?workspace_id=ws-2"), headers=headers, timeout=10)
    assert_gateway_401(tampered, IAM + "verify aksk signature fail")
    del headers["X-Sdk-Date"]
    assert_gateway_401(requests.get(url, headers=headers, timeout=10),
                       IAM + "x-sdk-date is missing or not of the form YYYYMMDDTHHMMSSZ")


def test_aksk_signed_headers_must_cover_host_and_date(sim):
    url = list_url(sim)
    date = signer.sdk_date()
    host, path, query = signer.split_url(url)
    canonical = signer.canonical_request("GET", path, query, {"x-sdk-date": date}, ["x-sdk-date"],
                                         hashlib.sha256(b"").hexdigest())
    signature = signer.signature(SK, signer.string_to_sign(date, canonical))
    headers = {"X-Sdk-Date": date,
               "Authorization": "SDK-HMAC-SHA256 Access=%s, SignedHeaders=x-sdk-date, Signature=%s" % (AK, signature)}
    assert_gateway_401(requests.get(url, headers=headers, timeout=10),
                       IAM + "signed headers must include host and x-sdk-date")
    malformed = requests.get(url, headers={"Authorization": "SDK-HMAC-SHA256 garbage"}, timeout=10)
    assert_gateway_401(malformed, IAM + "malformed SDK-HMAC-SHA256 authorization header")


def test_the_gateway_reads_the_authorization_the_signer_writes():
    url = "https://res.cn-north-4.myhuaweicloud.com/v1/%s/infer-services?workspace_id=0" % DEMO
    headers = {"Content-Type": "application/json", "X-Project-Id": DEMO, "X-Security-Token": TEMP_TOKEN}
    authorization = signer.sign_request("GET", url, headers, TEMP_AK, TEMP_SK)["Authorization"]
    access, signed, signature = signature_parser.parse_authorization(authorization)
    assert (access, signed) == (TEMP_AK, ["content-type", "host", "x-project-id", "x-sdk-date", "x-security-token"])
    assert re.fullmatch(r"[0-9a-f]{64}", signature) and authorization.endswith("Signature=" + signature)


@pytest.mark.parametrize("value", [None, "", "Basic abc", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 garbage",
                                   "sdk-hmac-sha256 Access=A, SignedHeaders=host, Signature=s"])
def test_the_gateway_refuses_what_is_not_an_sdk_hmac_sha256_authorization(value):
    with pytest.raises(ValueError):
        signature_parser.parse_authorization(value)


def test_the_gateway_reads_the_date_the_signer_writes_and_nothing_else():
    moment = datetime(2030, 12, 31, 23, 59, 58, tzinfo=timezone.utc)
    assert signature_parser.parse_sdk_date(signer.sdk_date(moment)) == moment
    for value in ("2030-12-31T23:59:58Z", "20301231T235958", "20301231T235958+0000", ""):
        with pytest.raises(ValueError):
            signature_parser.parse_sdk_date(value)


def test_temporary_aksk_needs_its_security_token(sim):
    message = IAM + "security token missing or not matching ak %s" % TEMP_AK
    assert_gateway_401(signed_get(list_url(sim), TEMP_AK, TEMP_SK), message)
    assert_gateway_401(signed_get(list_url(sim), TEMP_AK, TEMP_SK, security_token="other-token"), message)
    answer = signed_get(list_url(sim), TEMP_AK, TEMP_SK, security_token=TEMP_TOKEN)
    assert answer.status_code == 200 and answer.json()["is_success"] is True


def test_aksk_of_another_domain_or_project(sim):
    assert_gateway_401(signed_get(list_url(sim), OTHER_AK, OTHER_SK),
                       IAM + "project %s does not belong to the domain of ak %s" % (DEMO, OTHER_AK))
    assert signed_get(list_url(sim, OTHER), OTHER_AK, OTHER_SK, project=OTHER).status_code == 200
    mismatch = signed_get(list_url(sim), project=PROD)
    assert mismatch.status_code == 401 and mismatch.json()["error_code"] == "res.2301"


def test_unknown_route_and_method(sim):
    for answer in (requests.get(sim.url + "/v2/whatever", timeout=10),
                   requests.post(list_url(sim), headers={"X-Auth-Token": VALID_TOKEN}, timeout=10)):
        assert answer.status_code == 404 and answer.json()["error_code"] == "APIGW.0101"


def test_unexpected_exception_answers_json_500(sim, monkeypatch):
    def explode(*_args):
        raise RuntimeError("boom")
    monkeypatch.setattr(sim, "_list_services", explode)
    answer = token_get(list_url(sim))
    assert answer.status_code == 500 and answer.json()["error_code"] == "res.5000"
    assert "RuntimeError: boom" in answer.json()["error_msg"]
    assert token_get(details_url(sim, RANK_PROD)).status_code == 200


# ---- faults ---------------------------------------------------------------------------------------
def test_http_error_json_applies_times_requests(sim):
    sim.add_fault("list", "http_error", times=2, status=503)
    for _attempt in range(2):
        answer = token_get(list_url(sim))
        assert answer.status_code == 503
        assert answer.json() == {"is_success": False, "error_code": "res.5030", "error_msg": "Service Unavailable."}
    assert token_get(list_url(sim)).status_code == 200
    assert token_get(details_url(sim, RANK_PROD)).status_code == 200
    assert sim.counters == {"token": 0, "projects": 0, "list": 3, "details": 1} and sim.faults_served == 2


def test_http_error_html_gateway_and_empty(sim):
    sim.add_fault("list", "http_error", status=502, body_kind="html")
    html = token_get(list_url(sim))
    assert html.status_code == 502 and html.headers["Content-Type"] == "text/html"
    assert "<title>502 Bad Gateway</title>" in html.text and html.headers["X-Request-Id"]
    sim.add_fault("details", "http_error", status=429, body_kind="gateway", retry_after=3)
    throttled = token_get(details_url(sim, RANK_PROD))
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    body = throttled.json()
    assert body["error_code"] == "APIGW.0308" and body["error_msg"].startswith("The throttling threshold has been")
    assert body["request_id"] == throttled.headers["X-Request-Id"]
    sim.add_fault("list", "http_error", status=500, body_kind="empty")
    empty = token_get(list_url(sim))
    assert empty.status_code == 500 and empty.content == b""
    assert token_get(list_url(sim)).status_code == 200


def test_latency_fault_and_latency_setting(sim):
    sim.add_fault("list", "latency", seconds=0.4)
    started = time.monotonic()
    answer = token_get(list_url(sim))
    assert time.monotonic() - started >= 0.4 and answer.status_code == 200 and answer.json()["services"]
    started = time.monotonic()
    token_get(list_url(sim))
    assert time.monotonic() - started < 0.4
    sim.latency = 0.3
    started = time.monotonic()
    issue_token(sim)
    assert time.monotonic() - started >= 0.3


def test_max_in_flight_counts_overlapping_requests_and_resets(sim):
    sim.latency = 0.3
    token_get(list_url(sim))
    assert sim.max_in_flight == 1
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert [answer.status_code for answer in pool.map(lambda _: token_get(list_url(sim)), range(3))] == [200] * 3
    assert sim.max_in_flight == 3
    assert requests.get(sim.url + "/_sim/concurrency", timeout=5).json() == {"max_in_flight": 3}
    sim.reset_counters()
    assert sim.max_in_flight == 0


def test_broken_json_not_success_and_missing_services(sim):
    sim.add_fault("list", "broken_json")
    sim.add_fault("list", "not_success")
    sim.add_fault("list", "not_success", error_code="res.5502", error_msg="Operation not registered.")
    sim.add_fault("list", "missing_services")
    broken = token_get(list_url(sim))
    assert broken.status_code == 200 and broken.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(broken.text)
    assert token_get(list_url(sim)).json() == {"is_success": False, "error_code": "res.1001",
                                               "error_msg": "Invalid parameter."}
    assert token_get(list_url(sim)).json()["error_code"] == "res.5502"
    assert token_get(list_url(sim)).json() == {"is_success": True}
    assert len(token_get(list_url(sim)).json()["services"]) == 6


def test_expire_token_fault_then_renewal(sim):
    token = issue_token(sim)
    sim.add_fault("list", "expire_token")
    answer = token_get(list_url(sim), token)
    assert answer.status_code == 401 and answer.json()["error_msg"].startswith(IAM + "token expires, expires_at:")
    assert token_get(list_url(sim), issue_token(sim)).status_code == 200


def test_raw_fault(sim):
    sim.add_fault("details", "raw", status=418, body="short and stout", headers={"Content-Type": "text/plain",
                                                                                 "X-Custom": "1"})
    answer = token_get(details_url(sim, RANK_PROD))
    assert answer.status_code == 418 and answer.text == "short and stout"
    assert answer.headers["Content-Type"] == "text/plain" and answer.headers["X-Custom"] == "1"


def test_echo_fault_quotes_the_request_headers_and_body(sim):
    sim.add_fault("token", "echo", status=400, error_msg="\x1b[31mBad.")
    answer = requests.post(sim.url + "/v3/auth/tokens", json=password_body({"name": "cn-north-4"}), timeout=10)
    body = answer.json()
    assert answer.status_code == 400 and body["error_code"] == "APIGW.0201"
    assert body["error_msg"].startswith("\x1b[31mBad. request headers: ")
    assert '"password": "Demo-Passw0rd!"' in body["error_msg"]
    sim.add_fault("list", "echo", status=401)
    assert VALID_TOKEN in token_get(list_url(sim)).json()["error_msg"]


def test_echo_fault_quotes_the_request_once_per_encoding(sim):
    sim.add_fault("list", "echo", status=401, encodings=["hyphens", "java_url", "xml_hex"])
    message = token_get(list_url(sim)).json()["error_msg"]
    hyphens, java_url, xml_hex = message[len("Bad request. "):].split(" | ")
    assert VALID_TOKEN.replace("-", "%2D") in hyphens and VALID_TOKEN not in hyphens
    assert "%3B+X-Auth-Token%3A+" + VALID_TOKEN + "%3B+" in java_url  # - stays, a space is +
    assert "&#x3A;&#x20;" in xml_hex and "-" not in xml_hex
    with pytest.raises(ValueError, match="encodings must be a list of verbatim, java_url"):
        sim.add_fault("list", "echo", encodings=["base64"])


def test_drip_fault_sends_the_list_a_byte_at_a_time(sim):
    sim.add_fault("list", "drip", seconds_per_byte=0.001)
    answer = token_get(list_url(sim))
    assert answer.status_code == 200 and len(answer.json()["services"]) == 6
    assert int(answer.headers["Content-Length"]) == len(answer.content)


def test_endless_chunked_fault_never_ends(sim):
    sim.add_fault("list", "endless_chunked")
    with requests.get(list_url(sim), stream=True, timeout=10) as answer:
        assert answer.headers["Transfer-Encoding"] == "chunked"
        received = 0
        for chunk in answer.iter_content(65536):
            received += len(chunk)
            if received > 4 * 1024 * 1024:
                break
    assert received > 4 * 1024 * 1024


def test_gzip_bomb_fault_expands_a_small_body(sim):
    sim.add_fault("list", "gzip_bomb", decoded_mib=3)
    with requests.get(list_url(sim), stream=True, timeout=10) as answer:
        compressed = answer.raw.read(decode_content=False)
    assert answer.headers["Content-Encoding"] == "gzip" and len(compressed) < 64 * 1024
    assert len(gzip.decompress(compressed)) == 3 * 1024 * 1024


def test_fault_order_wildcard_forever_and_clear(sim):
    sim.add_fault("*", "http_error", status=500)
    sim.add_fault("list", "not_success")
    assert token_get(list_url(sim)).status_code == 500
    assert token_get(list_url(sim)).json()["is_success"] is False
    assert token_get(list_url(sim)).json()["is_success"] is True
    sim.add_fault("token", "http_error", times=None, status=503, body_kind="gateway")
    for _attempt in range(3):
        assert requests.post(sim.url + "/v3/auth/tokens", json=password_body({"name": "cn-north-4"}),
                             timeout=10).status_code == 503
    assert sim.counters["token"] == 3 and len(sim.faults) == 1
    sim.clear_faults()
    assert issue_token(sim)


def test_add_fault_validation(sim):
    for args, kwargs in ((("lists", "http_error"), {}), (("list", "teapot"), {}), (("list", "latency"), {"status": 1}),
                         (("list", "http_error"), {"times": 0}), (("list", "http_error"), {"body_kind": "xml"})):
        with pytest.raises(ValueError):
            sim.add_fault(*args, **kwargs)
    assert sim.faults == []


def test_counters_include_faulted_and_rejected_requests(sim):
    issue_token(sim)
    token_get(list_url(sim))
    token_get(list_url(sim), "no-such-token")
    sim.add_fault("details", "http_error")
    token_get(details_url(sim, RANK_PROD))
    token_get(sim.url + "/v3/projects")
    assert sim.counters == {"token": 1, "projects": 1, "list": 2, "details": 1}
    sim.reset_counters()
    assert sim.counters == {"token": 0, "projects": 0, "list": 0, "details": 0}


# ---- state changes ----------------------------------------------------------------------------------
def _status(sim, service_id, project=DEMO):
    services = token_get(list_url(sim, project)).json()["services"]
    return {s["service_id"]: s["status"] for s in services}.get(service_id)


def test_set_status_after_list_requests(sim):
    sim.set_status(DEMO, RECALL_V2, "running", after_list_requests=2)
    token_get(list_url(sim, EAST), "sim-token-cn-east-3-valid")  # another project's list does not count
    assert [_status(sim, RECALL_V2) for _poll in range(3)] == ["deploying", "deploying", "running"]
    assert token_get(details_url(sim, RECALL_V2)).json()["service"]["status"] == "running"
    sim.set_status(DEMO, RECALL_V2, "stopped")
    assert _status(sim, RECALL_V2) == "stopped"
    with pytest.raises(KeyError):
        sim.set_status(DEMO, "00000000-0000-4000-8000-000000000000", "running")


def test_add_service_now_and_later(sim):
    added = sim.add_service(DEMO, {"service_name": "res-late"}, after_list_requests=1)
    assert re.fullmatch(r"[0-9a-f-]{36}", added["service_id"]) and added["invocation_times"] == "0"
    sim.set_status(DEMO, added["service_id"], "running", after_list_requests=2)
    assert _status(sim, added["service_id"]) is None
    assert _status(sim, added["service_id"]) == "running"
    now = sim.add_service(PROD, {"service_name": "res-now", "status": "deploying"}, workspace_id="ws-new")
    assert now["status"] == "deploying"
    with pytest.raises(ValueError):
        sim.add_service(PROD, {"service_name": "dup", "service_id": now["service_id"]})
    with pytest.raises(KeyError):
        sim.add_service("ffffffffffffffffffffffffffffffff", {"service_name": "x"})


def test_remove_service_now_and_later(sim):
    sim.remove_service(DEMO, RECALL_V2, after_list_requests=1)
    assert [_status(sim, RECALL_V2) for _poll in range(2)] == ["deploying", None]
    added = sim.add_service(DEMO, {"service_name": "res-gone"}, workspace_id="ws-2")
    sim.remove_service(DEMO, added["service_id"])
    listed = token_get(list_url(sim, query="?workspace_id=ws-2")).json()["services"]
    assert listed and added["service_id"] not in [service["service_id"] for service in listed]
    with pytest.raises(KeyError):
        sim.remove_service(DEMO, RECALL_V2)


def test_generate_services_is_deterministic():
    with ResSimulator() as first, ResSimulator() as second:
        one = first.generate_services(DEMO, 40, workspace_id="scale", seed=7)
        assert one == second.generate_services(DEMO, 40, workspace_id="scale", seed=7)
        assert one != second.generate_services(DEMO, 40, workspace_id="other", seed=8)
        more = first.generate_services(DEMO, 40, workspace_id="scale")
        assert len({s["service_id"] for s in one + more}) == 80
        assert {s["status"] for s in one} <= {"running", "stopped", "deploying", "concerning"}
        for service in one:
            assert service["invocation_times"].isdigit() and service["failed_times"].isdigit()
            assert int(service["failed_times"]) <= int(service["invocation_times"])
        listed = token_get(list_url(first, query="?workspace_id=scale")).json()["services"]
        assert [s["service_id"] for s in listed] == [s["service_id"] for s in one + more]


def test_data_from_dict_and_file(tmp_path):
    data = {"domains": [{"name": "d", "users": [{"name": "u", "password": "p"}], "access_keys": []}],
            "auth_tokens": [{"token": "t", "project_id": "a" * 32, "expires_at": "2099-01-01T00:00:00Z"}],
            "projects": [{"id": "a" * 32, "name": "cn-north-4", "domain": "d",
                          "workspaces": {"0": [{"service_name": "only"}]}}]}
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    for source in (data, str(path), path):
        with ResSimulator(data=source) as custom:
            services = token_get(list_url(custom, "a" * 32), "t").json()["services"]
            assert [s["service_name"] for s in services] == ["only"]
    with pytest.raises(ValueError):
        ResSimulator(host="0.0.0.0")


# ---- HTTP admin and CLI -----------------------------------------------------------------------------
def test_admin_endpoints(sim):
    def post(path, body=None):
        return requests.post(sim.url + "/_sim/" + path, json=body, timeout=10)

    assert post("faults", {"endpoint": "list", "kind": "http_error", "status": 502, "times": None}).json()["ok"]
    assert token_get(list_url(sim)).status_code == 502
    assert requests.get(sim.url + "/_sim/counters", timeout=10).json() == {"token": 0, "projects": 0, "list": 1,
                                                                           "details": 0}
    assert post("reset").status_code == 200
    assert sim.counters["list"] == 0 and sim.faults == []
    assert token_get(list_url(sim)).status_code == 200
    added = post("services", {"project_id": DEMO, "workspace_id": "admin", "service": {"service_name": "x"}}).json()
    generated = post("services", {"project_id": DEMO, "workspace_id": "admin", "generate": 5}).json()
    listed = token_get(list_url(sim, query="?workspace_id=admin")).json()["services"]
    assert len(listed) == 6 and listed[0]["service_id"] == added["services"][0]["service_id"]
    assert len(generated["services"]) == 5
    assert post("status", {"project_id": DEMO, "service_id": RECALL_V2, "status": "running"}).json()["ok"]
    assert _status(sim, RECALL_V2) == "running"
    removed = requests.delete(sim.url + "/_sim/services", json={"project_id": DEMO, "service_id": RECALL_V2},
                              timeout=10)
    assert removed.json()["ok"] and _status(sim, RECALL_V2) is None
    assert post("latency", {"seconds": 0.25}).json()["ok"] and sim.latency == 0.25
    post("latency", {"seconds": 0})
    assert post("expire-tokens").json()["ok"]
    assert token_get(list_url(sim)).json()["error_msg"].startswith(IAM + "token expires")
    bad = post("faults", {"endpoint": "list", "kind": "nope"})
    assert bad.status_code == 400 and bad.json()["ok"] is False
    assert post("services", {"project_id": "nope", "generate": 1}).status_code == 400
    assert requests.get(sim.url + "/_sim/unknown", timeout=10).status_code == 404


def _read_line(stream, timeout=15):
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    assert selector.select(timeout), "no output within %s s" % timeout
    return stream.readline()


def test_cli_start_and_stop(tmp_path):
    port_file = tmp_path / "port"
    process = subprocess.Popen([sys.executable, str(SIMULATOR_SCRIPT), "--port-file", str(port_file),
                                "--generate", "cn-east-3:7"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = _read_line(process.stdout)
        match = re.fullmatch(r"RES simulator listening on (http://127\.0\.0\.1:(\d+))\n", line)
        assert match, line
        assert port_file.read_text().strip() == match.group(2)
        answer = token_get("%s/v1/%s/infer-services" % (match.group(1), EAST), "sim-token-cn-east-3-valid")
        assert len(answer.json()["services"]) == 10
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0 and out == "" and err == ""


def test_cli_refuses_non_loopback_host():
    result = subprocess.run([sys.executable, str(SIMULATOR_SCRIPT), "--host", "0.0.0.0"], capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 2 and "not an IPv4 loopback address" in result.stderr and result.stdout == ""


# ---- writes: start, stop, delete ------------------------------------------------------------------
RECALL_V1 = "6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"      # stopped
CTR_EXPERIMENT = "e0678c0d-c4b6-4cd9-9e97-7f9e1bbb8646"  # concerning
SEARCH_RERANK = "188dec4e-d292-483e-b124-2cc01d5eafb1"   # stopped, workspace ws-2
UPDATED = {"is_success": True, "message": "Succeed to update service."}
DELETED = {"is_success": True, "message": "Succeed to delete service."}
NOT_EXIST = {"is_success": False, "error_code": "res.4721", "error_msg": "service is not exist."}
SAMPLE = json.loads(simulator.SAMPLE_DATA.read_text(encoding="utf-8"))


@pytest.fixture
def clock(monkeypatch):
    """The simulator's clock in epoch ms, moved by the test: timing checked without waiting."""
    now = [simulator._now_ms()]
    monkeypatch.setattr(simulator, "_now_ms", lambda: now[0])
    return now


def token_write(method, url, body=None, token=VALID_TOKEN):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return requests.request(method, url, headers={"X-Auth-Token": token, "Content-Type": "application/json"},
                            data=data, timeout=10)


def signed_write(method, url, body=None, ak=AK, sk=SK, security_token=None, send=None):
    """A signed PATCH or DELETE; ``send`` is a body to send instead of the signed one (tampering)."""
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Project-Id": DEMO}
    if security_token:
        headers["X-Security-Token"] = security_token
    headers.update(signer.sign_request(method, url, headers, ak, sk, body=data))
    return requests.request(method, url, headers=headers, data=data if send is None else send, timeout=10)


def details(sim, service_id, project=DEMO, token=VALID_TOKEN):
    return token_get(details_url(sim, service_id, project), token).json().get("service")


def test_stop_then_start_with_no_start_time(sim):
    sim.start_seconds = 0
    before = simulator._now_ms()
    answer = token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"})
    assert answer.status_code == 200 and answer.json() == UPDATED
    stopped = details(sim, RANK_PROD)
    assert stopped["status"] == "stopped" and before <= stopped["update_time"] <= simulator._now_ms()
    assert _status(sim, RANK_PROD) == "stopped"
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "running"}).json() == UPDATED
    assert details(sim, RANK_PROD)["status"] == "running"


def test_a_started_service_deploys_for_start_seconds_then_runs(sim, clock):
    sim.start_seconds = 2
    started_at = clock[0]
    assert token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"}).json() == UPDATED
    assert (details(sim, RECALL_V1)["status"], details(sim, RECALL_V1)["update_time"]) == ("deploying", started_at)
    clock[0] += 1999
    assert _status(sim, RECALL_V1) == "deploying" and sim.service(DEMO, RECALL_V1)["status"] == "deploying"
    clock[0] += 1
    assert _status(sim, RECALL_V1) == "running"
    assert details(sim, RECALL_V1)["update_time"] == started_at + 2000
    # The setting at the time of the PATCH counts; the admin API changes it for the next start.
    assert requests.post(sim.url + "/_sim/start-seconds", json={"seconds": 0.5}, timeout=10).json() == {"ok": True}
    assert sim.start_seconds == 0.5
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "stopped"})
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"})
    clock[0] += 499
    assert sim.service(DEMO, RECALL_V1)["status"] == "deploying"
    clock[0] += 1
    assert sim.service(DEMO, RECALL_V1)["status"] == "running"
    for bad in ({"seconds": -1}, {"seconds": "soon"}, {"seconds": "inf"}, {"seconds": None}, {}):
        assert requests.post(sim.url + "/_sim/start-seconds", json=bad, timeout=10).status_code == 400
    assert sim.start_seconds == 0.5


def test_a_short_start_time_runs_the_service_by_itself(sim):
    sim.start_seconds = 0.2
    sent = simulator._now_ms()
    assert token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"}).json() == UPDATED
    answered = simulator._now_ms()
    deadline = time.monotonic() + 10
    while _status(sim, RECALL_V1) != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    ran_at = details(sim, RECALL_V1)["update_time"]
    assert sent + 200 <= ran_at <= answered + 200


def test_stopping_is_immediate_and_cancels_a_start(sim, clock):
    sim.start_seconds = 60
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"})
    clock[0] += 1000
    assert token_write("PATCH", details_url(sim, RECALL_V1), {"status": "stopped"}).json() == UPDATED
    assert details(sim, RECALL_V1)["status"] == "stopped" and details(sim, RECALL_V1)["update_time"] == clock[0]
    clock[0] += 120000
    assert _status(sim, RECALL_V1) == "stopped"


def test_a_status_the_test_sets_wins_over_a_pending_start(sim, clock):
    sim.start_seconds = 2
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"})
    sim.set_status(DEMO, RECALL_V1, "deploying")  # a deployment that hangs
    clock[0] += 60000
    assert _status(sim, RECALL_V1) == "deploying"
    # A start pending when the service is deleted does not reach a new service of the same id.
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "stopped"})
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"})
    token_write("DELETE", details_url(sim, RECALL_V1))
    sim.add_service(DEMO, {"service_name": "res-recall-v1", "service_id": RECALL_V1, "status": "deploying"})
    clock[0] += 60000
    assert _status(sim, RECALL_V1) == "deploying"


@pytest.mark.parametrize("service_id, wanted", [(RANK_PROD, "running"), (RECALL_V2, "running"),
                                                (CTR_EXPERIMENT, "running"), (RECALL_V1, "stopped")])
def test_asking_for_the_status_a_service_already_has_is_a_successful_no_op(sim, service_id, wanted):
    before = sim.service(DEMO, service_id)
    answer = token_write("PATCH", details_url(sim, service_id), {"status": wanted})
    assert answer.status_code == 200 and answer.json() == UPDATED
    assert sim.service(DEMO, service_id) == before
    (entry,) = sim.writes
    assert (entry["applied"], entry["http_status"]) == (False, 200)


def test_a_start_repeated_while_deploying_keeps_the_first_start_time(sim, clock):
    sim.start_seconds = 2
    token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"})
    clock[0] += 1500
    assert token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"}).json() == UPDATED
    clock[0] += 500
    assert sim.service(DEMO, RECALL_V1)["status"] == "running"
    assert [entry["applied"] for entry in sim.writes] == [True, False]


@pytest.mark.parametrize("body", [{"status": "paused"}, {"status": "Running"}, {}, {"status": "running", "x": 1},
                                  {"state": "running"}, ["running"], "running", b"not json", None])
def test_a_patch_body_other_than_running_or_stopped_is_an_invalid_parameter(sim, body):
    answer = token_write("PATCH", details_url(sim, RECALL_V1), body)
    assert answer.status_code == 400
    assert answer.json()["is_success"] is False and answer.json()["error_code"] == "RES.1001"
    assert sim.service(DEMO, RECALL_V1)["status"] == "stopped"
    (entry,) = sim.writes
    assert (entry["applied"], entry["http_status"]) == (False, 400)
    # The body is judged before the service is looked up.
    assert token_write("PATCH", details_url(sim, "00000000-0000-4000-8000-000000000000"), body).status_code == 400


def test_unknown_services_and_workspaces(sim):
    missing = details_url(sim, "00000000-0000-4000-8000-000000000000")
    for method, body in (("PATCH", {"status": "stopped"}), ("DELETE", None)):
        answer = token_write(method, missing, body)
        assert answer.status_code == 404 and answer.json() == NOT_EXIST
    # Like details: every workspace of the project, unless the request names one.
    assert token_write("PATCH", details_url(sim, SEARCH_RERANK, query="?workspace_id=0"),
                       {"status": "running"}).json() == NOT_EXIST
    assert token_write("PATCH", details_url(sim, SEARCH_RERANK), {"status": "running"}).json() == UPDATED
    assert token_write("DELETE", details_url(sim, NEWS_FEED, query="?workspace_id=ws-2")).json() == DELETED
    assert [(e["workspace_id"], e["applied"], e["http_status"]) for e in sim.writes] == [
        (None, False, 404), (None, False, 404), ("0", False, 404), ("ws-2", True, 200), ("ws-2", True, 200)]


def test_a_write_touches_the_project_in_its_url_only(sim):
    sim.start_seconds = 0
    twin = sim.add_service(PROD, {"service_name": "res-rank-prod", "service_id": RANK_PROD})
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}).json() == UPDATED
    assert token_write("DELETE", details_url(sim, RANK_PROD)).json() == DELETED
    assert sim.service(PROD, RANK_PROD) == twin and sim.service(DEMO, RANK_PROD) is None


def test_start_from_a_status_the_api_does_not_document(sim, clock):
    sim.start_seconds = 1
    failed = sim.add_service(DEMO, {"service_name": "res-failed", "status": "failed"})
    assert token_write("PATCH", details_url(sim, failed["service_id"]), {"status": "running"}).json() == UPDATED
    assert sim.service(DEMO, failed["service_id"])["status"] == "deploying"
    clock[0] += 1000
    assert sim.service(DEMO, failed["service_id"])["status"] == "running"


def test_delete_removes_the_service_whatever_its_status(sim):
    for service_id in (RANK_PROD, RECALL_V2):
        answer = token_write("DELETE", details_url(sim, service_id))
        assert answer.status_code == 200 and answer.json() == DELETED
        assert token_get(details_url(sim, service_id)).json() == NOT_EXIST and sim.service(DEMO, service_id) is None
        assert _status(sim, service_id) is None
    again = token_write("DELETE", details_url(sim, RANK_PROD))
    assert again.status_code == 404 and again.json() == NOT_EXIST
    assert [s["service_name"] for s in token_get(list_url(sim)).json()["services"]] == [
        "res-rank-canary", "res-recall-v1", "res-filter-legacy", "res-ctr-experiment"]


def test_writes_need_the_same_credentials_as_reads(sim):
    url = details_url(sim, RANK_PROD)
    assert_gateway_401(requests.patch(url, json={"status": "stopped"}, timeout=10), IAM + "x-auth-token not found")
    assert_gateway_401(token_write("PATCH", url, {"status": "stopped"}, "sim-token-cn-north-4-expired"),
                       IAM + "token expires, expires_at:2020-01-01T00:00:00.000000Z")
    foreign = token_write("DELETE", url, token="sim-token-cn-east-3-valid")
    assert foreign.status_code == 401 and foreign.json()["error_code"] == "res.2301"
    assert_gateway_401(signed_write("DELETE", url, sk="wrong-secret"), IAM + "verify aksk signature fail")
    assert_gateway_401(signed_write("PATCH", url, {"status": "stopped"}, OTHER_AK, OTHER_SK),
                       IAM + "project %s does not belong to the domain of ak %s" % (DEMO, OTHER_AK))
    assert sim.service(DEMO, RANK_PROD)["status"] == "running"
    assert [(e["auth"], e["applied"], e["http_status"]) for e in sim.writes] == [
        (None, False, 401), ("token", False, 401), ("token", False, 401), ("aksk", False, 401), ("aksk", False, 401)]


def test_writes_with_every_auth_method_are_logged_by_method(sim):
    sim.start_seconds = 0
    url = details_url(sim, RECALL_V1)
    assert token_write("PATCH", url, {"status": "running"}, issue_token(sim)).json() == UPDATED
    assert signed_write("PATCH", url, {"status": "stopped"}).json() == UPDATED
    assert signed_write("PATCH", url, {"status": "running"}, TEMP_AK, TEMP_SK, TEMP_TOKEN).json() == UPDATED
    assert token_write("PATCH", url, {"status": "stopped"}).json() == UPDATED
    assert signed_write("DELETE", url).json() == DELETED
    assert [(e["method"], e["auth"], e["body"], e["applied"]) for e in sim.writes] == [
        ("PATCH", "password", {"status": "running"}, True), ("PATCH", "aksk", {"status": "stopped"}, True),
        ("PATCH", "temporary", {"status": "running"}, True), ("PATCH", "token", {"status": "stopped"}, True),
        ("DELETE", "aksk", None, True)]


def test_a_signed_body_changed_after_signing_is_refused(sim):
    url = details_url(sim, RANK_PROD)
    tampered = signed_write("PATCH", url, {"status": "running"}, send=json.dumps({"status": "stopped"}).encode())
    assert_gateway_401(tampered, IAM + "verify aksk signature fail")
    assert sim.service(DEMO, RANK_PROD)["status"] == "running"
    # A body sent with a DELETE signed without one is a change too.
    assert_gateway_401(signed_write("DELETE", url, send=b"{}"), IAM + "verify aksk signature fail")
    assert sim.service(DEMO, RANK_PROD) is not None
    assert [(e["body"], e["applied"], e["http_status"]) for e in sim.writes] == [
        ({"status": "stopped"}, False, 401), ({}, False, 401)]


def test_the_write_log_entry_and_no_secret_in_it(sim):
    answer = signed_write("PATCH", details_url(sim, NEWS_FEED), {"status": "stopped"}, TEMP_AK, TEMP_SK, TEMP_TOKEN)
    (entry,) = sim.writes
    received = datetime.strptime(entry.pop("received_at"), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - received) < timedelta(minutes=1)
    assert entry == {"method": "PATCH", "path": "/v1/%s/infer-services/%s" % (DEMO, NEWS_FEED), "project_id": DEMO,
                     "service_id": NEWS_FEED, "workspace_id": "ws-2", "body": {"status": "stopped"},
                     "auth": "temporary", "applied": True, "http_status": 200,
                     "request_id": answer.headers["X-Request-Id"]}
    assert token_write("DELETE", details_url(sim, RANK_PROD), token=issue_token(sim)).status_code == 200
    assert token_write("DELETE", details_url(sim, RANK_PROD), token=VALID_TOKEN).status_code == 404
    logged = json.dumps(sim.writes) + requests.get(sim.url + "/_sim/writes", timeout=10).text
    for secret in (TEMP_SK, TEMP_TOKEN, VALID_TOKEN, "MIISsim", "SDK-HMAC-SHA256", "Signature="):
        assert secret not in logged


def test_a_service_id_is_read_from_its_quoted_path_segment(sim):
    sim.start_seconds = 0
    odd = sim.add_service(DEMO, {"service_name": "res-odd-id", "service_id": "{{ a/b }} 100%", "status": "stopped"})
    url = details_url(sim, quote(odd["service_id"], safe=""))
    assert token_get(url).json()["service"]["service_id"] == odd["service_id"]
    assert token_write("PATCH", url, {"status": "running"}).json() == UPDATED
    assert sim.service(DEMO, odd["service_id"])["status"] == "running"
    assert token_write("DELETE", url).json() == DELETED
    assert [(entry["path"], entry["service_id"], entry["applied"]) for entry in sim.writes] == [
        ("/v1/%s/infer-services/%%7B%%7B%%20a%%2Fb%%20%%7D%%7D%%20100%%25" % DEMO, odd["service_id"], True)] * 2


def test_writes_are_not_counted_as_reads_and_log_copies_are_detached(sim):
    token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"})
    assert sim.counters == {"token": 0, "projects": 0, "list": 0, "details": 0}
    copied = sim.writes
    copied[0]["body"]["status"] = "running"
    copied.append({})
    assert len(sim.writes) == 1 and sim.writes[0]["body"] == {"status": "stopped"}
    sim.clear_writes()
    assert sim.writes == []


def test_write_log_over_the_admin_api(sim):
    token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"})
    token_write("DELETE", details_url(sim, RECALL_V2))
    listed = requests.get(sim.url + "/_sim/writes", timeout=10)
    assert listed.status_code == 200 and listed.json() == {"writes": sim.writes}
    assert [(e["method"], e["service_id"]) for e in listed.json()["writes"]] == [
        ("PATCH", RANK_PROD), ("DELETE", RECALL_V2)]
    assert requests.delete(sim.url + "/_sim/writes", timeout=10).json() == {"ok": True}
    assert sim.writes == []
    token_write("DELETE", details_url(sim, CANARY))
    assert requests.post(sim.url + "/_sim/reset", timeout=10).json() == {"ok": True}
    assert requests.get(sim.url + "/_sim/writes", timeout=10).json() == {"writes": []}


def test_unknown_methods_on_a_service_are_not_writes(sim):
    for method in ("PUT", "POST"):
        answer = requests.request(method, details_url(sim, RANK_PROD), headers={"X-Auth-Token": VALID_TOKEN},
                                  json={"status": "stopped"}, timeout=10)
        assert answer.status_code == 404 and answer.json()["error_code"] == "APIGW.0101"
    assert sim.writes == [] and sim.service(DEMO, RANK_PROD)["status"] == "running"


# ---- faults on writes -------------------------------------------------------------------------------
def test_write_refusals_with_the_given_code_and_status(sim):
    sim.add_fault("update", "http_error", status=403, error_code="RES.5502", error_msg="Operation not registered.")
    sim.add_fault("delete", "http_error", status=401, error_code="res.2301",
                  error_msg="Failed to resolve the token from the request.")
    refused = token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"})
    assert refused.status_code == 403 and refused.json() == {"is_success": False, "error_code": "RES.5502",
                                                             "error_msg": "Operation not registered."}
    unresolved = token_write("DELETE", details_url(sim, RANK_PROD))
    assert unresolved.status_code == 401 and unresolved.json()["error_code"] == "res.2301"
    assert sim.service(DEMO, RANK_PROD)["status"] == "running"
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}).json() == UPDATED
    assert [(e["method"], e["applied"], e["http_status"]) for e in sim.writes] == [
        ("PATCH", False, 403), ("DELETE", False, 401), ("PATCH", True, 200)]
    assert sim.faults_served == 2


def test_write_5xx_n_times_then_success(sim):
    sim.add_fault("delete", "http_error", times=2, status=503)
    sim.add_fault("update", "http_error", status=500, body_kind="gateway")
    statuses = [token_write("DELETE", details_url(sim, CANARY)).status_code for _attempt in range(3)]
    assert statuses == [503, 503, 200] and sim.service(DEMO, CANARY) is None
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}).json()["error_code"] == \
        "APIGW.0202"
    assert [(e["applied"], e["http_status"]) for e in sim.writes] == [
        (False, 503), (False, 503), (True, 200), (False, 500)]


def test_a_write_applied_whose_answer_is_lost(sim):
    sim.start_seconds = 0
    sim.add_fault("delete", "http_error", status=504, body_kind="gateway", apply=True)
    sim.add_fault("update", "http_error", status=502, body_kind="html", apply=True)
    lost = token_write("DELETE", details_url(sim, CANARY))
    assert lost.status_code == 504 and sim.service(DEMO, CANARY) is None
    assert token_write("DELETE", details_url(sim, CANARY)).json() == NOT_EXIST  # the retry finds it gone
    assert token_write("PATCH", details_url(sim, RECALL_V1), {"status": "running"}).status_code == 502
    assert sim.service(DEMO, RECALL_V1)["status"] == "running"
    # A write the backend would refuse stays refused: the fault only replaces the answer.
    sim.add_fault("update", "http_error", status=504, apply=True)
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}, "no-such-token").status_code == 504
    assert [(e["applied"], e["http_status"]) for e in sim.writes] == [
        (True, 504), (False, 404), (True, 502), (False, 504)]


def test_slow_writes(sim):
    sim.add_fault("update", "latency", seconds=0.3)
    started = time.monotonic()
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}).json() == UPDATED
    assert time.monotonic() - started >= 0.3
    assert sim.writes[0]["applied"] is True


def test_echo_fault_on_a_write_quotes_its_secrets(sim):
    sim.add_fault("update", "echo", status=400)
    sim.add_fault("delete", "echo", status=403, error_msg="Denied.")
    echoed = signed_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}, TEMP_AK, TEMP_SK,
                          TEMP_TOKEN).json()["error_msg"]
    assert TEMP_TOKEN in echoed and "Signature=" in echoed and '{"status": "stopped"}' in echoed
    denied = token_write("DELETE", details_url(sim, RANK_PROD))
    assert denied.status_code == 403 and denied.json()["error_msg"].startswith("Denied. request headers: ")
    assert VALID_TOKEN in denied.json()["error_msg"]
    assert sim.service(DEMO, RANK_PROD)["status"] == "running"
    logged = json.dumps(sim.writes)
    assert TEMP_TOKEN not in logged and VALID_TOKEN not in logged


def test_read_faults_leave_writes_alone_and_wildcards_reach_them(sim):
    sim.add_fault("details", "http_error", times=None, status=500)
    assert token_write("PATCH", details_url(sim, RANK_PROD), {"status": "stopped"}).json() == UPDATED
    sim.clear_faults()
    sim.add_fault("*", "http_error", status=503)
    assert token_write("DELETE", details_url(sim, RANK_PROD)).status_code == 503


def test_write_fault_validation(sim):
    for args, kwargs in ((("update", "latency"), {"apply": True}), (("details", "http_error"), {"apply": True}),
                         (("delete", "http_error"), {"apply": "yes"}), (("write", "http_error"), {})):
        with pytest.raises(ValueError):
            sim.add_fault(*args, **kwargs)
    assert sim.faults == []
    bad = requests.post(sim.url + "/_sim/faults", json={"endpoint": "list", "kind": "raw", "apply": True}, timeout=10)
    assert bad.status_code == 400 and "apply is for the write endpoints" in bad.json()["error"]
    sim.add_fault("delete", "raw", status=202, body={"is_success": True}, apply=False)
    assert sim.faults[0]["apply"] is False and sim.faults[0]["endpoint"] == "delete"


# ---- sample times relative to now -------------------------------------------------------------------
def _sample_service(project_id, service_id):
    project = next(p for p in SAMPLE["projects"] if p["id"] == project_id)
    return next(s for ws in project["workspaces"].values() for s in ws if s["service_id"] == service_id)


def test_sample_times_keep_their_distance_to_now(sim):
    loaded_at = simulator._now_ms()
    assert SAMPLE["recorded_at"] - 1000 <= loaded_at - sim.time_shift_ms <= SAMPLE["recorded_at"] + 60000
    served = {s["service_id"]: s for s in token_get(list_url(sim)).json()["services"]}
    for service_id in (RANK_PROD, RECALL_V2, RECALL_V1):
        raw = _sample_service(DEMO, service_id)
        for field in ("publish_time", "update_time"):
            assert served[service_id][field] == raw[field] + sim.time_shift_ms
    # What reads like a real estate: deploying for minutes, updated hours or days ago.
    deploying_minutes = (loaded_at - served[RECALL_V2]["update_time"]) // 60000
    assert 150 <= deploying_minutes <= 151
    coldstart = details(sim, "a9b859cf-cfab-416e-8d2d-4a13abf3eb05", EAST, "sim-token-cn-east-3-valid")
    assert 7 <= (loaded_at - coldstart["update_time"]) // 60000 <= 8
    assert (loaded_at - served[CANARY]["update_time"]) // 3600000 == 50
    # Token lives are not sample times: the expired token stays expired since 2020.
    assert token_get(list_url(sim), "sim-token-cn-north-4-expired").json()["error_msg"].endswith("2020-01-01T00:00:00.000000Z")


def test_data_without_recorded_at_is_served_as_written_and_a_bad_one_is_refused():
    data = {"domains": [{"name": "d", "users": []}],
            "auth_tokens": [{"token": "t", "project_id": "a" * 32, "expires_at": "2099-01-01T00:00:00Z"}],
            "projects": [{"id": "a" * 32, "name": "cn-north-4", "domain": "d", "workspaces": {"0": [
                {"service_name": "old", "publish_time": 1547866687137, "update_time": "yesterday"}]}}]}
    with ResSimulator(data=data) as fixed:
        (service,) = token_get(list_url(fixed, "a" * 32), "t").json()["services"]
        assert (service["publish_time"], service["update_time"], fixed.time_shift_ms) == (1547866687137, "yesterday", 0)
    data["recorded_at"] = 1547866687137 + 60000
    with ResSimulator(data=data) as relative:
        (service,) = token_get(list_url(relative, "a" * 32), "t").json()["services"]
        assert service["update_time"] == "yesterday"  # not a time: passed through unchanged
        assert 60000 <= simulator._now_ms() - service["publish_time"] <= 120000
    for recorded_at in ("2025-01-24", 1.5, True):
        with pytest.raises(ValueError):
            ResSimulator(data=dict(data, recorded_at=recorded_at))


def test_cli_refuses_a_negative_start_time():
    result = subprocess.run([sys.executable, str(SIMULATOR_SCRIPT), "--start-seconds", "-1"], capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 2 and "start_seconds must be 0 or more seconds" in result.stderr
