# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""HTTP transport: one requests session with retries, deadlines, size limits, signing, and failures as ResError.

Every request of the collection, to RES or to IAM, goes through Transport.send,
so retries, timeouts, the body size limit, the scrubbing of secrets from what
the server sends back and the translation of transport and HTTP failures live
here and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import socket
import threading
import time
import traceback
from collections import namedtuple
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils import _signer as signer
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError, api_error
from ansible_collections.hwc.res.plugins.module_utils._text import server_text

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import HTTPError as Urllib3Error
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
# The statuses whose Retry-After urllib3 honours.
RETRY_AFTER_STATUSES = (413, 429, 503)
# A gateway may ask for a long pause; a playbook should rather fail and say so.
MAX_RETRY_AFTER_SECONDS = 60
BACKOFF_FACTOR = 0.5
BACKOFF_JITTER = 0.5
# The largest body read, after decompression: about 250,000 services. A bigger one (a gzip bomb, an endless
# chunked answer) is refused rather than allowed to exhaust the memory of the host that runs the task.
MAX_BODY_BYTES = 100 * 1024 * 1024
# Compressed bytes decoded at a time: deflate expands at most about 1000-fold, so a chunk stays small.
READ_CHUNK_BYTES = 16 * 1024

# What send hands back: the decoded JSON object, the raw body, and what the error messages need.
Reply = namedtuple("Reply", "payload status_code request_id headers body")


class _BoundedRetry(Retry):
    """urllib3's retry policy, with a ceiling on Retry-After and tolerance of a malformed one."""

    def get_retry_after(self, response):
        try:
            seconds = super(_BoundedRetry, self).get_retry_after(response)
        except InvalidHeader:
            return None
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def _retry_policy(retries):
    settings = dict(
        total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
        # POST issues an IAM token (a second one is harmless); PATCH sets a status and DELETE removes a
        # service, both the same whether sent once or twice.
        allowed_methods=frozenset(["GET", "POST", "PATCH", "DELETE"]),
        status_forcelist=RETRY_STATUSES, backoff_factor=BACKOFF_FACTOR,
        raise_on_status=False, respect_retry_after_header=True,
    )
    try:
        return _BoundedRetry(backoff_jitter=BACKOFF_JITTER, **settings)
    except TypeError:  # urllib3 < 2 has no jitter
        return _BoundedRetry(**settings)


