# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection.

It owns endpoints, the three ways to authenticate, request signing, retries,
response validation and error translation. It knows nothing of Ansible's
module or plugin classes: every failure is a ResError, and the adapters turn
that into their own kind of error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
import socket
import threading
import traceback
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlsplit

from ansible_collections.hwc.res.plugins.module_utils import signer
from ansible_collections.hwc.res.plugins.module_utils.errors import ResError
from ansible_collections.hwc.res.plugins.module_utils.options import CONNECTION_OPTIONS
from ansible_collections.hwc.res.plugins.module_utils.services import ServiceFilter, normalize_services

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
# Reuse a cached IAM token only while it has at least this much life left.
TOKEN_MIN_REMAINING = timedelta(minutes=5)
BODY_EXCERPT_CHARS = 200

# What _send hands back: the decoded JSON object and what the error messages need.
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


class ConnectionConfig:
    """Validated connection options: endpoints, credentials and transport settings."""

    def __init__(self, options):
        def text(name):
            value = options.get(name)
            return value.strip() if isinstance(value, str) and value.strip() else None

        self.region = text("region") or CONNECTION_OPTIONS["region"]["default"]
        self.cloud = text("cloud") or CONNECTION_OPTIONS["cloud"]["default"]
        self.endpoint = _base_url("endpoint", text("endpoint") or "https://res.%s.%s" % (self.region, self.cloud))
        self.identity_endpoint = _base_url(
            "identity_endpoint", text("identity_endpoint") or "https://iam.%s.%s/v3" % (self.region, self.cloud))
        self.project_id = text("project_id")
        self.project_name = text("project_name") or self.region
        self.workspace_id = text("workspace_id") or CONNECTION_OPTIONS["workspace_id"]["default"]
        self.access_key = text("access_key")
        self.secret_key = text("secret_key")
        self.security_token = text("security_token")
        self.auth_token = text("auth_token")
        self.user = text("user")
        self.password = options.get("password") or None  # a password may start or end with blanks
        self.domain = text("domain")
        self.validate_certs = options.get("validate_certs") is not False
        self.ca_path = text("ca_path")
        self.timeout = _number(options, "timeout", minimum=1)
        self.retries = _number(options, "retries", minimum=0)
        self.auth_method = self._choose_auth_method()

    def _choose_auth_method(self):
        if self.auth_token:
            if not self.project_id:
                raise ResError("project_id (HW_PROJECT_ID) is required with auth_token: a pre-issued token "
                               "does not say which project it is scoped to.")
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                given, missing = ("access_key", "secret_key") if self.access_key else ("secret_key", "access_key")
                raise ResError("%s is set but %s (%s) is not: AK/SK signing needs both." % (
                    given, missing, CONNECTION_OPTIONS[missing]["env"][0]))
            return "aksk"
        if self.security_token:
            raise ResError("security_token is set without access_key and secret_key: a security token only "
                           "goes with temporary AK/SK credentials.")
        password_options = ("user", "password", "domain")
        given = [name for name in password_options if getattr(self, name)]
        if given:
            missing = [name for name in password_options if name not in given]
            if missing:
                raise ResError("IAM password authentication needs user, password and domain; missing: %s." % ", ".join(
                    "%s (%s)" % (name, CONNECTION_OPTIONS[name]["env"][0]) for name in missing))
            return "password"
        raise ResError("No credentials were given. Set auth_token (HW_AUTH_TOKEN); or access_key and secret_key "
                       "(HW_ACCESS_KEY, HW_SECRET_KEY); or user, password and domain "
                       "(HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME).")

    @property
    def verify(self):
        if not self.validate_certs:
            return False
        return self.ca_path or True


def _base_url(option, value):
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ResError("%s must be an http:// or https:// URL, got %r." % (option, value))
    if parts.query or parts.fragment:
        raise ResError("%s must not carry a query or fragment, got %r." % (option, value))
    return value.rstrip("/")


def _number(options, name, minimum):
    value = options.get(name)
    if value is None:
        return CONNECTION_OPTIONS[name]["default"]
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResError("%s must be a whole number, got %r." % (name, value))
    if number < minimum:
        raise ResError("%s must be at least %d, got %d." % (name, minimum, number))
    return number


# IAM tokens and project IDs outlive one client: a lookup called many times in
# one playbook run, or an inventory reading several projects, asks IAM once per
# credential set and scope. Keys hold a digest of the password, never the password.
_token_cache = {}
_project_id_cache = {}
_key_locks = {}
_cache_lock = threading.Lock()


def _key_lock(key):
    with _cache_lock:
        return _key_locks.setdefault(key, threading.Lock())


def _digest(*parts):
    return hashlib.sha256("\0".join(part or "" for part in parts).encode("utf-8")).hexdigest()


