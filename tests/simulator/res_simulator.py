#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Loopback simulator of Huawei Cloud IAM v3 and RES V1 for the hwc.res tests.

One HTTP server answers IAM under /v3 and RES under /v1, and verifies
credentials the way the API gateway does (tokens, SDK-HMAC-SHA256 signatures
rebuilt from the received request with the collection's own signer), so the
collection can be tested end to end without a cloud account. Faults, latency
and service state changes are driven from Python or over HTTP under /_sim/.
Writes (start, stop, delete) change the state and are kept in a log tests read.
Standard library only; it binds 127.0.0.1 and sends nothing anywhere.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import hashlib
import hmac
import importlib.util
import ipaddress
import json
import os
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit


def _load_by_path(name, path):
    """Load a module by path, so the simulator runs without the collection installed or on sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


signer = _load_by_path("hwc_res_simulator_signer",
                       Path(__file__).resolve().parents[2] / "plugins" / "module_utils" / "_signer.py")
signature_parser = _load_by_path("hwc_res_simulator_signature_parser",
                                 Path(__file__).resolve().with_name("signature_parser.py"))

SAMPLE_DATA = Path(__file__).resolve().with_name("sample_data.json")
ENDPOINTS = ("token", "projects", "list", "details")
WRITE_ENDPOINTS = ("update", "delete")  # PATCH and DELETE of a service: in the write log, not in the counters
WANTED_STATUSES = ("running", "stopped")
UP_STATUSES = ("running", "deploying", "concerning")  # a start request on these changes nothing
FAULT_PARAMS = {  # kind -> accepted parameters; checked so a typo fails loudly instead of being ignored
    "http_error": {"status", "body_kind", "retry_after", "error_code", "error_msg"},
    "latency": {"seconds"},
    "broken_json": set(),
    "not_success": {"error_code", "error_msg"},
    "missing_services": set(),
    "expire_token": set(),
    "raw": {"status", "body", "headers", "reason"},
    "echo": {"status", "error_msg", "encodings"},
    "drip": {"seconds_per_byte"},
    "endless_chunked": {"interval"},
    "gzip_bomb": {"decoded_mib"},
}
BODY_KINDS = ("json", "html", "gateway", "empty")
# How an echo fault may write the request it quotes: as servers and loggers encode text.
ECHO_ENCODINGS = {
    "verbatim": lambda text: text,
    "java_url": lambda text: quote_plus(text, safe="*").replace("~", "%7E"),  # java.net.URLEncoder
    "uri_component": lambda text: quote(text, safe="!~*'()"),  # JavaScript's encodeURIComponent
    "xml_decimal": lambda text: "".join(c if c.isascii() and c.isalnum() else "&#%d;" % ord(c) for c in text),
    "xml_hex": lambda text: "".join(c if c.isascii() and c.isalnum() else "&#x%X;" % ord(c) for c in text),
    "double_percent": lambda text: quote(quote(text, safe=""), safe=""),
    "hyphens": lambda text: text.replace("-", "%2D"),  # a logger that encodes only the hyphens
}
LIST_FIELDS = ("service_id", "service_name", "description", "infer_type", "status", "is_shared",
               "invocation_times", "failed_times", "publish_time", "update_time")
MAX_CLOCK_SKEW = timedelta(minutes=15)
MAX_BODY = 10 * 1024 * 1024
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
JSON_TYPE = "application/json;charset=UTF-8"
IAM_AUTH = "Incorrect IAM authentication information: "
GATEWAY_ERRORS = {  # status -> (error_code, error_msg), as the API gateway's published error table
    400: ("APIGW.0201", "API request error."),
    401: ("APIGW.0301", "Incorrect IAM authentication information."),
    403: ("APIGW.0302", "The IAM user is not authorized to access the API."),
    404: ("APIGW.0101", "The API does not exist or has not been published in the environment."),
    413: ("APIGW.0201", "Request entity too large."),
    429: ("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute"),
    502: ("APIGW.0202", "Backend unavailable."),
    504: ("APIGW.0203", "Backend timeout."),
}
BROKEN_JSON = b'{"is_success": true, "services": [{"service_id": "84746641-9af3-4fa6-b6ed-850e1f63416c", "service_na'


class HttpReply(Exception):
    """A complete answer; raised from deep inside request handling to short-circuit it."""

    def __init__(self, status, payload, headers=None, content_type=JSON_TYPE, reason=None):
        super().__init__(status)
        self.status, self.payload, self.headers, self.content_type = status, payload, dict(headers or {}), content_type
        self.reason = reason  # the reason phrase; None: the standard one


class StreamedReply(HttpReply):
    """An answer whose body is written piece by piece: ``pieces`` yields (bytes, seconds to wait after them).

    Without a ``length`` the body goes out chunked (and may never end); with one, as a Content-Length body.
    """

    def __init__(self, status, pieces, headers=None, length=None):
        super().__init__(status, b"", headers)
        self.pieces, self.length = pieces, length


def _drip(body, seconds_per_byte):
    for index in range(len(body)):
        yield body[index:index + 1], seconds_per_byte


def _endless_services(interval):
    yield b'{"is_success": true, "services": [', interval
    service = json.dumps(complete_service({"service_name": "res-endless"})).encode("utf-8") + b", "
    piece = service * max(1, 65536 // len(service))
    while True:
        yield piece, interval


def _gzip_bomb(decoded_mib):
    # Concatenated gzip members decode as one stream: one MiB of zeros compresses to about 1 KiB.
    member = gzip.compress(bytes(1024 * 1024))
    for _member in range(int(decoded_mib)):
        yield member, 0.0


def gateway_error(status, message, code="APIGW.0301"):
    # request_id None is filled in with the X-Request-Id of the answer when it is sent.
    return HttpReply(status, {"error_msg": message, "error_code": code, "request_id": None})


def res_error(status, code, message):
    return HttpReply(status, {"is_success": False, "error_code": code, "error_msg": message})


def iam_error(status, message):
    return HttpReply(status, {"error": {"code": status, "message": message, "title": _phrase(status)}})


def _phrase(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _now():
    return datetime.now(timezone.utc)


def _now_ms():
    return int(time.time() * 1000)


def _format_time(moment):
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def _parse_time(text):
    for fmt in (TIME_FORMAT, "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    raise ValueError("bad time %r, expected e.g. 2099-01-01T00:00:00.000000Z" % (text,))


def _derived_id(*parts):
    """A stable 32-hex-char id for records whose data file gives none."""
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()[:32]


def check_loopback(host):
    """Refuse to serve anything but IPv4 loopback: the simulator must never be reachable from outside."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError("host %r is not an IP address; use 127.0.0.1" % (host,))
    if address.version != 4 or not address.is_loopback:
        raise ValueError("host %r is not an IPv4 loopback address; use 127.0.0.1" % (host,))
    return host


def complete_service(service):
    """Fill the list fields a caller left out, so tests can add a service by name alone."""
    if not isinstance(service, dict) or not service.get("service_name"):
        raise ValueError("a service is a JSON object with at least a service_name")
    full = copy.deepcopy(service)
    now = _now_ms()
    for key, value in (("service_id", str(uuid.uuid4())), ("infer_type", "real-time"), ("status", "running"),
                       ("is_shared", False), ("invocation_times", "0"), ("failed_times", "0"),
                       ("publish_time", now)):
        full.setdefault(key, value)
    full.setdefault("update_time", full["publish_time"])
    return full


def _non_negative(value, name):
    number = float(value)
    if not 0 <= number < float("inf"):  # NaN fails both comparisons
        raise ValueError("%s must be 0 or more seconds, not %r" % (name, value))
    return number


def _shift_sample_times(data):
    """Move the service times of a data file that says when it was recorded to the same distance before now.

    So the sample reads like a live estate whenever the simulator starts: what was deploying for a few
    minutes when the file was written has been deploying for a few minutes now. Returns the milliseconds
    added; 0 for a file without ``recorded_at``, whose times are served as they are.
    """
    recorded_at = data.get("recorded_at")
    if recorded_at is None:
        return 0
    if isinstance(recorded_at, bool) or not isinstance(recorded_at, int):
        raise ValueError("recorded_at must be a time in epoch milliseconds, not %r" % (recorded_at,))
    shift = _now_ms() - recorded_at
    for project in data.get("projects", []):
        for services in project.get("workspaces", {}).values():
            for service in services:
                for field in ("publish_time", "update_time"):
                    value = service.get(field) if isinstance(service, dict) else None
                    if isinstance(value, int) and not isinstance(value, bool):
                        service[field] = value + shift
    return shift


def _check_apply(endpoint, kind, params):
    """``apply=True`` on a write fault: the write takes effect, and the fault's answer is what the client gets."""
    if "apply" not in params:
        return
    if endpoint not in WRITE_ENDPOINTS:
        raise ValueError("apply is for the write endpoints %s, not %r" % (", ".join(WRITE_ENDPOINTS), endpoint))
    if kind == "latency":
        raise ValueError("a latency fault lets the write through anyway: it takes no apply")
    if not isinstance(params["apply"], bool):
        raise ValueError("apply must be true or false, not %r" % (params["apply"],))


class _Fault:
    def __init__(self, endpoint, kind, times, params):
        self.endpoint, self.kind, self.remaining, self.params = endpoint, kind, times, params

    def as_dict(self):
        return dict(self.params, endpoint=self.endpoint, kind=self.kind, times=self.remaining)


class ResSimulator:
    """The simulated cloud: its state, the controls tests use, and the server that exposes it."""

    def __init__(self, data=None, latency=0.0, token_ttl=86400, host="127.0.0.1", port=0, verbose=False,
                 start_seconds=2.0):
        self.host = check_loopback(host)
        self.latency = float(latency)
        self.token_ttl = int(token_ttl)
        # Seconds the gateway's clock is ahead of the caller's: a client whose clock is wrong by more
        # than 15 minutes sends a stale X-Sdk-Date, and so does every client when this is 3600.
        self.clock_skew = 0.0
        self.verbose = verbose
        self._requested_port = int(port)
        self._lock = threading.RLock()
        self._server = self._thread = None
        self._faults = []
        self._pending = []  # [project_id, list requests still to serve, action] for delayed changes
        self._counters = dict.fromkeys(ENDPOINTS, 0)
        self._in_flight = self._max_in_flight = 0
        self._connections = 0
        self.faults_served = 0
        # Seconds a started service reads deploying before running (0: at once); the value at the PATCH counts.
        self.start_seconds = _non_negative(start_seconds, "start_seconds")
        self._starting = {}  # (project_id, service_id) -> epoch ms at which the started service runs
        self._writes = []
        self._load(SAMPLE_DATA if data is None else data)

    # ---- data -------------------------------------------------------------------------------
    def _load(self, data):
        if isinstance(data, (str, os.PathLike)):
            data = json.loads(Path(data).read_text(encoding="utf-8"))
        data = copy.deepcopy(data)
        self.time_shift_ms = _shift_sample_times(data)
        self._domains, self._access_keys, self._projects, self._tokens = {}, {}, {}, {}
        for domain in data.get("domains", []):
            name = domain["name"]
            users = {}
            for user in domain.get("users", []):
                users[user["name"]] = dict(user, id=user.get("id") or _derived_id(name, user["name"]))
            self._domains[name] = {"name": name, "id": domain.get("id") or _derived_id(name), "users": users}
            for key in domain.get("access_keys", []):
                self._access_keys[key["access"]] = dict(key, domain=name)
        for project in data.get("projects", []):
            if project.get("domain") not in self._domains:
                raise ValueError("project %r names unknown domain %r" % (project.get("name"), project.get("domain")))
            workspaces = {str(ws): [complete_service(s) for s in services]
                          for ws, services in project.get("workspaces", {}).items()}
            self._projects[project["id"]] = {"id": project["id"], "name": project["name"],
                                             "domain": project["domain"], "workspaces": workspaces}
        for entry in data.get("auth_tokens", []):
            project = self._projects.get(entry.get("project_id"))
            if project is None:
                raise ValueError("auth token %r names unknown project %r" % (entry.get("token"), entry.get("project_id")))
            self._tokens[entry["token"]] = {"project_id": project["id"], "domain": project["domain"],
                                            "expires_at": _parse_time(entry["expires_at"]), "user": None}

    def _project(self, project_id):
        try:
            return self._projects[project_id]
        except KeyError:
            raise KeyError("unknown project id %r" % (project_id,))

    def project_id(self, name, domain=None):
        """Return the id of the project called ``name`` (in ``domain`` when several domains have one)."""
        with self._lock:
            found = [p["id"] for p in self._projects.values()
                     if p["name"] == name and domain in (None, p["domain"])]
        if len(found) != 1:
            raise KeyError("%d projects named %r%s" % (len(found), name, " in %s" % domain if domain else ""))
        return found[0]

    def _find_service(self, project_id, service_id, workspace_id=None):
        found = self._locate_service(project_id, service_id, workspace_id)
        return found and found[1]

    def _locate_service(self, project_id, service_id, workspace_id=None):
        """(workspace_id, service) of a service, searched in every workspace unless one is named; or None."""
        for ws, services in self._project(project_id)["workspaces"].items():
            if workspace_id in (None, ws):
                for service in services:
                    if service.get("service_id") == service_id:
                        return ws, service
        return None

    # ---- server lifecycle ----------------------------------------------------------------------
    def start(self):
        """Bind 127.0.0.1 (a free port unless one was given), serve in a daemon thread, return the base URL."""
        if self._server is None:
            self._server = _Server((self.host, self._requested_port), _Handler)
            self._server.sim = self
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="res-simulator", daemon=True)
            self._thread.start()
        return self.url

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._thread.join(5)
            self._server = self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1] if self._server else None

    @property
    def url(self):
        return "http://%s:%s" % (self.host, self.port) if self._server else None

    # ---- controls ------------------------------------------------------------------------------
    @property
    def counters(self):
        """Requests received per endpoint, faulted and rejected ones included."""
        with self._lock:
            return dict(self._counters)

    def reset_counters(self):
        with self._lock:
            self._counters = dict.fromkeys(ENDPOINTS, 0)
            self._max_in_flight = self._in_flight
            self._connections = 0
            self.faults_served = 0

    @property
    def connections(self):
        """TCP connections accepted since the last reset: a client that keeps its session reuses one."""
        with self._lock:
            return self._connections

    @property
    def max_in_flight(self):
        """The most API requests being served at the same time (latency included) since the last reset."""
        with self._lock:
            return self._max_in_flight

    @contextmanager
    def _serving(self):
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def add_fault(self, endpoint, kind, times=1, **params):
        """Answer the next ``times`` requests to ``endpoint`` (None: all of them) with a fault of ``kind``."""
        if endpoint not in ENDPOINTS + WRITE_ENDPOINTS + ("*",):
            raise ValueError("endpoint must be one of %s or '*', not %r"
                             % (", ".join(ENDPOINTS + WRITE_ENDPOINTS), endpoint))
        if kind not in FAULT_PARAMS:
            raise ValueError("fault kind must be one of %s, not %r" % (", ".join(FAULT_PARAMS), kind))
        _check_apply(endpoint, kind, params)
        unknown = set(params) - FAULT_PARAMS[kind] - {"apply"}
        if unknown:
            raise ValueError("fault %r takes no parameter %s" % (kind, ", ".join(sorted(unknown))))
        if params.get("body_kind", "json") not in BODY_KINDS:
            raise ValueError("body_kind must be one of %s" % ", ".join(BODY_KINDS))
        if not set(params.get("encodings", ())) <= set(ECHO_ENCODINGS):
            raise ValueError("encodings must be a list of %s" % ", ".join(ECHO_ENCODINGS))
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or None (forever)")
        with self._lock:
            self._faults.append(_Fault(endpoint, kind, times, params))

    def clear_faults(self):
        with self._lock:
            self._faults = []

    @property
    def faults(self):
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    def _take_fault(self, endpoint):
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in ("*", endpoint):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining == 0:
                            self._faults.remove(fault)
                    self.faults_served += 1
                    return fault
        return None

    def expire_tokens(self):
        """Make every token issued or listed so far expired, e.g. to test renewal."""
        now = _now()
        with self._lock:
            for record in self._tokens.values():
                record["expires_at"] = min(record["expires_at"], now)

    def add_service(self, project_id, service, workspace_id="0", after_list_requests=0):
        """Add a service (missing list fields filled in), now or after N further list requests of the project."""
        full = complete_service(service)
        with self._lock:
            self._project(project_id)
            if self._find_service(project_id, full["service_id"]) or self._pending_add(project_id, full["service_id"]):
                raise ValueError("service %s already exists in project %s" % (full["service_id"], project_id))

            def add():
                if not self._find_service(project_id, full["service_id"]):
                    self._projects[project_id]["workspaces"].setdefault(str(workspace_id), []).append(full)
            add.service_id = full["service_id"]
            self._schedule(project_id, after_list_requests, add)
        return copy.deepcopy(full)

    def set_status(self, project_id, service_id, status, after_list_requests=0):
        """Change a service's status, now or after N further list requests of its project (e.g. deploying -> running)."""
        with self._lock:
            if not self._find_service(project_id, service_id) and not self._pending_add(project_id, service_id):
                raise KeyError("no service %s in project %s" % (service_id, project_id))

            def change():
                service = self._find_service(project_id, service_id)
                if service is not None:
                    self._starting.pop((project_id, service_id), None)
                    service["status"], service["update_time"] = status, _now_ms()
            self._schedule(project_id, after_list_requests, change)

    def remove_service(self, project_id, service_id, after_list_requests=0):
        """Delete a service from whichever workspace of the project holds it, now or after N further list requests."""
        with self._lock:
            if not self._find_service(project_id, service_id) and not self._pending_add(project_id, service_id):
                raise KeyError("no service %s in project %s" % (service_id, project_id))

            def remove():
                self._starting.pop((project_id, service_id), None)
                for services in self._projects[project_id]["workspaces"].values():
                    services[:] = [service for service in services if service.get("service_id") != service_id]
            self._schedule(project_id, after_list_requests, remove)

    def _pending_add(self, project_id, service_id):
        return any(p[0] == project_id and getattr(p[2], "service_id", None) == service_id for p in self._pending)

    def _schedule(self, project_id, after_list_requests, action):
        if after_list_requests <= 0:
            action()
        else:
            self._pending.append([project_id, int(after_list_requests), action])

    def _tick(self, project_id):
        """Count one served list request of the project; apply the changes whose turn has come, in order."""
        still_pending = []
        for entry in self._pending:
            if entry[0] == project_id:
                entry[1] -= 1
                if entry[1] <= 0:
                    entry[2]()
                    continue
            still_pending.append(entry)
        self._pending = still_pending

    def generate_services(self, project_id, count, workspace_id="0", seed=None):
        """Add ``count`` realistic services, the same ones for the same seed and prior state (scale tests).

        Without a seed, one is derived from the project, the workspace and how many services it already holds,
        so repeated calls stay deterministic and never collide.
        """
        with self._lock:
            existing = len(self._project(project_id)["workspaces"].get(str(workspace_id), []))
            rng = random.Random(seed if seed is not None else "%s/%s/%d" % (project_id, workspace_id, existing))
            added = []
            for number in range(existing + 1, existing + int(count) + 1):
                status = rng.choices(("running", "stopped", "deploying", "concerning"), (60, 20, 8, 12))[0]
                invocations = 0 if status == "deploying" else rng.randint(0, 5000000)
                failed = int(invocations * rng.choice((0, 0.0001, 0.001, 0.01, 0.05, 0.2)))
                published = 1672531200000 + rng.randint(0, 500 * 86400000)
                service = {
                    "service_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "service_name": "res-%s-%s-%05d" % (rng.choice(("rank", "recall", "rerank", "filter", "ctr")),
                                                        rng.choice(("feed", "video", "news", "search", "shop")), number),
                    "infer_type": "real-time", "status": status, "is_shared": rng.random() < 0.15,
                    "invocation_times": str(invocations), "failed_times": str(failed),
                    "publish_time": published, "update_time": published + rng.randint(0, 60 * 86400000),
                }
                if rng.random() < 0.7:
                    service["description"] = rng.choice(("Generated ranking service", "Scale test service",
                                                         "Generated recall service for load tests"))
                added.append(self.add_service(project_id, service, workspace_id))
        return added

    # ---- writes --------------------------------------------------------------------------------
    @property
    def writes(self):
        """Every PATCH and DELETE of a service received, oldest first: refused and faulted ones too (copies)."""
        with self._lock:
            return copy.deepcopy(self._writes)

    def clear_writes(self):
        with self._lock:
            self._writes = []

    def service(self, project_id, service_id):
        """The service as the simulator holds it now (a copy, times included), or None."""
        with self._lock:
            self._settle_starts()
            found = self._locate_service(project_id, service_id)
            return copy.deepcopy(found[1]) if found else None

    def _log_write(self, entry):
        with self._lock:
            self._writes.append(entry)

    def _settle_starts(self):
        """A started service whose start_seconds are over runs; its update_time is the moment it started running."""
        with self._lock:
            now = _now_ms()
            for key, ready_at in list(self._starting.items()):
                if ready_at <= now:
                    del self._starting[key]
                    found = self._locate_service(*key)
                    if found and found[1].get("status") == "deploying":
                        found[1]["status"], found[1]["update_time"] = "running", ready_at

    def _update_status(self, project_id, service_id, wanted, workspace_id):
        """Start or stop a service as a PATCH asks; returns (its workspace_id, whether its state changed)."""
        with self._lock:
            self._settle_starts()
            found = self._locate_service(project_id, service_id, workspace_id)
            if found is None:
                raise res_error(404, "res.4721", "service is not exist.")
            workspace, service = found
            current = service.get("status")
            if current == wanted or (wanted == "running" and current in UP_STATUSES):
                return workspace, False
            now = _now_ms()
            if wanted == "running" and self.start_seconds > 0:
                service["status"] = "deploying"
                self._starting[(project_id, service_id)] = now + int(self.start_seconds * 1000)
            else:
                service["status"] = wanted
            service["update_time"] = now
            return workspace, True

    def _delete_service(self, project_id, service_id, workspace_id):
        """Remove a service as a DELETE asks, whatever its status; returns its workspace_id."""
        with self._lock:
            found = self._locate_service(project_id, service_id, workspace_id)
            if found is None:
                raise res_error(404, "res.4721", "service is not exist.")
            workspace, service = found
            services = self._projects[project_id]["workspaces"][workspace]
            services[:] = [other for other in services if other is not service]
            self._starting.pop((project_id, service_id), None)
            return workspace

    def _issued_for_a_password(self, token):
        with self._lock:
            record = self._tokens.get(token)
            return bool(record and record["user"])

    # ---- what the endpoints read ---------------------------------------------------------------
    def _issue_password_token(self, user_spec, scope):
        with self._lock:
            domain_spec = user_spec.get("domain") or {}
            domains = [d for d in self._domains.values()
                       if domain_spec and domain_spec.get("name") in (None, d["name"])
                       and domain_spec.get("id") in (None, d["id"])]
            user = None
            if domains:
                user = domains[0]["users"].get(user_spec.get("name"))
            elif "id" in user_spec:
                for domain in self._domains.values():
                    for candidate in domain["users"].values():
                        if candidate["id"] == user_spec["id"]:
                            domains, user = [domain], candidate
            if user is None or not hmac.compare_digest(str(user_spec.get("password", "")).encode("utf-8"),
                                                       user["password"].encode("utf-8")):
                raise iam_error(401, "The username or password is wrong.")
            domain = domains[0]
            domain_ref = {"id": domain["id"], "name": domain["name"]}
            project = None
            if "project" in scope:
                wanted = scope["project"]
                if not isinstance(wanted, dict) or not ("id" in wanted or "name" in wanted):
                    raise iam_error(400, "The request body is invalid: scope.project needs an id or a name.")
                scope_domain = wanted.get("domain") or {}
                for candidate in self._projects.values():
                    if (candidate["domain"] == domain["name"] and wanted.get("id") in (None, candidate["id"])
                            and wanted.get("name") in (None, candidate["name"])
                            and scope_domain.get("name") in (None, domain["name"])
                            and scope_domain.get("id") in (None, domain["id"])):
                        project = candidate
                if project is None:
                    what = "id %r" % wanted["id"] if "id" in wanted else "name %r" % wanted["name"]
                    raise iam_error(401, "No project with %s in domain %r." % (what, domain["name"]))
            now = _now()
            token = "MIISsim" + secrets.token_urlsafe(48)
            expires = now + timedelta(seconds=self.token_ttl)
            self._tokens[token] = {"project_id": project and project["id"], "domain": domain["name"],
                                   "expires_at": expires, "user": user["name"]}
        body = {"expires_at": _format_time(expires), "issued_at": _format_time(now), "methods": ["password"],
                "user": {"id": user["id"], "name": user["name"], "domain": domain_ref, "password_expires_at": ""},
                "roles": [{"id": "0", "name": "op_auth"}], "catalog": []}
        if project is not None:
            body["project"] = {"id": project["id"], "name": project["name"], "domain": domain_ref}
        else:
            body["domain"] = domain_ref
        return token, {"token": body}

    def _check_token(self, token, project_id):
        """Return the token's domain; reject as the gateway and RES do. project_id None: any project of it."""
        with self._lock:
            record = self._tokens.get(token)
            if record is None:
                raise gateway_error(401, IAM_AUTH + "decrypt token fail")
            if record["expires_at"] <= _now():
                raise gateway_error(401, IAM_AUTH + "token expires, expires_at:" + _format_time(record["expires_at"]))
            if project_id is not None and record["project_id"] != project_id:
                raise res_error(401, "res.2301", "Failed to resolve the token from the request.")
            return record["domain"]

    def _token_expiry(self, token):
        with self._lock:
            record = self._tokens.get(token)
            return record["expires_at"] if record else _now()

    def _access_key(self, access):
        with self._lock:
            key = self._access_keys.get(access)
            return dict(key) if key else None

    def _project_domain(self, project_id):
        with self._lock:
            project = self._projects.get(project_id)
            return project and project["domain"]

    def _domain_projects(self, domain_name, name=None):
        with self._lock:
            domain_id = self._domains[domain_name]["id"]
            return [{"id": p["id"], "name": p["name"], "domain_id": domain_id, "enabled": True, "is_domain": False,
                     "parent_id": domain_id, "description": ""}
                    for p in sorted(self._projects.values(), key=lambda p: p["name"])
                    if p["domain"] == domain_name and name in (None, p["name"])]

    def _list_services(self, project_id, workspace_id):
        with self._lock:
            services = self._project(project_id)["workspaces"].get(workspace_id, [])
            listed = [{k: copy.deepcopy(s[k]) for k in LIST_FIELDS if k in s} for s in services]
            self._tick(project_id)
        return {"is_success": True, "services": listed}

    def _list_services_if_known(self, url_path):
        """The normal list answer for a list path (unauthenticated: for faults that alter the body only)."""
        match = re.match(r"^/v1/([^/]+)/infer-services/?$", url_path)
        if match and match.group(1) in self._projects:
            with self._lock:
                services = self._project(match.group(1))["workspaces"].get("0", [])
                return {"is_success": True, "services": [{k: s[k] for k in LIST_FIELDS if k in s} for s in services]}
        return {"is_success": True, "services": []}

    def _service_details(self, project_id, service_id, workspace_id):
        with self._lock:
            service = self._find_service(project_id, service_id, workspace_id)
            if service is None:
                raise res_error(404, "res.4721", "service is not exist.")
            details = copy.deepcopy(service)
            region = self._projects[project_id]["name"].split("_")[0]
        details.setdefault("access_address", "https://res-infer.%s.myhuaweicloud.com/v1/%s/infer/%s"
                           % (region, project_id, service_id))
        details.setdefault("flows", [])
        details["project_id"] = project_id
        return {"is_success": True, "service": details}


