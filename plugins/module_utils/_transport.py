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

from __future__ import annotations

import functools
import json
import re
import socket
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any, List, Mapping, NamedTuple, Optional, Set, Union, cast
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import Answer, ResError, api_error
from ansible_collections.hwc.res.plugins.module_utils._text import Redactor, server_text
from ansible_collections.hwc.res.plugins.module_utils._types import JSONObject

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import HTTPError as Urllib3Error
    from urllib3.exceptions import InvalidHeader, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout
    from urllib3.util.retry import Retry
except ImportError:
    REQUESTS_IMPORT_ERROR: Optional[str] = traceback.format_exc()
    # _BoundedRetry below still needs a base for this module to import; Transport() then says requests is missing.
    Retry = object  # type: ignore[assignment,misc]  # a stand-in class, never instantiated
else:
    REQUESTS_IMPORT_ERROR = None

if TYPE_CHECKING:
    from urllib3.response import BaseHTTPResponse

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


class Reply(NamedTuple):
    """What send hands back: the decoded JSON object, the raw body, and what the error messages need."""

    payload: JSONObject
    status_code: int
    request_id: Optional[str]
    headers: Mapping[str, str]
    body: bytes


class _BoundedRetry(Retry):
    """urllib3's retry policy, with a ceiling on Retry-After and tolerance of a malformed one."""

    def get_retry_after(self, response: BaseHTTPResponse) -> Optional[float]:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:
            return None
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def _retry_policy(retries: int) -> Retry:
    policy = functools.partial(
        _BoundedRetry,
        total=retries, connect=retries, read=retries, status=retries, other=0, redirect=0,
        # POST issues an IAM token (a second one is harmless); PATCH sets a status and DELETE removes a
        # service, both the same whether sent once or twice.
        allowed_methods=frozenset(["GET", "POST", "PATCH", "DELETE"]),
        status_forcelist=RETRY_STATUSES, backoff_factor=BACKOFF_FACTOR,
        raise_on_status=False, respect_retry_after_header=True,
    )
    try:
        return policy(backoff_jitter=BACKOFF_JITTER)
    except TypeError:  # urllib3 < 2 has no jitter
        return policy()