class Transport:
    """One requests session for a ConnectionConfig: retries, TLS settings, deadlines, size limit, scrubbing.

    ``redactor`` holds the secrets no message may show; the authenticator adds every token it uses,
    and every token IAM issues is added when it arrives. ``pool_size`` is how many requests may be
    under way at once (the orchestrator's workers), so that no connection is opened only to be dropped.
    """

    def __init__(self, config, redactor, pool_size=1):
        if REQUESTS_IMPORT_ERROR:
            raise ResError(REQUESTS_MISSING)
        self.config = config
        self.redactor = redactor
        self._retry = _retry_policy(config.retries)
        self._session = requests.Session()
        # urllib3 retries nothing itself: send() asks the policy, so that a deadline bounds every attempt and pause.
        adapter = HTTPAdapter(max_retries=Retry(0, read=False, redirect=False, raise_on_status=False),
                              pool_maxsize=max(1, pool_size))
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers["User-Agent"] = USER_AGENT

    def close(self):
        self._session.close()

    def send(self, api, method, url, params=None, headers=None, json_body=None, sign=False, deadline=None):
        """Send one request to ``api`` (RES or IAM, as messages name it) and return its Reply.

        Failed attempts are retried as urllib3's Retry policy says (transport errors, 429 and 5xx, with
        Retry-After honoured up to a minute). ``deadline`` (a time.monotonic() value, or None) ends every
        attempt, pause and body read that would outlast it. Raises ResError for transport failures, HTTP
        errors, redirects, bodies that are too big, too slow, nested too deeply or not a JSON object.
        Nothing the server sent reaches a message unredacted.
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
        target = "%s %s %s" % (api, method, urlsplit(url).path)
        retry = self._retry
        while True:
            timeout = _request_timeout(target, self.config.timeout, deadline)
            try:
                response = self._session.send(prepared, timeout=timeout, verify=self.config.verify,
                                              allow_redirects=False, stream=True)
            except requests.exceptions.RequestException as exc:
                retry = self._after_failed_attempt(retry, method, url, exc, deadline)
                if retry is None:
                    raise ResError(self._transport_failure("%s %s %s" % (api, method, url), exc, timeout))
                continue
            # An issued token is a secret from the moment it arrives, whatever happens next.
            self.redactor.add(response.headers.get("X-Subject-Token"))
            retry_after = retry.get_retry_after(response.raw) if response.status_code in RETRY_AFTER_STATUSES else None
            if retry.is_retry(method, response.status_code, has_retry_after=retry_after is not None):
                again = self._after_failed_attempt(retry, method, url, None, deadline, response.raw, retry_after)
                if again is not None:
                    response.close()
                    retry = again
                    continue
            try:
                return self._reply(api, method, url, target, response, timeout)
            except ResError as error:
                error.retried = bool(retry.history)
                raise

    def _after_failed_attempt(self, retry, method, url, exc, deadline, response=None, retry_after=None):
        """The Retry for the next attempt, after its pause; None when the policy or the deadline says stop."""
        try:
            retry = retry.increment(method, url, response=response, error=_urllib3_error(exc))
        except Exception:  # pylint: disable=broad-exception-caught  # MaxRetryError, or the error: not retried
            return None
        pause = retry_after if retry_after is not None else retry.get_backoff_time()
        if deadline is not None and time.monotonic() + pause >= deadline:
            return None
        time.sleep(pause)
        return retry

    def _reply(self, api, method, url, target, response, timeout):
        """The final answer to a request as a Reply, or the ResError it amounts to."""
        try:
            content = self._read_body(response, target, timeout)
        finally:
            response.close()
        request_id = self.redactor(response.headers.get("X-Request-Id"))
        if response.is_redirect or 300 <= response.status_code < 400:
            raise ResError("%s was redirected with HTTP %d to %s; hwc.res follows no redirect: set the endpoint "
                           "to the URL that answers." % (target, response.status_code, server_text(
                               response.headers.get("Location") or "(no Location header)", self.redactor)),
                           status_code=response.status_code, request_id=request_id)
        reply = Reply(_json_object(content, target, response.status_code), response.status_code, request_id,
                      response.headers, content)
        if response.status_code >= 400 or reply.payload is None:
            raise api_error(api, method, url, reply, response, self.redactor)
        return reply

    def _read_body(self, response, target, timeout):
        """The decoded body, read in chunks: whole within ``timeout`` seconds, and at most MAX_BODY_BYTES.

        The read timeout of urllib3 applies to each read of the socket, so a server that sends one
        byte a second would hold the task for as long as it likes: a watchdog shuts the socket at the
        deadline.
        """
        connection = getattr(response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        expired = threading.Event()

        def cut_off():
            expired.set()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        watchdog = threading.Timer(timeout, cut_off) if sock is not None else None
        chunks, size = [], 0
        try:
            if watchdog is not None:
                watchdog.daemon = True
                watchdog.start()
            for chunk in response.raw.stream(READ_CHUNK_BYTES, decode_content=True):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise ResError("%s answered HTTP %d with a body larger than %d MiB once decompressed; hwc.res "
                                   "reads no more than that." % (target, response.status_code,
                                                                 MAX_BODY_BYTES // (1024 * 1024)),
                                   status_code=response.status_code)
                chunks.append(chunk)
        except (Urllib3Error, requests.exceptions.RequestException, OSError) as exc:
            if not expired.is_set():
                raise ResError("%s answered HTTP %d but its body could not be read: %s." % (
                    target, response.status_code, server_text(_describe(_root_cause(exc)), self.redactor)),
                    status_code=response.status_code)
        finally:
            if watchdog is not None:
                watchdog.cancel()
        if expired.is_set():
            raise ResError("%s sent no complete answer within %s seconds (timeout): its body was still arriving."
                           % (target, _seconds(timeout)), status_code=response.status_code)
        return b"".join(chunks)

    def _transport_failure(self, target, exc, timeout):
        retried = " after %d retries" % self.config.retries if self.config.retries else ""
        cause = _root_cause(exc)
        described = server_text(_describe(cause), self.redactor)
        if isinstance(exc, requests.exceptions.SSLError):
            return ("%s failed TLS verification: %s. Set ca_path to the CA bundle that signs the endpoint "
                    "(or validate_certs: false for a test endpoint)." % (target, described))
        # urllib3 wraps a read timeout that outlived the retries in a connection error, and counts a refused
        # connection as a kind of connect timeout: tell them apart by the root cause.
        refused = isinstance(cause, (NewConnectionError, ConnectionRefusedError))
        if not refused and (isinstance(exc, requests.exceptions.Timeout)
                            or isinstance(cause, (socket.timeout, TimeoutError, Urllib3Timeout))):
            return "%s got no answer within %s seconds%s (timeout)." % (target, _seconds(timeout), retried)
        if isinstance(exc, requests.exceptions.ConnectionError):
            return "%s could not connect%s: %s." % (target, retried, described)
        return "%s failed%s: %s." % (target, retried, described)


REQUESTS_MISSING = ("The Python library requests is required by hwc.res; install it with 'pip install requests' "
                    "on the host that runs this task.")


def _request_timeout(target, timeout, deadline):
    """``timeout``, or less when the deadline is nearer; a passed deadline ends the request unsent."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise ResError("%s was not sent: the time allowed has run out." % target)
    return min(timeout, left)


def _urllib3_error(exc):
    """The urllib3 error inside a requests exception, which urllib3's Retry knows how to judge."""
    if exc is None:
        return None
    inner = exc.args[0] if exc.args else None
    inner = getattr(inner, "reason", inner)  # MaxRetryError wraps the cause
    return inner if isinstance(inner, Exception) else exc


def _seconds(value):
    return "%d" % value if value == int(value) else "%.1f" % value


def _json_object(content, target, status_code):
    """The body as a dict, or None when it is not a JSON object.

    NaN and Infinity, which Python's parser accepts but JSON does not have, become null; an integer
    too long for Python to convert stays its text, for normalization to judge.
    """
    try:
        payload = json.loads(content.decode("utf-8"), parse_constant=lambda _name: None, parse_int=_whole_number)
    except RecursionError:
        raise ResError("%s answered HTTP %d with a JSON body nested too deeply to parse." % (target, status_code),
                       status_code=status_code)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


# Python refuses to convert integers of more digits than this (CVE-2020-10735); keep well below.
_MAX_INTEGER_DIGITS = 4000


def _whole_number(text):
    return int(text) if len(text) <= _MAX_INTEGER_DIGITS else text


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
