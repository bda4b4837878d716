# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""One orchestrator per task: the task's clients, the worker pool, order, partial failure, warnings and waits.

Every entry point (module, lookup, inventory, event source) makes one Orchestrator from its options
and asks it for services; only the orchestrator makes clients and runs work concurrently. It holds
one client per project and workspace for the whole task, so a wait of many polls, the details and
the list all share one HTTP session and one IAM token per credential.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypedDict,
    TypeVar,
    Union,
)

from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig, project_configs
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import (
    DELETE,
    SERVICE_NOT_FOUND,
    START,
    ServiceFilter,
    pending_services,
    select_service,
    state_pending,
    summarize,
)
from ansible_collections.hwc.res.plugins.module_utils._text import Redactor, server_text
from ansible_collections.hwc.res.plugins.module_utils._types import Service, StatusCounts

# A wait's first poll may take this long even when wait_timeout is shorter, so wait_timeout 0 checks once.
FIRST_POLL_SECONDS = 10


class WaitTimeout(ResError):
    """The wait ran out of time; ``services`` are those of the last complete read."""

    def __init__(self, message: str, services: List[Service]) -> None:
        super().__init__(message)
        self.services = services


class ProjectRead(NamedTuple):
    """What reading one ConnectionConfig gave: every service it lists (unfiltered) and warnings, or the ResError.

    ``project_id`` is the project read: derived from the credentials when not configured, and after a
    failure whatever was known of it (None when it was still to be derived).
    """

    config: ConnectionConfig
    project_id: Optional[str]
    services: Optional[List[Service]]  # None when the read failed
    warnings: List[str]
    error: Optional[ResError]

    def failure_message(self) -> str:
        """``Could not read project P, workspace W: <the error>``."""
        where = "project %s, workspace %s" % (self.project_id or "(from the credentials)", self.config.workspace_id)
        return "Could not read %s: %s" % (where, self.error)


class FailedProject(TypedDict):
    """An entry of failed_projects: a project (or, with service_id, a service's details) that could not be read."""

    project_id: Optional[str]
    workspace_id: str
    service_id: Optional[str]
    msg: str
    status_code: Optional[int]
    error_code: Optional[str]


class _Failure(NamedTuple):
    entry: FailedProject
    error: ResError
    sentence: str  # what happened, as a warning or a failure message says it
    left_out: str  # what became of the services


class Summary(StatusCounts):
    """summarize() of the services, plus the same counts for each project read."""

    by_project: Dict[Optional[str], StatusCounts]


class ServicesResult(TypedDict):
    """What the module returns about the services."""

    services: List[Service]
    summary: Summary
    failed_projects: List[FailedProject]