class _Server(ThreadingHTTPServer):
    """Threading server that stays quiet on client disconnects and can drop idle keep-alive connections."""

    daemon_threads = True
    sim = None

    def __init__(self, *args, **kwargs):
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        with self._connections_lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.sim is not None and self.sim.verbose:
            traceback.print_exc(file=sys.stderr)


class _Handler(BaseHTTPRequestHandler):
    """Parses one request, routes it, and turns whatever it produced into a response."""

    protocol_version = "HTTP/1.1"
    server_version = "API-Gateway"
    timeout = 60
    # Headers and body leave in separate writes; with Nagle's algorithm on, the client's delayed ACK
    # would add about 40 ms to every answer, which is not the latency being simulated.
    disable_nagle_algorithm = True
    ROUTES = (("POST", re.compile(r"^/v3/auth/tokens$"), "token"),
              ("GET", re.compile(r"^/v3/projects$"), "projects"),
              ("GET", re.compile(r"^/v1/([^/]+)/infer-services/?$"), "list"),
              ("GET", re.compile(r"^/v1/([^/]+)/infer-services/([^/]+)/?$"), "details"),
              ("PATCH", re.compile(r"^/v1/([^/]+)/infer-services/([^/]+)/?$"), "update"),
              ("DELETE", re.compile(r"^/v1/([^/]+)/infer-services/([^/]+)/?$"), "delete"))

    def setup(self):
        super().setup()
        with self.sim._lock:
            self.sim._connections += 1

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def log_message(self, *args):
        if self.server.sim.verbose:
            sys.stderr.write("res-simulator %s - %s\n" % (self.address_string(), args[0] % args[1:]))

    def version_string(self):
        return self.server_version

    def send_error(self, code, message=None, explain=None):
        """Requests the base class cannot parse get a gateway-style JSON answer too, not its HTML page."""
        self.request_id = secrets.token_hex(16)
        self.close_connection = True
        self._send(gateway_error(code, message or _phrase(code), GATEWAY_ERRORS.get(code, ("APIGW.0201",))[0]))

    @property
    def sim(self):
        return self.server.sim

    def _handle(self):
        self.request_id = secrets.token_hex(16)
        self._write = None  # the write-log entry, for PATCH and DELETE of a service
        try:
            reply = self._dispatch()
        except HttpReply as answer:
            reply = answer
        except Exception as exc:  # any bug answers 500 JSON, never a traceback to the client
            if self.sim.verbose:
                traceback.print_exc(file=sys.stderr)
            reply = res_error(500, "res.5000", "simulator internal error: %s: %s" % (type(exc).__name__, exc))
        if self._write is not None:
            # Logged before the answer leaves, so a client that has its answer finds the entry.
            self._write["http_status"] = reply.status
            self.sim._log_write(self._write)
        self._send(reply)

    def _read_body(self):
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self.close_connection = True
            raise gateway_error(400, "API request error.", "APIGW.0201")
        if int(length) > MAX_BODY:
            self.close_connection = True
            raise gateway_error(413, "Request entity too large.", "APIGW.0201")
        return self.rfile.read(int(length)) if int(length) else b""

    def _dispatch(self):
        self.body = self._read_body()
        url = urlsplit(self.path)
        self.url_path, self.query_pairs = url.path, parse_qsl(url.query, keep_blank_values=True)
        if self.url_path.startswith("/_sim/"):
            return self._admin()
        endpoint = args = None
        known_path = False
        for method, pattern, name in self.ROUTES:
            match = pattern.match(self.url_path)
            if match and method == self.command:
                # A gateway decodes each path segment: a service ID is what the client quoted, not its quoting.
                endpoint, args = name, tuple(unquote(arg) for arg in match.groups())
                break
            known_path = known_path or bool(match)
        if endpoint is None and known_path:
            raise gateway_error(404, "The API does not exist.", "APIGW.0101")
        if endpoint is None:
            raise gateway_error(404, GATEWAY_ERRORS[404][1], "APIGW.0101")
        if endpoint in WRITE_ENDPOINTS:
            self._write = self._begin_write(*args)
        with self.sim._lock:
            if endpoint in self.sim._counters:
                self.sim._counters[endpoint] += 1
        with self.sim._serving():
            if self.sim.latency > 0:
                time.sleep(self.sim.latency)
            self.sim._settle_starts()
            fault = self.sim._take_fault(endpoint)
            if fault is not None:
                if fault.params.get("apply"):
                    self._apply_unanswered(endpoint, args)
                reply = self._fault_reply(fault)
                if reply is not None:
                    return reply
            return getattr(self, "_do_" + endpoint)(*args)

    def _query(self, name, default=None):
        values = [v for k, v in self.query_pairs if k == name]
        return values[-1] if values else default

    # ---- endpoints -----------------------------------------------------------------------------
    def _do_token(self):
        try:
            auth = json.loads(self.body.decode("utf-8"))["auth"]
            identity = auth["identity"]
            user = identity["password"]["user"]
            scope = auth.get("scope") or {}
            if ("password" not in identity["methods"] or not isinstance(user, dict) or not isinstance(scope, dict)
                    or not isinstance(user.get("domain") or {}, dict)):
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            raise iam_error(400, "The request body is invalid: expected auth.identity.methods [\"password\"] and "
                                 "auth.identity.password.user with name, password and domain.")
        token, body = self.sim._issue_password_token(user, scope)
        return HttpReply(201, body, {"X-Subject-Token": token})

    def _do_projects(self):
        domain = self._authenticate(None)
        name = self._query("name")
        base = "http://%s/v3/projects" % self.headers.get("Host", "%s:%d" % self.server.server_address[:2])
        projects = self.sim._domain_projects(domain, name)
        for project in projects:
            project["links"] = {"self": "%s/%s" % (base, project["id"])}
        link = base + ("?name=%s" % name if name is not None else "")
        return HttpReply(200, {"projects": projects, "links": {"self": link, "previous": None, "next": None}})

    def _do_list(self, project_id):
        self._authenticate(project_id)
        return HttpReply(200, self.sim._list_services(project_id, self._query("workspace_id", "0")))

    def _do_details(self, project_id, service_id):
        self._authenticate(project_id)
        return HttpReply(200, self.sim._service_details(project_id, service_id, self._query("workspace_id", None)))

    # ---- writes --------------------------------------------------------------------------------
    def _do_update(self, project_id, service_id):
        self._authenticate(project_id)
        wanted = self._wanted_status()
        workspace, changed = self.sim._update_status(project_id, service_id, wanted, self._query("workspace_id"))
        self._write.update(workspace_id=workspace, applied=changed)
        return HttpReply(200, {"is_success": True, "message": "Succeed to update service."})

    def _do_delete(self, project_id, service_id):
        self._authenticate(project_id)
        workspace = self.sim._delete_service(project_id, service_id, self._query("workspace_id"))
        self._write.update(workspace_id=workspace, applied=True)
        return HttpReply(200, {"is_success": True, "message": "Succeed to delete service."})

    def _wanted_status(self):
        body = self._write["body"]
        if isinstance(body, dict) and list(body) == ["status"] and body["status"] in WANTED_STATUSES:
            return body["status"]
        raise res_error(400, "RES.1001", 'Invalid parameter: the body must be {"status": "running"} or '
                                         '{"status": "stopped"}.')

    def _apply_unanswered(self, endpoint, args):
        """Serve a write whose answer a fault replaces: a backend that did the work, and a reply that got lost."""
        try:
            getattr(self, "_do_" + endpoint)(*args)
        except HttpReply:
            pass

    def _begin_write(self, project_id, service_id):
        """The write-log entry of this request, completed when its answer is known. Never a header: no secret."""
        try:
            body = json.loads(self.body.decode("utf-8")) if self.body else None
        except ValueError:
            body = self.body.decode("utf-8", "replace")
        return {"method": self.command, "path": self.url_path, "project_id": project_id, "service_id": service_id,
                "workspace_id": self._query("workspace_id"), "body": body, "auth": self._auth_presented(),
                "applied": False, "http_status": None, "request_id": self.request_id,
                "received_at": _format_time(_now())}

    def _auth_presented(self):
        """The way the request tries to authenticate, as the tests name them; None when it carries no credential."""
        if (self.headers.get("Authorization") or "").split(" ", 1)[0] == signer.ALGORITHM:
            return "temporary" if self.headers.get("X-Security-Token") else "aksk"
        token = self.headers.get("X-Auth-Token")
        if not token:
            return None
        return "password" if self.sim._issued_for_a_password(token) else "token"

    # ---- authentication ------------------------------------------------------------------------
    def _authenticate(self, project_id):
        """Return the caller's domain name; project_id None means IAM (any project of the domain will do)."""
        authorization = self.headers.get("Authorization") or ""
        if authorization.split(" ", 1)[0] == signer.ALGORITHM:
            return self._verify_signature(authorization, project_id)
        token = self.headers.get("X-Auth-Token")
        if not token:
            raise gateway_error(401, IAM_AUTH + "x-auth-token not found")
        return self.sim._check_token(token, project_id)

    def _verify_signature(self, authorization, project_id):
        try:
            access, signed_headers, given = signature_parser.parse_authorization(authorization)
        except ValueError:
            raise gateway_error(401, IAM_AUTH + "malformed SDK-HMAC-SHA256 authorization header")
        key = self.sim._access_key(access)
        if key is None:
            raise gateway_error(401, IAM_AUTH + "ak %s not exist" % access)
        if "host" not in signed_headers or "x-sdk-date" not in signed_headers:
            raise gateway_error(401, IAM_AUTH + "signed headers must include host and x-sdk-date")
        date = self.headers.get(signer.DATE_HEADER) or ""
        try:
            signed_at = signature_parser.parse_sdk_date(date)
        except ValueError:
            raise gateway_error(401, IAM_AUTH + "x-sdk-date is missing or not of the form YYYYMMDDTHHMMSSZ")
        if abs(_now() + timedelta(seconds=self.sim.clock_skew) - signed_at) > MAX_CLOCK_SKEW:
            raise gateway_error(401, IAM_AUTH + "x-sdk-date %s is more than 15 minutes off the server time" % date)
        values = {}
        for name in signed_headers:
            if self.headers.get(name) is None:
                raise gateway_error(401, IAM_AUTH + "verify aksk signature fail")
            values[name] = self.headers.get(name)
        canonical = signer.canonical_request(self.command, self.url_path, self.query_pairs, values, signed_headers,
                                             hashlib.sha256(self.body).hexdigest())
        expected = signer.signature(key["secret"], signer.string_to_sign(date, canonical))
        if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
            raise gateway_error(401, IAM_AUTH + "verify aksk signature fail")
        if (key.get("security_token") or "") != (self.headers.get("X-Security-Token") or ""):
            raise gateway_error(401, IAM_AUTH + "security token missing or not matching ak %s" % access)
        if project_id is not None:
            if self.sim._project_domain(project_id) != key["domain"]:
                raise gateway_error(401, IAM_AUTH + "project %s does not belong to the domain of ak %s"
                                    % (project_id, access))
            if self.headers.get("X-Project-Id") not in (None, project_id):
                raise res_error(401, "res.2301", "Failed to resolve the token from the request.")
        return key["domain"]

    # ---- faults --------------------------------------------------------------------------------
    def _fault_reply(self, fault):
        """The answer a fault gives instead of the normal one; None lets the request go on (latency)."""
        params = fault.params
        if fault.kind == "latency":
            time.sleep(float(params.get("seconds", 1.0)))
            return None
        if fault.kind == "broken_json":
            return HttpReply(200, BROKEN_JSON)
        if fault.kind == "not_success":
            return res_error(200, params.get("error_code", "res.1001"), params.get("error_msg", "Invalid parameter."))
        if fault.kind == "missing_services":
            return HttpReply(200, {"is_success": True})
        if fault.kind == "expire_token":
            expires_at = self.sim._token_expiry(self.headers.get("X-Auth-Token"))
            return gateway_error(401, IAM_AUTH + "token expires, expires_at:" + _format_time(expires_at))
        if fault.kind == "echo":
            # A gateway that quotes the request in its error text: every header and the body, secrets and all.
            echoed = "; ".join("%s: %s" % (name, value) for name, value in self.headers.items())
            request = "request headers: %s; request body: %s" % (echoed, self.body.decode("utf-8", "replace"))
            quoted = [ECHO_ENCODINGS[name](request) for name in params.get("encodings", ["verbatim"])]
            text = "%s %s" % (params.get("error_msg", "Bad request."), " | ".join(quoted))
            return gateway_error(int(params.get("status", 400)), text, "APIGW.0201")
        if fault.kind == "drip":
            body = json.dumps(self.sim._list_services_if_known(self.url_path)).encode("utf-8")
            return StreamedReply(200, _drip(body, float(params.get("seconds_per_byte", 1.0))), length=len(body))
        if fault.kind == "endless_chunked":
            return StreamedReply(200, _endless_services(float(params.get("interval", 0.0))))
        if fault.kind == "gzip_bomb":
            return StreamedReply(200, _gzip_bomb(params.get("decoded_mib", 200)), {"Content-Encoding": "gzip"})
        if fault.kind == "raw":
            body = params.get("body", b"")
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode("utf-8")
            return HttpReply(int(params.get("status", 200)), body, params.get("headers"), reason=params.get("reason"))
        status = int(params.get("status", 500))  # http_error
        headers = {} if params.get("retry_after") is None else {"Retry-After": str(params["retry_after"])}
        kind = params.get("body_kind", "json")
        if kind == "html":
            title = "%d %s" % (status, _phrase(status))
            page = ("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
                    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (title, title))
            return HttpReply(status, page, headers, "text/html")
        if kind == "empty":
            return HttpReply(status, b"", headers)
        if kind == "gateway":
            fallback = ("APIGW.0202" if status >= 500 else "APIGW.0201", _phrase(status) + ".")
            code, message = GATEWAY_ERRORS.get(status, fallback)
            reply = gateway_error(status, params.get("error_msg", message), params.get("error_code", code))
            reply.headers.update(headers)
            return reply
        reply = res_error(status, params.get("error_code", "res.%d" % (status * 10)),
                          params.get("error_msg", _phrase(status) + "."))
        reply.headers.update(headers)
        return reply

    # ---- admin ---------------------------------------------------------------------------------
    def _admin(self):
        """Unauthenticated controls for a simulator run as a separate process; loopback callers only."""
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            return HttpReply(403, {"ok": False, "error": "loopback only"})
        sim, route = self.sim, (self.command, self.url_path.rstrip("/"))
        try:
            body = json.loads(self.body.decode("utf-8")) if self.body.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            if route == ("GET", "/_sim/counters"):
                return HttpReply(200, sim.counters)
            if route == ("GET", "/_sim/concurrency"):
                return HttpReply(200, {"max_in_flight": sim.max_in_flight})
            if route == ("GET", "/_sim/faults"):
                return HttpReply(200, {"faults": sim.faults, "faults_served": sim.faults_served})
            if route == ("GET", "/_sim/writes"):
                return HttpReply(200, {"writes": sim.writes})
            if route == ("GET", "/_sim/time-shift"):
                return HttpReply(200, {"ms": sim.time_shift_ms})
            if route == ("POST", "/_sim/reset"):
                sim.reset_counters()
                sim.clear_faults()
                sim.clear_writes()
            elif route == ("DELETE", "/_sim/writes"):
                sim.clear_writes()
            elif route == ("POST", "/_sim/start-seconds"):
                sim.start_seconds = _non_negative(body["seconds"], "seconds")
            elif route == ("POST", "/_sim/faults"):
                sim.add_fault(body.pop("endpoint", None), body.pop("kind", None), body.pop("times", 1), **body)
            elif route == ("POST", "/_sim/expire-tokens"):
                sim.expire_tokens()
            elif route == ("POST", "/_sim/services"):
                workspace = str(body.get("workspace_id", "0"))
                if "generate" in body:
                    services = sim.generate_services(body["project_id"], int(body["generate"]), workspace,
                                                     body.get("seed"))
                else:
                    services = [sim.add_service(body["project_id"], body["service"], workspace,
                                                int(body.get("after_list_requests", 0)))]
                return HttpReply(200, {"ok": True, "services": services})
            elif route == ("DELETE", "/_sim/services"):
                sim.remove_service(body["project_id"], body["service_id"], int(body.get("after_list_requests", 0)))
            elif route == ("POST", "/_sim/status"):
                sim.set_status(body["project_id"], body["service_id"], body["status"],
                               int(body.get("after_list_requests", 0)))
            elif route == ("POST", "/_sim/latency"):
                sim.latency = float(body["seconds"])
            else:
                return HttpReply(404, {"ok": False, "error": "unknown admin endpoint %s %s" % route})
        except (ValueError, KeyError, TypeError) as exc:
            return HttpReply(400, {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
        return HttpReply(200, {"ok": True})

    def _send_streamed(self, reply, headers):
        self.close_connection = True
        try:
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            if reply.length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(reply.length))
            self.end_headers()
            for piece, pause in reply.pieces:
                self.wfile.write(piece if reply.length is not None else b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
            if reply.length is None:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, reply):
        payload = reply.payload
        if isinstance(payload, dict) and payload.get("request_id", "") is None:
            payload = dict(payload, request_id=self.request_id)
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode("utf-8")
        elif isinstance(payload, str):
            payload = payload.encode("utf-8")
        headers = {"Content-Type": reply.content_type, "X-Request-Id": self.request_id}
        for name, value in reply.headers.items():
            headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
            headers[name] = str(value)
        if isinstance(reply, StreamedReply):
            return self._send_streamed(reply, headers)
        try:
            self.send_response(reply.status, reply.reason)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _write_port_file(path, port):
    temporary = "%s.%d.tmp" % (path, os.getpid())
    Path(temporary).write_text("%d\n" % port, encoding="ascii")
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Simulator of Huawei Cloud IAM v3 and RES V1 on the loopback.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default 0: a free one)")
    parser.add_argument("--data", help="data file (default: sample_data.json beside this script)")
    parser.add_argument("--generate", action="append", default=[], metavar="PROJECT:N",
                        help="add N generated services to workspace 0 of a project (id or unique name); repeatable")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--token-ttl", type=int, default=86400, help="life of issued tokens in seconds")
    parser.add_argument("--start-seconds", type=float, default=2.0,
                        help="seconds a started service reads deploying before running (default 2, 0: at once)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    try:
        check_loopback(args.host)
        sim = ResSimulator(args.data, args.latency, args.token_ttl, args.host, args.port, args.verbose,
                           start_seconds=args.start_seconds)
        for spec in args.generate:
            project, _sep, count = spec.rpartition(":")
            if not _sep or not count.isdigit():
                raise ValueError("--generate wants PROJECT:N, not %r" % spec)
            project_id = project if project in sim._projects else sim.project_id(project)
            sim.generate_services(project_id, int(count))
    except (ValueError, KeyError, OSError) as exc:
        parser.error(str(exc))
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    url = sim.start()
    if args.port_file:
        _write_port_file(args.port_file, sim.port)
    print("RES simulator listening on %s" % url, flush=True)
    while not stopping.wait(1.0):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