def clear_caches():
    """Forget cached IAM tokens and project IDs (tests, and long-lived processes)."""
    with _cache_lock:
        _token_cache.clear()
        _project_id_cache.clear()
        _key_locks.clear()


class ResClient:
    """Talk to RES (and IAM, for tokens and project IDs) with one requests session."""

    def __init__(self, config):
        if REQUESTS_IMPORT_ERROR:
            raise ResError("The Python library requests is required by hwc.res; install it with "
                           "'pip install requests' on the host that runs this task.")
        self.config = config
        self._project_id = config.project_id
        self._session = requests.Session()
        adapter = HTTPAdapter(max_retries=_retry_policy(config.retries))
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers["User-Agent"] = USER_AGENT

    def close(self):
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- RES ----------------------------------------------------------------

    @property
    def project_id(self):
        """The project the client reads, derived from IAM when not configured."""
        if not self._project_id:
            if self.config.auth_method == "password":
                self._project_id = self._password_token()[1]
            else:
                self._project_id = self._project_id_by_name()
        return self._project_id

    def list_services(self):
        """The raw service list of the configured project and workspace, exactly as RES sent it."""
        reply = self._res_request("/infer-services", {"workspace_id": self.config.workspace_id})
        services = reply.payload.get("services")
        if not isinstance(services, list):
            found = "no services key" if "services" not in reply.payload else "services is %s" % _json_type(services)
            raise ResError("RES answered the service list with is_success true but %s: the response is not "
                           "the documented shape." % found, status_code=reply.status_code,
                           request_id=reply.request_id)
        return services

    def get_service(self, service_id):
        """The raw details of one service, including access_address and flows."""
        reply = self._res_request("/infer-services/%s" % quote(service_id, safe=""))
        service = reply.payload.get("service")
        if not isinstance(service, dict):
            raise ResError("RES answered the details of service %s without a service object." % service_id,
                           status_code=reply.status_code, request_id=reply.request_id)
        return service

    def find_services(self, service_filter=None, details=False):
        """List, normalize and filter services; with ``details``, add each match's details.

        Returns (services, warnings): normalized dicts and messages about odd values the API sent.
        """
        services, warnings = normalize_services(self.list_services(), self.project_id, self.config.workspace_id)
        services = (service_filter or ServiceFilter()).apply(services)
        if details:
            self.add_details(services)
        return services, warnings

    def add_details(self, services):
        """Add access_address and flows from the details endpoint to each normalized service, in place."""
        for service in services:
            extra = self.get_service(service["service_id"])
            service["access_address"] = extra.get("access_address")
            service["flows"] = extra.get("flows") if extra.get("flows") is not None else []

    def _res_request(self, path, params=None):
        url = "%s/v1/%s%s" % (self.config.endpoint, quote(self.project_id, safe=""), path)
        reply = self._authorized_request("GET", url, params=params, headers={"X-Project-Id": self.project_id})
        # RES reports some failures with HTTP 200 and is_success false.
        if reply.payload.get("is_success") is not True:
            raise _api_error("RES", "GET", url, reply)
        return reply

    # -- authentication -----------------------------------------------------

    def _authorized_request(self, method, url, params=None, headers=None):
        headers = dict(headers or {})
        if self.config.auth_method == "password":
            headers["X-Auth-Token"] = self._password_token()[0]
            try:
                return self._send(method, url, params=params, headers=headers, sign=False)
            except ResError as error:
                if not _token_expired(error):
                    raise
            # IAM may revoke or expire a token before its stated end: fetch a new one, once.
            headers["X-Auth-Token"] = self._password_token(stale=headers["X-Auth-Token"])[0]
            return self._send(method, url, params=params, headers=headers, sign=False)
        if self.config.auth_method == "token":
            headers["X-Auth-Token"] = self.config.auth_token
            return self._send(method, url, params=params, headers=headers, sign=False)
        if self.config.security_token:
            headers["X-Security-Token"] = self.config.security_token
        return self._send(method, url, params=params, headers=headers, sign=True)

    def _token_cache_key(self):
        config = self.config
        scope = ("id", config.project_id) if config.project_id else ("name", config.project_name)
        return (config.identity_endpoint, config.domain, config.user, scope, _digest(config.password))

    def _password_token(self, stale=None):
        """Return (token, project_id) for the configured user and scope, from cache or IAM.

        ``stale`` is a token the API called expired: it is not reused.
        """
        key = self._token_cache_key()
        # One IAM request per key at a time: concurrent callers (inventory workers) wait and reuse its token.
        with _key_lock(key):
            cached = _token_cache.get(key)
            if cached and cached[0] != stale and cached[2] - datetime.now(timezone.utc) > TOKEN_MIN_REMAINING:
                return cached[0], cached[1]
            token, project_id, expires_at = self._issue_token()
            _token_cache[key] = (token, project_id, expires_at)
            return token, project_id

    def _issue_token(self):
        config = self.config
        scope = {"id": config.project_id} if config.project_id else {"name": config.project_name}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": config.user, "password": config.password, "domain": {"name": config.domain}}}},
            "scope": {"project": scope},
        }}
        url = "%s/auth/tokens" % config.identity_endpoint
        reply = self._send("POST", url, json_body=body)
        token = reply.headers.get("X-Subject-Token")
        if reply.status_code != 201 or not token:
            raise ResError("IAM POST %s answered HTTP %d without an X-Subject-Token header: no token was issued."
                           % (urlsplit(url).path, reply.status_code), status_code=reply.status_code,
                           request_id=reply.request_id)
        token_info = reply.payload.get("token")
        token_info = token_info if isinstance(token_info, dict) else {}
        project = token_info.get("project")
        project_id = project.get("id") if isinstance(project, dict) else None
        if not isinstance(project_id, str) or not project_id:
            raise ResError("IAM issued a token without token.project.id; set project_id (HW_PROJECT_ID).",
                           status_code=reply.status_code, request_id=reply.request_id)
        return token, project_id, _parse_expiry(token_info.get("expires_at"))

    def _project_id_by_name(self):
        config = self.config
        key = (config.identity_endpoint, config.access_key, _digest(config.secret_key), config.project_name)
        with _key_lock(key):
            if key not in _project_id_cache:
                _project_id_cache[key] = self._fetch_project_id(config.project_name)
            return _project_id_cache[key]

    def _fetch_project_id(self, name):
        url = "%s/projects" % self.config.identity_endpoint
        projects = self._authorized_request("GET", url, params={"name": name}).payload.get("projects")
        if not isinstance(projects, list):
            raise ResError("IAM answered GET %s without a projects list." % urlsplit(url).path)
        ids = [project.get("id") for project in projects
               if isinstance(project, dict) and project.get("name") == name and project.get("id")]
        if len(ids) != 1:
            raise ResError("IAM knows %s project named %r for these credentials; set project_id (HW_PROJECT_ID) "
                           "or project_name (HW_PROJECT_NAME)." % ("no" if not ids else "more than one", name))
        return ids[0]

    # -- transport ----------------------------------------------------------

    def _send(self, method, url, params=None, headers=None, json_body=None, sign=False):
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
            raise _api_error(service, method, url, reply, response)
        return reply


