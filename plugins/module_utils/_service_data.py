# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Normalize, filter, summarize and query RES services.

Pure functions over plain dicts, shared by the module, the lookup, the
inventory and the compliance rules, so every entry point shows a service the
same way. Anything the API sends that cannot be understood raises ResError.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, TypeVar, overload

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._text import printable
from ansible_collections.hwc.res.plugins.module_utils._types import JSONObject, Service, StatusCounts

DOCUMENTED_STATUSES = ("deploying", "running", "stopped", "concerning")
REQUIRED_TEXT_FIELDS = ("service_id", "service_name", "status")
COUNTER_FIELDS = ("invocation_times", "failed_times")
TIME_FIELDS = ("publish_time", "update_time")
DETAIL_FIELDS = ("access_address", "flows")
GLOB_CHARACTERS = re.compile(r"[*?\[]")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
# The API counts calls in 64-bit integers; a bigger number is no count (and beyond 308 digits not even a float).
MAX_COUNTER = 2 ** 63 - 1
# Real fields (flows, labels) nest a few levels; deeper data would exhaust the stack of whatever walks it next.
MAX_DEPTH = 32
_LONE_SURROGATE = re.compile(u"[\ud800-\udfff]")
_BOOLEAN_TEXT = {"true": True, "false": False}


_DOCUMENTED_BY_CASE = dict((status.lower(), status) for status in DOCUMENTED_STATUSES)
_Value = TypeVar("_Value")


@overload
def documented_status(status: str) -> str:
    ...


@overload
def documented_status(status: _Value) -> _Value:
    ...


def documented_status(status: object) -> object:
    """A documented status written in other case stands for it (filters, waits); any other value is kept."""
    return _DOCUMENTED_BY_CASE.get(status.lower(), status) if isinstance(status, str) else status


class _TooDeep(Exception):
    pass


