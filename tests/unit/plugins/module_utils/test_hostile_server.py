# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client against a server it cannot trust: echoed secrets, slow or endless or huge bodies, odd JSON,
redirects and every error shape Huawei's SDK reads."""

import re
import time

import pytest

from ansible_collections.hwc.res.plugins.module_utils import _transport
from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError

PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
PASSWORD = {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain"}
TOKEN = {"auth_token": "sim-token-cn-north-4-valid", "project_id": PROJECT_ID}


def client(sim, credentials=None, **options):
    settings = {"endpoint": sim.url, "identity_endpoint": sim.url + "/v3", "retries": 0, "timeout": 5}
    settings.update(credentials or TOKEN)
    settings.update(options)
    return ResClient(ConnectionConfig(settings))


def failure(sim, credentials=None, **options):
    with pytest.raises(ResError) as caught:
        with client(sim, credentials, **options) as res:
            res.list_services()
    return caught.value


def test_an_echoed_password_is_redacted_from_message_and_result(sim):
    sim.add_fault("token", "echo", status=400, error_msg="Bad body.")
    error = failure(sim, PASSWORD)
    for text in (error.message, error.error_msg):
        assert "Demo-Passw0rd!" not in text
        assert '"password": "<redacted>"' in text
    assert "IAM POST /v3/auth/tokens failed with HTTP 400" in error.message


def test_an_echoed_issued_token_is_redacted(sim):
    sim.add_fault("list", "echo", status=401)
    error = failure(sim, PASSWORD)
    assert "X-Auth-Token: <redacted>" in error.message and "MIISsim" not in error.message + error.error_msg


def test_an_echoed_pre_issued_token_and_security_token_are_redacted(sim):
    sim.add_fault("list", "echo", status=401)
    assert "sim-token-cn-north-4-valid" not in failure(sim).message
    sim.add_fault("list", "echo", status=401)
    error = failure(sim, {"access_key": "SIMDEMOAK0TEMPORARY1", "project_id": PROJECT_ID,
                          "secret_key": "SimDemoSecretKey0Temporary0000000000000001",
                          "security_token": "SimDemoSecurityToken-gQpzLWNuLW5vcnRoLTQtdGVtcG9yYXJ5LWNyZWRlbnRpYWw"})
    assert "SimDemoSecurityToken" not in error.message and "X-Security-Token: <redacted>" in error.message


def test_an_echoed_signature_is_redacted(sim):
    # A signature authorizes its request for the gateway's 15 minutes of X-Sdk-Date: an echo must not replay it.
    sim.add_fault("list", "echo", status=400)
    error = failure(sim, {"access_key": "SIMDEMOAK0PERMANENT1", "project_id": PROJECT_ID,
                          "secret_key": "SimDemoSecretKey0Permanent0000000000000001"})
    for text in (error.message, error.error_msg):
        assert "Access=SIMDEMOAK0PERMANENT1, SignedHeaders=" in text and "Signature=<redacted>" in text
        assert not re.search("[0-9a-f]{64}", text)


def test_control_characters_of_error_text_are_escaped(sim):
    sim.add_fault("list", "http_error", status=400, error_code="RES.\x07", error_msg="\x1b[2JInvalid.\r\nFake line")
    error = failure(sim)
    assert "RES.\\x07: \\x1b[2JInvalid.\\x0d\\x0aFake line." in error.message
    assert "\x1b" not in error.message and "\n" not in error.message


def test_a_project_id_iam_returns_is_checked_before_it_goes_into_a_header(sim):
    sim.add_fault("token", "raw", status=201, headers={"X-Subject-Token": "MIISsim-token"},
                  body={"token": {"project": {"id": u"pröject\nX-Injected: 1"},
                                  "expires_at": "2099-01-01T00:00:00.000000Z"}})
    error = failure(sim, PASSWORD)
    assert error.message.startswith("token.project.id of the token IAM issued holds a blank, a control or a "
                                    "non-ASCII character")


def test_timeout_bounds_a_body_that_drips(sim):
    sim.add_fault("list", "drip", seconds_per_byte=0.2)
    started = time.monotonic()
    error = failure(sim, timeout=1)
    assert time.monotonic() - started < 4
    assert error.message == ("RES GET /v1/%s/infer-services sent no complete answer within 1 seconds (timeout): "
                             "its body was still arriving." % PROJECT_ID)


def test_a_gzip_bomb_is_refused_past_the_size_limit(sim):
    sim.add_fault("list", "gzip_bomb", decoded_mib=110)
    error = failure(sim)
    assert error.message == ("RES GET /v1/%s/infer-services answered HTTP 200 with a body larger than 100 MiB once "
                             "decompressed; hwc.res reads no more than that." % PROJECT_ID)


def test_an_endless_chunked_body_ends_at_the_size_limit_or_the_timeout(sim, monkeypatch):
    monkeypatch.setattr(_transport, "MAX_BODY_BYTES", 2 * 1024 * 1024)
    sim.add_fault("list", "endless_chunked")
    assert "with a body larger than 2 MiB" in failure(sim).message
    sim.add_fault("list", "endless_chunked", interval=0.1)
    assert "sent no complete answer within 1 seconds" in failure(sim, timeout=1).message


def test_json_nested_too_deep_to_parse_is_a_clear_error(sim):
    sim.add_fault("list", "raw", body="[" * 100000 + "]" * 100000)
    error = failure(sim)
    assert error.message == ("RES GET /v1/%s/infer-services answered HTTP 200 with a JSON body nested too deeply "
                             "to parse." % PROJECT_ID)


def test_nan_infinity_and_overlong_integers_do_not_fail_the_parse(sim):
    digits = "9" * 5000
    body = ('{"is_success": true, "services": [{"service_id": "a", "service_name": "n", "invocation_times": NaN, '
            '"failed_times": -Infinity, "publish_time": %s}]}' % digits)
    sim.add_fault("list", "raw", body=body)
    with client(sim) as res:
        [service] = res.list_services()
    assert service["invocation_times"] is None and service["failed_times"] is None
    assert service["publish_time"] == digits


def test_a_redirect_is_an_error_naming_status_and_location(sim):
    sim.add_fault("list", "raw", status=302, headers={"Location": "https://elsewhere.example.com/\x1b[0m"},
                  body={"is_success": True, "services": []})
    error = failure(sim)
    assert error.message == ("RES GET /v1/%s/infer-services was redirected with HTTP 302 to "
                             "https://elsewhere.example.com/\\x1b[0m; hwc.res follows no redirect: set the endpoint "
                             "to the URL that answers." % PROJECT_ID)
    assert error.status_code == 302


@pytest.mark.parametrize("body, code, text", [
    ({"error_code": "RES.4001", "error_msg": "Bad workspace."}, "RES.4001", "Bad workspace."),
    ({"errorCode": "RES.4003", "errorMsg": "Camel case."}, "RES.4003", "Camel case."),
    ({"code": "RES.4002", "message": "Plain code and message."}, "RES.4002", "Plain code and message."),
    ({"error": {"code": "403", "message": "Denied.", "title": "Forbidden"}}, "403", "Denied."),
    ({"details": {"errorCode": "RES.4004", "errorMsg": "Nested camel."}}, "RES.4004", "Nested camel."),
])
def test_every_error_shape_of_huaweis_sdk_is_read(sim, body, code, text):
    sim.add_fault("list", "raw", status=400, body=body)
    error = failure(sim)
    assert (error.error_code, error.error_msg) == (code, text)
    assert "failed with HTTP 400 Bad Request: %s: %s." % (code, text.rstrip(".")) in error.message


def test_the_encoded_authorization_message_is_kept(sim):
    sim.add_fault("list", "raw", status=403, body={"error_code": "IAM.0002", "error_msg": "Forbidden.",
                                                   "encoded_authorization_message": "4Lq6aW8...encoded"})
    error = failure(sim)
    assert error.encoded_authorization_message == "4Lq6aW8...encoded"
    assert error.to_result()["encoded_authorization_message"] == "4Lq6aW8...encoded"
    assert "Encoded authorization message (decode it with IAM's decode API): 4Lq6aW8...encoded." in error.message


def test_a_reason_phrase_echoing_the_token_is_redacted(sim):
    sim.add_fault("list", "raw", status=401, reason="Unauthorized sim-token-cn-north-4-valid",
                  body={"error_code": "APIGW.0301", "error_msg": "Denied."})
    assert "HTTP 401 Unauthorized <redacted>: APIGW.0301: Denied." in failure(sim).message


def test_warnings_and_errors_about_odd_values_never_quote_a_secret(sim):
    sim.add_fault("list", "raw", body={"is_success": True, "services": [
        {"service_id": "a", "service_name": "res-a", "status": "running", "invocation_times": "Demo-Passw0rd!",
         "failed_times": "0", "is_shared": "MIISsim-issued"}]})
    with client(sim, PASSWORD) as res:
        res._transport.redactor.add("MIISsim-issued")
        _services, warnings = res.find_services()
    assert warnings and not [warning for warning in warnings if "Demo-Passw0rd!" in warning or "MIISsim" in warning]
    sim.add_fault("list", "raw", body={"is_success": True, "services": ["Demo-Passw0rd!"]})
    with pytest.raises(ResError) as caught:
        with client(sim, PASSWORD) as res:
            res.find_services()
    assert "not an object: '<redacted>'" in caught.value.message


def test_details_are_api_data_too_deep_flows_and_lone_surrogates_are_made_safe(sim):
    flows = "bottom"
    for _level in range(900):
        flows = [flows]
    sim.add_fault("details", "raw", body={"is_success": True, "service": {
        "access_address": u"https://res.example.com/\ud800", "flows": flows}})
    with client(sim) as res:
        services, warnings = res.find_services()
        warnings += res.add_details(services)
        service = services[0]
    assert service["flows"] is None and service["access_address"] == u"https://res.example.com/\ufffd"
    assert any("flows is nested more than 32 levels deep" in warning for warning in warnings)
    assert any("access_address has a lone surrogate" in warning for warning in warnings)


def test_details_of_another_service_are_refused(sim):
    sim.add_fault("details", "raw", body={"is_success": True, "service": {
        "service_id": "another-service", "access_address": "https://res.example.com/another"}})
    with pytest.raises(ResError) as caught:
        with client(sim) as res:
            res.add_details(res.find_services()[0])
    assert "with those of another service, another-service" in caught.value.message