def _json_object(response):
    """The body as a dict, or None when it is not a JSON object."""
    try:
        payload = json.loads(response.content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _error_fields(payload):
    """(error_code, error_msg) from the RES, API gateway or IAM error shapes."""
    if not payload:
        return None, None
    code, text = payload.get("error_code"), payload.get("error_msg")
    nested = payload.get("error")
    if (code is None and text is None) and isinstance(nested, dict):
        code = nested.get("title") or nested.get("code")
        text = nested.get("message")
    return (None if code is None else str(code)), (None if text is None else str(text))


def _api_error(service, method, url, reply, response=None):
    """A ResError naming the request, the HTTP status, and the API's error code and text."""
    error_code, error_msg = _error_fields(reply.payload)
    if error_code or error_msg:
        # The API's text usually ends with a period already; the message adds its own.
        detail = ("%s: %s" % (error_code, error_msg) if error_code else error_msg).rstrip(".")
    elif reply.payload is not None:
        detail = "the response is not the documented shape (is_success is not true)"
    else:
        detail = "the body is not a JSON object: %s" % _body_excerpt(response)
    reason = " %s" % response.reason if response is not None and response.reason else ""
    message = "%s %s %s failed with HTTP %s%s: %s." % (
        service, method, urlsplit(url).path, reply.status_code, reason, detail)
    if reply.status_code in (401, 403) or (error_code or "").lower() in ("res.2301", "apigw.0301"):
        message += " Check the credentials and that they may read this project."
    if reply.request_id:
        message += " Request ID: %s." % reply.request_id
    return ResError(message, status_code=reply.status_code, error_code=error_code, error_msg=error_msg,
                    request_id=reply.request_id)


def _json_type(value):
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _body_excerpt(response):
    if response is None:
        return "(none)"
    text = response.content[:BODY_EXCERPT_CHARS * 4].decode("utf-8", "replace")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "(empty body)"
    return repr(text[:BODY_EXCERPT_CHARS] + ("..." if len(text) > BODY_EXCERPT_CHARS else ""))


def _token_expired(error):
    return error.status_code == 401 and "expire" in (error.error_msg or "").lower()


def _parse_expiry(value):
    """IAM's expires_at (e.g. 2020-01-04T09:05:22.701000Z); unknown means: do not reuse the token."""
    if isinstance(value, str):
        try:
            return datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            pass
    return datetime.now(timezone.utc)


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
