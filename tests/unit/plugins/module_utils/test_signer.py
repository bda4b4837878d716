# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from datetime import datetime, timezone

import pytest

from ansible_collections.hwc.res.plugins.module_utils import _signer as signer

VECTOR_URL = ("https://res.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/infer-services"
              "?workspace_id=0")
VECTOR_HEADERS = {
    "X-Sdk-Date": "20240101T000000Z",
    "Content-Type": "application/json",
    "X-Project-Id": "0123456789abcdef0123456789abcdef",
}


def test_published_test_vector():
    added = signer.sign_request("GET", VECTOR_URL, VECTOR_HEADERS, "AKTESTAKTEST", "SKSECRETSKSECRET")
    assert added == {"Authorization": (
        "SDK-HMAC-SHA256 Access=AKTESTAKTEST, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=ba6630caeb9bf27d422c86ad883b5123e0284edeb14deb4d2736a4e8b920bcdc")}


@pytest.mark.parametrize("change", [
    {"url": VECTOR_URL.replace("workspace_id=0", "workspace_id=1")},
    {"url": VECTOR_URL.replace("res.cn-north-4", "res.cn-east-3")},
    {"secret": "SKSECRETSKSECRET2"},
    {"headers": dict(VECTOR_HEADERS, **{"X-Sdk-Date": "20240101T000001Z"})},
    {"method": "POST"},
    {"body": b"{}"},
])
def test_every_signed_part_changes_the_signature(change):
    reference = signer.sign_request("GET", VECTOR_URL, VECTOR_HEADERS, "AK", "SK")["Authorization"]
    changed = signer.sign_request(change.get("method", "GET"), change.get("url", VECTOR_URL),
                                  change.get("headers", VECTOR_HEADERS), "AK", change.get("secret", "SK"),
                                  body=change.get("body", b""))["Authorization"]
    assert changed != reference


def test_date_header_is_added_when_missing():
    now = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    added = signer.sign_request("GET", VECTOR_URL, {"Content-Type": "application/json"}, "AK", "SK", now=now)
    assert added["X-Sdk-Date"] == "20240506T070809Z"
    assert "SignedHeaders=content-type;host;x-sdk-date," in added["Authorization"]


def test_security_token_is_signed_when_sent():
    headers = dict(VECTOR_HEADERS, **{"X-Security-Token": "temporary"})
    added = signer.sign_request("GET", VECTOR_URL, headers, "AK", "SK")
    assert "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token," in added["Authorization"]


def test_unsigned_headers_do_not_matter():
    plain = signer.sign_request("GET", VECTOR_URL, VECTOR_HEADERS, "AK", "SK")
    with_agent = signer.sign_request("GET", VECTOR_URL, dict(VECTOR_HEADERS, **{"User-Agent": "x"}), "AK", "SK")
    assert plain == with_agent


@pytest.mark.parametrize("path, expected", [
    ("/v1/abc/infer-services", "/v1/abc/infer-services/"),
    ("/v1/abc/infer-services/", "/v1/abc/infer-services/"),
    ("/v1/a b/~x", "/v1/a%20b/~x/"),
    ("/", "/"),
])
def test_canonical_uri(path, expected):
    assert signer.canonical_uri(path) == expected


def test_canonical_query_sorts_by_key_then_value_and_encodes_spaces():
    pairs = [("b", "2"), ("a", "z y"), ("a", "x"), ("c", "~*")]
    assert signer.canonical_query(pairs) == "a=x&a=z%20y&b=2&c=~%2A"
    assert signer.canonical_query([]) == ""
