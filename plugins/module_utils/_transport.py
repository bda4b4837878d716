# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""HTTP transport: one requests session with retries, signing of what is sent, and failures as ResError.

Every request of the collection, to RES or to IAM, goes through Transport.send,
so retries, timeouts and the translation of transport and HTTP failures live
here and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import socket
import traceback
from collections import namedtuple
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils import _signer as signer
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError, api_error

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InvalidHeader, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout
    from urllib3.util.retry import Retry
except ImportError:
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
else:
    REQUESTS_IMPORT_ERROR = None

USER_AGENT = "hwc.res-ansible-collection"
RETRY_STATUSES = (429, 500, 502, 503, 504)
# A gateway may ask for a long pause; a playbook should rather fail and say so.
MAX_RETRY_AFTER_SECONDS = 60
BACKOFF_FACTOR = 0.5
BACKOFF_JITTER = 0.5

# What send hands back: the decoded JSON object and what the error messages need.
Reply = namedtuple("Reply", "payload status_code request_id headers")


class _BoundedRetry(Retry):
    """urllib3 retries, with a ceiling on Retry-After and tolerance of a malformed one."""

    def get_retry_after(self, response):
        try:
            seconds = super(_BoundedRetry, self).get_retry_after(response)
        except InvalidHeader:
            return None
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def _retry_policy(retries):
    settings = dict(
        total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
        # The only POST is the IAM token request; issuing a second token is harmless.
        allowed_methods=frozenset(["GET", "POST"]),
        status_forcelist=RETRY_STATUSES, backoff_factor=BACKOFF_FACTOR,
        raise_on_status=False, respect_retry_after_header=True,
    )
    try:
        return _BoundedRetry(backoff_jitter=BACKOFF_JITTER, **settings)
    except TypeError:  # urllib3 < 2 has no jitter
        return _BoundedRetry(**settings)


class Transport:
    """One requests session for a ConnectionConfig: retries, TLS settings, timeouts."""

    def __init__(self, config):
        if REQUESTS_IMPORT_ERROR:
            raise ResError("The Python library requests is required by hwc.res; install it with "
                           "'pip install requests' on the host that runs this task.")
        self.config = config
        self._session = requests.Session()
        adapter = HTTPAdapter(max_retries=_retry_policy(config.retries))
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers["User-Agent"] = USER_AGENT

    def close(self):
        self._session.close()

    def send(self, method, url, params=None, headers=None, json_body=None, sign=False):
        """Send one request (urllib3 retries underneath) and return its Reply.

        Raises ResError for transport failures, HTTP errors and bodies that are not a JSON object.
        """
        body = json.dumps(json_body).encode("utf-8") if json_body is not None else b""
        request = requests.Request(method, url, params=params, data=body or None, headers=dict(headers or {}))
        prepared = self._session.prepare_request(request)
        # Sign what is sent: the Host header is pinned to the value the signature covers.
        prepared.headers["Host"] = urlsplit(prepared.url).netloc
        prepared.headers["Content-Type"] = "application/json"
        if sign:
            prepared.headers.update(signer.sign_request(
                method, prepared.url, prepared.headers, self.config.access_key, self.config.secret_key, body))
        service = "IAM" if url.startswith(self.config.identity_endpoint) else "RES"
        try:
            response = self._session.send(prepared, timeout=self.config.timeout, verify=self.config.verify,
                                          allow_redirects=False)
        except requests.exceptions.RequestException as exc:
            raise ResError(_transport_failure(service, method, url, exc, self.config))
        reply = Reply(_json_object(response), response.status_code, response.headers.get("X-Request-Id"),
                      response.headers)
        if response.status_code >= 400 or reply.payload is None:
            raise api_error(service, method, url, reply, response)
        return reply


def _json_object(response):
    """The body as a dict, or None when it is not a JSON object."""
    try:
        payload = json.loads(response.content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _transport_failure(service, method, url, exc, config):
    target = "%s %s %s" % (service, method, url)
    retried = " after %d retries" % config.retries if config.retries else ""
    cause = _root_cause(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return ("%s failed TLS verification: %s. Set ca_path to the CA bundle that signs the endpoint "
                "(or validate_certs: false for a test endpoint)." % (target, _describe(cause)))
    # urllib3 wraps a read timeout that outlived the retries in a connection error, and counts a refused
    # connection as a kind of connect timeout: tell them apart by the root cause.
    refused = isinstance(cause, (NewConnectionError, ConnectionRefusedError))
    if not refused and (isinstance(exc, requests.exceptions.Timeout)
                        or isinstance(cause, (socket.timeout, TimeoutError, Urllib3Timeout))):
        return "%s got no answer within %d seconds%s (timeout)." % (target, config.timeout, retried)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "%s could not connect%s: %s." % (target, retried, _describe(cause))
    return "%s failed%s: %s." % (target, retried, _describe(cause))


def _root_cause(exc):
    """The innermost exception behind a requests/urllib3 exception."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in getattr(exc, "args", ()) if isinstance(arg, BaseException)), None)
        if inner is None:
            break
        exc = inner
    return exc


def _describe(exc):
    # urllib3 phrases it "<urllib3.connection.HTTPConnection object at 0x...>: Failed to establish ..."
    return re.sub(r"<[^>]+ object at 0x[0-9a-f]+>: ", "", str(exc))