class Orchestrator:
    """The RES services of the projects a task names, read as one answer.

    ``options`` are the connection options, ``projects`` the projects option (None: the project of the
    options), ``service_filter`` what the task keeps. A project that cannot be read fails the task when
    ``fail_on_errors``; otherwise it is a warning and the others are returned.
    """

    def __init__(self, options: Dict[str, Any], projects: Optional[Sequence[Any]] = None, max_workers: int = 8,
                 fail_on_errors: bool = True, service_filter: Optional[ServiceFilter] = None) -> None:
        if max_workers < 1:
            raise ResError("max_workers must be at least 1, got %d." % max_workers)
        self.configs = project_configs(options, projects)
        self.service_filter: ServiceFilter = service_filter or ServiceFilter()
        self.max_workers = max_workers
        self.fail_on_errors = fail_on_errors
        # With the projects option, a failure names its project; without it, it is the error itself.
        self._several = bool(projects)
        self._redactor = Redactor([secret for config in self.configs for secret in config.secrets])
        self._clients = [ResClient(config, self._redactor, pool_size=max_workers) for config in self.configs]
        self._reads: List[ProjectRead] = []
        self._detail_failures: List[Tuple[Service, ResError]] = []
        self._detail_warnings: List[str] = []
        self._failures: Optional[List[_Failure]] = None
        self._said: Set[str] = set()

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def __enter__(self) -> Orchestrator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def reads(self) -> List[ProjectRead]:
        """The ProjectRead of each config, in the configured order, from the last read."""
        return list(self._reads)

    # -- reading --------------------------------------------------------------------------------------

    def read(self, deadline: Optional[float] = None) -> List[ProjectRead]:
        """List every project; the ProjectReads in the configured order (their services unfiltered).

        ``deadline`` (a time.monotonic() value) ends every request still under way then.
        """
        self._set_reads(_in_order(self._read_as_completed(deadline)))
        return self.reads

    def read_each(self, deadline: Optional[float] = None) -> Iterator[ProjectRead]:
        """List every project, yielding each ProjectRead as soon as its project is read (for a watcher).

        A project that is slow or throttled holds back none of the others; every read ends by ``deadline``.
        """
        reads = []
        for index, read in self._read_as_completed(deadline):
            reads.append((index, read))
            yield read
        self._set_reads(_in_order(reads))

    def services(self, deadline: Optional[float] = None) -> List[Service]:
        """The services that pass the filter, of every project read, in the order of the projects."""
        return self._filtered(self.read(deadline))

    def wait(self, wait_status: Sequence[str], timeout: float, sleep: float) -> List[Service]:
        """Read until nothing is pending across all projects (see pending_services); the last read's services.

        With fail_on_errors, a project that cannot be read ends the wait at once. Every poll, retry and
        pause ends by the deadline, ``timeout`` seconds from now (the first poll may take FIRST_POLL_SECONDS).
        Raises WaitTimeout, which carries the services of the last complete read.
        """
        return self._poll_until(lambda services: pending_services(services, self.service_filter, wait_status),
                                "status %s" % " or ".join(wait_status), timeout, sleep)

    def _poll_until(self, pending_of: Callable[[List[Service]], List[str]], awaited: str, timeout: float,
                    sleep: float) -> List[Service]:
        """Read every ``sleep`` seconds until ``pending_of(services)`` is empty; the last read's services."""
        started = time.monotonic()
        deadline = started + timeout
        services = self.services(started + max(timeout, FIRST_POLL_SECONDS))
        while True:
            if self.fail_on_errors and self.failed_projects():
                return services
            pending = pending_of(services)
            if not pending:
                return services
            if time.monotonic() + sleep > deadline:
                break
            time.sleep(sleep)
            complete = services, self._reads
            services = self.services(deadline)
            if self.failed_projects() and time.monotonic() >= deadline:
                # The deadline cut this read short: the wait timed out, with what the read before saw.
                services, reads = complete
                self._set_reads(reads)
                break
        # Service names are server text: they might echo a secret.
        raise WaitTimeout("Timed out after %d seconds waiting for %s: %s." % (
            timeout, awaited, server_text("; ".join(pending), self._redactor)), services)

    # -- one service (the state module) --------------------------------------------------------------

    @property
    def where(self) -> str:
        """``project P, workspace W`` of the task's one project, as messages name it."""
        read = self._reads[0] if self._reads else None
        project_id = (read and read.project_id) or self.configs[0].project_id or "(from the credentials)"
        return "project %s, workspace %s" % (project_id, self.configs[0].workspace_id)

    def find_service(self, service_id: Optional[str] = None, name: Optional[str] = None) -> Optional[Service]:
        """The service that ``service_id`` and ``name`` pick in the task's one project (see select_service), or None.

        Raises the ResError of a list that cannot be read.
        """
        services = [service for read in self.read() for service in read.services or []]
        failure, _warnings = self.outcome()
        if failure is not None:
            raise failure
        try:
            chosen: Optional[Service] = select_service(services, self.where, service_id, name)
        except ResError as error:
            raise error.redacted(self._redactor) from None
        return chosen

    def change_state(self, service: Service, change: str) -> bool:
        """Send the write ``change`` (START, STOP or DELETE) for ``service``; whether RES changed anything.

        A service RES no longer knows when it is to be deleted is gone already: no change, unless the DELETE
        was retried, as an attempt whose answer was lost may have deleted it.
        """
        client = self._clients[0]
        try:
            if change == DELETE:
                client.delete_service(service["service_id"])
            else:
                client.update_status(service["service_id"], "running" if change == START else "stopped")
        except ResError as error:
            if change == DELETE and (error.error_code or "").lower() == SERVICE_NOT_FOUND:
                return error.retried
            raise
        return True

    def wait_for_state(self, service_id: str, state: str, timeout: float, sleep: float) -> Optional[Service]:
        """Poll until the service ``service_id`` has ``state`` (running, stopped, or absent: not listed).

        Returns the service as last read, or None once it is gone. Raises WaitTimeout like wait().
        """
        awaited = "the service to be deleted" if state == "absent" else "status %s" % state
        services = self._poll_until(lambda services: state_pending(services, service_id, state), awaited, timeout,
                                    sleep)
        failure, _warnings = self.outcome()
        if failure is not None:
            raise failure
        return next((service for service in services if service["service_id"] == service_id), None)

    def add_details(self, services: List[Service]) -> List[Service]:
        """Add each service's details, concurrently; returns the services whose details could be read, in order."""
        clients = dict(((read.project_id, read.config.workspace_id), client)
                       for read, client in zip(self._reads, self._clients) if not read.error)

        def detail(service: Service) -> Tuple[List[str], Optional[ResError]]:
            try:
                return clients[service["project_id"], service["workspace_id"]].add_details([service]), None
            except ResError as error:
                return [], error

        outcomes = _in_order(_run_concurrently(detail, services, self.max_workers))
        for service, (warnings, error) in zip(services, outcomes):
            if error:
                self._detail_failures.append((service, error))
            else:
                self._detail_warnings.extend(warnings)
        self._failures = None
        return [service for service, (_warnings, error) in zip(services, outcomes) if error is None]

    # -- the answer -----------------------------------------------------------------------------------

    def failed_projects(self) -> List[FailedProject]:
        """``[{project_id, workspace_id, service_id, msg, status_code, error_code}]``; service_id for details."""
        return [failure for failure, _error, _sentence, _left_out in self._failed()]

    def summary(self, services: List[Service]) -> Summary:
        """summarize() of ``services``, plus ``by_project``: the same counts for each project read."""
        counts: StatusCounts = summarize(services)
        projects: List[Optional[str]] = []
        for read in self._reads:
            if not read.error and read.project_id not in projects:
                projects.append(read.project_id)
        by_project: Dict[Optional[str], StatusCounts] = dict(
            (project, summarize([service for service in services if service["project_id"] == project]))
            for project in projects)
        return {"total": counts["total"], "by_status": counts["by_status"], "by_project": by_project}

    def result(self, services: List[Service]) -> ServicesResult:
        """What the module returns about ``services``: the services, their summary and failed_projects."""
        return {"services": services, "summary": self.summary(services), "failed_projects": self.failed_projects()}

    def outcome(self) -> Tuple[Optional[ResError], List[str]]:
        """(the ResError to fail with, or None; the warnings not said yet).

        A failed read fails when fail_on_errors, with a message naming every failure; otherwise each is one
        warning. With one project of the connection options (no projects option) and one failure, the
        message is the error's own.
        """
        failures = self._failed()
        failure: Optional[ResError] = None
        warnings = self.warnings()
        if failures and self.fail_on_errors:
            if len(failures) == 1:
                _failure, error, sentence, _left_out = failures[0]
                failure = ResError(sentence if self._several else error.message, error.status_code, error.error_code,
                                   error.error_msg, error.request_id)
            else:
                failure = ResError("\n".join(sentence for _failure, _error, sentence, _left_out in failures))
        elif failures:
            warnings.extend("%s %s" % (sentence, left_out) for _failure, _error, sentence, left_out in failures)
        return failure, warnings

    def warnings(self) -> List[str]:
        """Every warning of the reads not said before in this task: the filter's, then odd values, in order."""
        # The filter's own warnings (an undocumented status) are said unless no project could be read at all.
        filter_warnings: List[str] = [] if self._reads and all(read.error for read in self._reads) else \
            self.service_filter.warnings
        warnings = filter_warnings + [warning for read in self._reads for warning in read.warnings] + \
            self._detail_warnings
        new = [warning for warning in dict.fromkeys(warnings) if warning not in self._said]
        self._said.update(new)
        return new

    def _set_reads(self, reads: List[ProjectRead]) -> None:
        self._reads = reads
        self._detail_failures = []
        self._detail_warnings = []
        self._failures = None

    def _filtered(self, reads: List[ProjectRead]) -> List[Service]:
        return [service for read in reads if not read.error
                for service in self.service_filter.apply(read.services or [])]

    def _failed(self) -> List[_Failure]:
        """(failure as returned in failed_projects, the ResError, its sentence, what became of the services)."""
        if self._failures is None:
            failures = [(read.project_id, read.config.workspace_id, None, read.error, read.failure_message(),
                         "Its services are left out.") for read in self._reads if read.error]
            for service, error in self._detail_failures:
                sentence = "Could not read the details of service %s (%s) of project %s, workspace %s: %s" % (
                    service["service_name"], service["service_id"], service["project_id"], service["workspace_id"],
                    error.message)
                failures.append((service["project_id"], service["workspace_id"], service["service_id"], error,
                                 sentence, "The service is left out."))
            self._failures = [_Failure({"project_id": project_id, "workspace_id": workspace_id,
                                        "service_id": service_id, "msg": sentence, "status_code": error.status_code,
                                        "error_code": error.error_code}, error, sentence, left_out)
                              for project_id, workspace_id, service_id, error, sentence, left_out in failures]
        return self._failures

    def _read_as_completed(self, deadline: Optional[float]) -> Iterator[Tuple[int, ProjectRead]]:
        """(config index, ProjectRead) for every config, as each project's reads complete.

        Projects are read concurrently, at most max_workers at a time. The configs of one project (other
        workspaces) are read one after the other by the same worker, so that they share its IAM token.
        """
        by_project: Dict[Optional[str], List[int]] = {}
        for index, config in enumerate(self.configs):
            by_project.setdefault(config.project_id, []).append(index)

        def read_project(indices: List[int]) -> List[Tuple[int, ProjectRead]]:
            return [(index, self._read_one(index, deadline)) for index in indices]

        for _position, reads in _run_concurrently(read_project, list(by_project.values()), self.max_workers):
            for index, read in reads:
                yield index, read

    def _read_one(self, index: int, deadline: Optional[float]) -> ProjectRead:
        client = self._clients[index]
        try:
            services, warnings = client.find_services(deadline)
            return ProjectRead(client.config, client.known_project_id, services, warnings, None)
        except ResError as error:
            return ProjectRead(client.config, client.known_project_id, None, [], error)


