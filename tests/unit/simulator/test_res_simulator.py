# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the IAM/RES simulator itself: the other tests trust it to behave like the cloud."""

from __future__ import annotations

import gzip
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

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


signer = _load("hwc_res_test_signer", ROOT / "plugins" / "module_utils" / "_signer.py")
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
                                         signer.EMPTY_BODY_SHA256)
    signature = signer.signature(SK, signer.string_to_sign(date, canonical))
    headers = {"X-Sdk-Date": date,
               "Authorization": "SDK-HMAC-SHA256 Access=%s, SignedHeaders=x-sdk-date, Signature=%s" % (AK, signature)}
    assert_gateway_401(requests.get(url, headers=headers, timeout=10),
                       IAM + "signed headers must include host and x-sdk-date")
    malformed = requests.get(url, headers={"Authorization": "SDK-HMAC-SHA256 garbage"}, timeout=10)
    assert_gateway_401(malformed, IAM + "malformed SDK-HMAC-SHA256 authorization header")


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