class Transport:
    """One requests session for a ConnectionConfig: retries, TLS settings, deadlines, size limit, scrubbing.

    ``redactor`` holds the secrets no message may show; the authenticator adds every token it uses,
    and every token IAM issues is added when it arrives. ``pool_size`` is how many requests may be
    under way at once (the orchestrator's workers), so that no connection is opened only to be dropped.
    """

    def __init__(self, config: ConnectionConfig, redactor: Redactor, pool_size: int = 1) -> None:
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

    def close(self) -> None:
        self._session.close()

    def send(self, api: str, method: str, url: str, params: Optional[Mapping[str, str]] = None,
             headers: Optional[Mapping[str, str]] = None, json_body: Optional[JSONObject] = None, sign: bool = False,
             deadline: Optional[float] = None) -> Reply:
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
        prepared_url = cast(str, prepared.url)  # prepare_request always sets it
        # Sign what is sent: the Host header is pinned to the value the signature covers.
        prepared.headers["Host"] = urlsplit(prepared_url).netloc
        prepared.headers["Content-Type"] = "application/json"
        if sign:
            # Imported here: a run with a password or a token never signs, so its module does not load the signer.
            from ansible_collections.hwc.res.plugins.module_utils._signer import sign_request

            # Both keys are set whenever the auth method is aksk, the one that signs.
            prepared.headers.update(sign_request(method, prepared_url, prepared.headers,
                                                 cast(str, self.config.access_key),
                                                 cast(str, self.config.secret_key), body))
        target = "%s %s %s" % (api, method, urlsplit(url).path)
        retry = self._retry
        while True:
            timeout = _request_timeout(target, self.config.timeout, deadline)
            try:
                response = self._session.send(prepared, timeout=timeout, verify=self.config.verify,
                                              allow_redirects=False, stream=True)
            except requests.exceptions.RequestException as exc:
                again = self._after_failed_attempt(retry, method, url, exc, deadline)
                if again is None:
                    raise ResError(self._transport_failure("%s %s %s" % (api, method, url), exc, timeout))
                retry = again
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

    def _after_failed_attempt(self, retry: Retry, method: str, url: str, exc: Optional[requests.RequestException],
                              deadline: Optional[float], response: Optional[BaseHTTPResponse] = None,
                              retry_after: Optional[float] = None) -> Optional[Retry]:
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

    def _reply(self, api: str, method: str, url: str, target: str, response: requests.Response,
               timeout: float) -> Reply:
        """The final answer to a request as a Reply, or the ResError it amounts to."""
        try:
            content = self._read_body(response, target, timeout)
        finally:
            response.close()
        request_id: Optional[str] = self.redactor(response.headers.get("X-Request-Id"))
        if response.is_redirect or 300 <= response.status_code < 400:
            raise ResError("%s was redirected with HTTP %d to %s; hwc.res follows no redirect: set the endpoint "
                           "to the URL that answers." % (target, response.status_code, server_text(
                               response.headers.get("Location") or "(no Location header)", self.redactor)),
                           status_code=response.status_code, request_id=request_id)
        payload = _json_object(content, target, response.status_code)
        if response.status_code >= 400 or payload is None:
            raise api_error(api, method, url, Answer(payload, response.status_code, request_id, content), self.redactor,
                            response.reason)
        return Reply(payload, response.status_code, request_id, response.headers, content)

    def _read_body(self, response: requests.Response, target: str, timeout: float) -> bytes:
        """The decoded body, read in chunks: whole within ``timeout`` seconds, and at most MAX_BODY_BYTES.

        The read timeout of urllib3 applies to each read of the socket, so a server that sends one
        byte a second would hold the task for as long as it likes: a watchdog shuts the socket at the
        deadline.
        """
        connection = getattr(response.raw, "connection", None)
        sock: Any = getattr(connection, "sock", None)  # urllib3's socket, when the response has one
        expired = threading.Event()

        def cut_off() -> None:
            expired.set()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        watchdog = threading.Timer(timeout, cut_off) if sock is not None else None
        chunks: List[bytes] = []
        size = 0
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

    def _transport_failure(self, target: str, exc: requests.RequestException, timeout: float) -> str:
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


def _request_timeout(target: str, timeout: float, deadline: Optional[float]) -> float:
    """``timeout``, or less when the deadline is nearer; a passed deadline ends the request unsent."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise ResError("%s was not sent: the time allowed has run out." % target)
    return min(timeout, left)


def _urllib3_error(exc: Optional[requests.RequestException]) -> Optional[Exception]:
    """The urllib3 error inside a requests exception, which urllib3's Retry knows how to judge."""
    if exc is None:
        return None
    inner = exc.args[0] if exc.args else None
    inner = getattr(inner, "reason", inner)  # MaxRetryError wraps the cause
    return inner if isinstance(inner, Exception) else exc


def _seconds(value: float) -> str:
    return "%d" % value if value == int(value) else "%.1f" % value


def _json_object(content: bytes, target: str, status_code: int) -> Optional[JSONObject]:
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


def _whole_number(text: str) -> Union[int, str]:
    return int(text) if len(text) <= _MAX_INTEGER_DIGITS else text


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception behind a requests/urllib3 exception."""
    seen: Set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in getattr(exc, "args", ()) if isinstance(arg, BaseException)), None)
        if inner is None:
            break
        exc = inner
    return exc


def _describe(exc: BaseException) -> str:
    # urllib3 phrases it "<urllib3.connection.HTTPConnection object at 0x...>: Failed to establish ..."
    return re.sub(r"<[^>]+ object at 0x[0-9a-f]+>: ", "", str(exc))