_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def _in_order(indexed: Iterable[Tuple[int, _Result]]) -> List[_Result]:
    """The results of (index, result) pairs that cover every index from 0, in the order of their indexes."""
    return [result for _index, result in sorted(indexed, key=lambda pair: pair[0])]


def _run_concurrently(function: Callable[[_Item], _Result], items: Sequence[_Item],
                      max_workers: int) -> Iterator[Tuple[int, _Result]]:
    """(index, function(item)) for each of ``items``, as each completes; at most ``max_workers`` at a time.

    One item runs in the calling thread, as a pool of one would only add a thread. Otherwise the
    workers are daemon threads, unlike those of concurrent.futures, which the interpreter joins at
    exit: after Ctrl-C or the cancellation of an event source, a request still under way must not
    hold the process until its timeout. Items not started yet are dropped when the caller stops.
    """
    if len(items) == 1:
        yield 0, function(items[0])
        return
    todo: queue.Queue[Tuple[int, _Item]] = queue.Queue()
    for entry in enumerate(items):
        todo.put(entry)
    # (index, (result,)) or (index, the exception): a result in a 1-tuple, even one that is an exception.
    done: queue.Queue[Tuple[int, Union[Tuple[_Result], BaseException]]] = queue.Queue()
    stopped = threading.Event()

    def work() -> None:
        while not stopped.is_set():
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((index, (function(item),)))
            except BaseException as error:  # pylint: disable=broad-exception-caught  # raised in the caller
                done.put((index, error))

    for number in range(min(max_workers, len(items))):
        threading.Thread(target=work, name="hwc.res-worker-%d" % number, daemon=True).start()
    try:
        for _count in range(len(items)):
            index, outcome = done.get()
            if isinstance(outcome, BaseException):
                raise outcome
            yield index, outcome[0]
    finally:
        stopped.set()