def _integer(value: object) -> Optional[int]:
    """An integer from the API's digit strings (or numbers); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value):
        try:
            return int(value)
        except ValueError:  # more digits than the interpreter converts
            return None
    return None


def _counter(value: object) -> Tuple[Optional[int], Optional[str]]:
    """(the count, or None; why it is None, or None)."""
    if isinstance(value, str) and _INTEGER.match(value) and len(value.strip().lstrip("+-").lstrip("0")) > 19:
        return None, "is too large to be a count"
    count = _integer(value)
    if count is None:
        return None, "is not a whole number"
    if count < 0:
        return None, "is negative"
    if count > MAX_COUNTER:
        return None, "is too large to be a count"
    return count, None


def _iso_from_epoch_ms(value: object) -> Optional[str]:
    millis = _integer(value)
    if millis is None:
        return None
    try:
        moment = datetime.fromtimestamp(millis / 1000.0, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _safe_value(value: Any, problems: Set[str], depth: int = 0) -> Any:
    """``value`` with what JSON output and Ansible cannot carry replaced; each kind of replacement added to ``problems``.

    NaN and infinities become None (ansible-inventory --list would write invalid JSON), lone surrogates
    become U+FFFD (no UTF-8 output can encode them); data nested deeper than MAX_DEPTH raises _TooDeep.
    """
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            problems.add("has a lone surrogate, replaced by U+FFFD")
            return _LONE_SURROGATE.sub(u"\ufffd", value)
        return value
    if isinstance(value, float) and not math.isfinite(value):
        problems.add("is not a finite number; returned as null")
        return None
    if isinstance(value, (dict, list)):
        if depth >= MAX_DEPTH:
            raise _TooDeep()
        if isinstance(value, list):
            return [_safe_value(item, problems, depth + 1) for item in value]
        return dict((_safe_value(key, problems, depth + 1), _safe_value(item, problems, depth + 1))
                    for key, item in value.items())
    return value


def _safe_fields(raw: JSONObject, label: str) -> Tuple[JSONObject, List[str]]:
    """(a copy of ``raw`` safe to return, warnings naming the service and each field that was changed)."""
    fields: JSONObject = {}
    warnings: List[str] = []
    for name, value in raw.items():
        problems: Set[str] = set()
        try:
            safe_name = _safe_value(name, problems)
            fields[safe_name] = _safe_value(value, problems)
        except _TooDeep:
            fields[safe_name] = None
            problems = {"is nested more than %d levels deep; returned as null" % MAX_DEPTH}
        warnings.extend("%s: %s %s." % (label, printable(safe_name), problem) for problem in sorted(problems))
    return fields, warnings


def _is_shared(value: object, label: str) -> Tuple[Optional[bool], List[str]]:
    """(is_shared as a boolean or None, warnings): the API documents a boolean, but text may come."""
    if value is None or isinstance(value, bool):
        return value, []
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_TEXT:
        shared = _BOOLEAN_TEXT[value.strip().lower()]
        return shared, ["%s: is_shared %s is text, not a boolean; read as %s." % (
            label, _excerpt(value), "true" if shared else "false")]
    return None, ["%s: is_shared %s is not a boolean; returned as null." % (label, _excerpt(value))]


def normalize_service(raw: object, project_id: Optional[str], workspace_id: str) -> Tuple[Service, List[str]]:
    """Return (service, warnings) for one service as the list endpoint sent it.

    Every field the API sent is kept; counters become integers, times gain an
    ISO 8601 twin, and the query's project and workspace are added. A value
    that cannot be carried safely becomes null (or a safe value) with a warning.
    """
    if not isinstance(raw, dict):
        raise ResError("RES sent a service entry that is not an object: %s." % _excerpt(raw))
    for field in REQUIRED_TEXT_FIELDS:
        if not isinstance(raw.get(field), str):
            raise ResError("RES sent a service without a text %s: %s." % (field, _excerpt(raw)))
    label = "service %s (%s)" % (printable(_LONE_SURROGATE.sub(u"\ufffd", raw["service_name"])),
                                 printable(_LONE_SURROGATE.sub(u"\ufffd", raw["service_id"])))
    counters = dict((field, raw.get(field)) for field in COUNTER_FIELDS)
    service, warnings = _safe_fields(dict((k, v) for k, v in raw.items() if k not in counters), label)
    service.setdefault("description", None)
    for field, value in counters.items():
        service[field], problem = _counter(value)
        if problem:
            warnings.append("%s: %s %s %s; returned as null." % (label, field, _excerpt(value), problem))
    invocations, failures = service["invocation_times"], service["failed_times"]
    if invocations is None or failures is None:
        service["failure_rate"] = None
    else:
        service["failure_rate"] = float(failures) / invocations if invocations > 0 else 0.0
    if "is_shared" in service:
        service["is_shared"], shared_warnings = _is_shared(service["is_shared"], label)
        warnings.extend(shared_warnings)
    for field in TIME_FIELDS:
        service[field + "_iso"] = _iso_from_epoch_ms(service.get(field))
        if service[field + "_iso"] is None and service.get(field) is not None:
            warnings.append("%s: %s %s is not a time in epoch milliseconds." % (
                label, field, _excerpt(service.get(field))))
    service["project_id"] = project_id
    service["workspace_id"] = workspace_id
    return service, warnings


def normalize_details(details: JSONObject, service: Service) -> Tuple[Any, Any, List[str]]:
    """(access_address, flows, warnings) from the details RES sent for the normalized ``service``.

    The details are API data like the list: what cannot be carried safely becomes null, with a warning.
    """
    label = "service %s (%s)" % (printable(service["service_name"]), printable(service["service_id"]))
    fields, warnings = _safe_fields(dict((name, details.get(name)) for name in DETAIL_FIELDS), label)
    flows = [] if details.get("flows") is None else fields["flows"]  # none sent: none exist
    return fields["access_address"], flows, warnings


def normalize_services(raws: object, project_id: Optional[str], workspace_id: str) -> Tuple[List[Service], List[str]]:
    """Normalize a list of services; returns (services, warnings)."""
    if not isinstance(raws, list):
        raise ResError("RES sent services that are not a list: %s." % _excerpt(raws))
    services: List[Service] = []
    warnings: List[str] = []
    for raw in raws:
        service, service_warnings = normalize_service(raw, project_id, workspace_id)
        services.append(service)
        warnings.extend(service_warnings)
    return services, warnings


def _excerpt(value: object, limit: int = 80) -> str:
    try:
        text = repr(value)
    except RecursionError:
        return "(a value nested too deep to show)"
    except ValueError:  # an integer past the interpreter's limit on digits
        return "(a number too long to show)"
    return text if len(text) <= limit else text[:limit] + "..."


def has_glob(pattern: str) -> bool:
    return bool(GLOB_CHARACTERS.search(pattern))


def distinct_services(services: Iterable[Service]) -> Tuple[List[Service], List[Service]]:
    """(the services with the first entry of each project and service ID, the later entries that repeat one).

    A list that names one service twice (in two workspaces of its project, or twice in one answer)
    would give two inventory hosts one name, or make the event source see the service change at
    every poll; the repeat is left out instead.
    """
    kept: List[Service] = []
    repeated: List[Service] = []
    seen: Set[Tuple[Optional[str], str]] = set()
    for service in services:
        key = (service["project_id"], service["service_id"])
        (repeated if key in seen else kept).append(service)
        seen.add(key)
    return kept, repeated


class ServiceFilter:
    """Which services to keep: every given criterion must hold; within a list, any entry may match.

    ``names`` are shell-style globs on service_name (case-sensitive, as the API is). A status
    that is a documented one in other case stands for it; any other status is kept as given (the
    API may add statuses) and named in ``warnings``.
    """

    def __init__(self, service_ids: Optional[Iterable[str]] = None, names: Optional[Iterable[str]] = None,
                 statuses: Optional[Iterable[str]] = None, infer_type: Optional[str] = None,
                 is_shared: Optional[bool] = None) -> None:
        self.service_ids = list(service_ids or [])
        self.names = list(names or [])
        self.statuses = [documented_status(status) for status in statuses or []]
        self.warnings = ["status %s is not a documented status (%s); only services with exactly this status "
                         "match." % (_excerpt(status), ", ".join(DOCUMENTED_STATUSES))
                         for status in self.statuses if status not in DOCUMENTED_STATUSES]
        self.infer_type = infer_type
        self.is_shared = is_shared

    @classmethod
    def from_options(cls, get_option: Callable[[str], Any],
                     service_ids: Optional[Iterable[str]] = None) -> ServiceFilter:
        """Build from the shared filter options, read through ``get_option(name)``."""
        return cls(service_ids=service_ids, names=get_option("name"), statuses=get_option("status"),
                   infer_type=get_option("infer_type"), is_shared=get_option("is_shared"))

    def matches(self, service: Service) -> bool:
        if self.service_ids and service.get("service_id") not in self.service_ids:
            return False
        if self.names and not any(fnmatchcase(service.get("service_name", ""), name) for name in self.names):
            return False
        if self.statuses and service.get("status") not in self.statuses:
            return False
        if self.infer_type is not None and service.get("infer_type") != self.infer_type:
            return False
        if self.is_shared is not None and service.get("is_shared") is not self.is_shared:
            return False
        return True

    def apply(self, services: Iterable[Service]) -> List[Service]:
        return [service for service in services if self.matches(service)]

    def expected(self) -> List[Tuple[str, str]]:
        """Names (without glob characters) and service IDs that must exist for the filter to be satisfied."""
        return [("service_name", name) for name in self.names if not has_glob(name)] + \
            [("service_id", service_id) for service_id in self.service_ids]


def summarize(services: Sequence[Service]) -> StatusCounts:
    """``{"total": N, "by_status": {status: n}}`` over ``services``."""
    by_status: Dict[str, int] = {}
    for service in services:
        by_status[service["status"]] = by_status.get(service["status"], 0) + 1
    return {"total": len(services), "by_status": by_status}


def pending_services(services: Sequence[Service], service_filter: ServiceFilter,
                     wait_status: Iterable[str]) -> List[str]:
    """What a wait is still waiting for: a list of sentences, empty when done.

    A matched service whose status is not in ``wait_status`` is pending, and so
    is an expected name or ID (see ServiceFilter.expected) that no service has yet.
    As in ServiceFilter, a documented status in other case stands for it.
    """
    wait_status = [documented_status(status) for status in wait_status]
    pending = ["%s (%s) is %s" % (service["service_name"], service["service_id"], service["status"])
               for service in services if service["status"] not in wait_status]
    for field, value in service_filter.expected():
        if not any(service.get(field) == value for service in services):
            pending.append("%s %s does not exist yet" % (field.replace("_", " "), value))
    return pending


def run_query(services: List[Service], expression: str) -> Any:
    """Apply a JMESPath expression to ``services``; raises ResError on a bad expression or a missing jmespath."""
    try:
        import jmespath
        from jmespath.exceptions import JMESPathError
    except ImportError:
        raise ResError("The query option needs the Python library jmespath; install it with 'pip install jmespath' "
                       "on the host that runs this task.")
    try:
        return jmespath.search(expression, services)
    except JMESPathError as exc:
        raise ResError("query %r is not a valid JMESPath expression: %s" % (expression, exc))


# What the state module can ask for, and what each write makes of a service.
STATES = ("running", "stopped", "absent")
START, STOP, DELETE = "start", "stop", "delete"
# How RES says that a service it was asked about does not exist.
SERVICE_NOT_FOUND = "res.4721"


def select_service(services: Sequence[Service], where: str, service_id: Optional[str] = None,
                   name: Optional[str] = None) -> Optional[Service]:
    """The one service that ``service_id`` and ``name`` (an exact service_name) pick, or None when none does.

    When both are given they must pick the same service. Raises ResError when a name picks several
    services or the two pick different ones; ``where`` (``project P, workspace W``) goes into the message.
    """
    by_id = [service for service in services if service["service_id"] == service_id] if service_id else []
    by_name = [service for service in services if service["service_name"] == name] if name is not None else []
    if service_id:
        chosen = by_id[0] if by_id else None  # a service listed twice is one service
        if name is not None and chosen is not None and chosen["service_name"] != name:
            raise ResError("service_id %s is the service %s in %s, not %s; they must name the same service." % (
                printable(service_id), printable(chosen["service_name"]), where, printable(name)))
        if name is not None and chosen is None and by_name:
            raise ResError("No service has the ID %s in %s, and the service named %s has another (%s); they must "
                           "name the same service." % (printable(service_id), where, printable(name), ", ".join(
                               printable(service["service_id"]) for service in by_name)))
        return chosen
    if name is not None and len(by_name) > 1:
        raise ResError("The name %s matches %d services in %s: %s. Choose one with service_id." % (
            printable(name), len(by_name), where, "; ".join("%s (%s)" % (
                printable(service["service_id"]), printable(service["status"])) for service in by_name)))
    return by_name[0] if by_name else None


def state_change(service: Optional[Service], state: str) -> Tuple[Optional[str], Optional[str]]:
    """(the write that brings ``service`` (None: not listed) to ``state``, or None; a warning, or None).

    The write is START (PATCH running), STOP (PATCH stopped) or DELETE. A service that is deploying
    is on its way to running; one that is concerning runs already, and RES has no call that restarts
    it. A status RES does not document is not guessed at for a start: that raises ResError.
    """
    if state == "absent":
        return (DELETE if service is not None else None), None
    if service is None:
        return None, None
    status = documented_status(service["status"])
    if state == "stopped":
        return (None if status == "stopped" else STOP), None
    if status in ("running", "deploying"):
        return None, None
    if status == "stopped":
        return START, None
    label = "service %s (%s)" % (printable(service["service_name"]), printable(service["service_id"]))
    if status == "concerning":
        return None, ("%s is running but concerning; RES has no call that restarts a service, so it is left as it "
                      "is." % label)
    raise ResError("%s has the status %s, which RES does not document; whether it can be started is not known." % (
        label, _excerpt(service["status"])))


def state_pending(services: Iterable[Service], service_id: str, state: str) -> List[str]:
    """What a wait for ``state`` of the service ``service_id`` still waits for: a list of sentences, empty when done."""
    listed = [service for service in services if service["service_id"] == service_id][:1]
    if state == "absent":
        return ["%s (%s) is still listed, %s" % (service["service_name"], service["service_id"], service["status"])
                for service in listed]
    if not listed:
        return ["service ID %s is not listed" % service_id]
    # A concerning service runs, unhealthy: no wait would see it change.
    reached = ("running", "concerning") if state == "running" else (state,)
    return ["%s (%s) is %s" % (service["service_name"], service["service_id"], service["status"])
            for service in listed if documented_status(service["status"]) not in reached]
