# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""What changed between two polls of RES services, as the events of the hwc.res.infer_service_events source.

Pure: readings (the orchestrator's ProjectReads) go in, event dicts come out; the event source does the
polling, the threads and the queue.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Dict, Iterable, List, Literal, Optional, Tuple, TypedDict

from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter, distinct_services
from ansible_collections.hwc.res.plugins.module_utils._types import Service

if TYPE_CHECKING:  # the readings come from the orchestrator; this module only compares them
    from ansible_collections.hwc.res.plugins.module_utils._orchestrator import ProjectRead

ChangeType = Literal["added", "removed", "status_changed"]
# (what changed, the service as now seen or, when removed, as last seen, the previous status of a status change)
Change = Tuple[ChangeType, Service, Optional[str]]


class _EventKeys(TypedDict):
    type: str  # a ChangeType, or read_failed
    project_id: Optional[str]
    workspace_id: str
    checked_at: str


class Event(_EventKeys, total=False):
    """An event of the source: where and when, and either the service that changed or why the read failed."""

    service: Service
    previous_status: Optional[str]
    message: str


def utc_now_iso() -> str:
    """The current time as ISO 8601 UTC with milliseconds, the form of the services' ``*_iso`` fields."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def service_changes(previous: List[Service], current: List[Service], service_filter: ServiceFilter) -> List[Change]:
    """The changes from one reading of a project and workspace to the next: ``[(type, service, previous_status)]``.

    ``previous`` and ``current`` are lists of normalized services. A service counts when it matches
    ``service_filter`` in the reading that shows it: an added one now, a removed one before, and one
    whose status changed in either (so a status filter reports services entering and leaving it).
    Changes come in the order of ``current``, then removed services in the order of ``previous``.
    """
    before = dict((service["service_id"], service) for service in previous)
    now_ids = set(service["service_id"] for service in current)
    changes: List[Change] = []
    for service in current:
        old = before.get(service["service_id"])
        if old is None:
            if service_filter.matches(service):
                changes.append(("added", service, None))
        elif old["status"] != service["status"] and (service_filter.matches(service) or service_filter.matches(old)):
            changes.append(("status_changed", service, old["status"]))
    for service in previous:
        if service["service_id"] not in now_ids and service_filter.matches(service):
            changes.append(("removed", service, None))
    return changes


class ServiceWatch:
    """The last good reading of every watched project and workspace, and the events each new poll makes.

    The first good reading of a project and workspace is its baseline: with ``emit_initial`` each
    of its (matching) services is an ``added`` event, otherwise it makes none. A failed reading
    makes one ``read_failed`` event and leaves the last good reading in place, so the next good
    one is compared with what was last seen.
    """

    def __init__(self, service_filter: ServiceFilter, emit_initial: bool = False) -> None:
        self.service_filter = service_filter
        self.emit_initial = emit_initial
        # (configured project_id, workspace_id) -> services
        self._last_good: Dict[Tuple[Optional[str], str], List[Service]] = {}

    def events(self, reads: Iterable[ProjectRead], checked_at: str) -> List[Event]:
        """The events of ``reads``, ProjectReads of any of the watched projects and workspaces, in any order."""
        events: List[Event] = []
        for read in reads:
            # What was configured names a watched project and workspace at every poll, even before the
            # project ID was derived from the credentials.
            watched = (read.config.project_id, read.config.workspace_id)
            project_id, workspace_id = read.project_id, read.config.workspace_id
            if read.error is not None:
                events.append({"type": "read_failed", "message": read.failure_message(), "project_id": project_id,
                               "workspace_id": workspace_id, "checked_at": checked_at})
                continue
            previous = self._last_good.get(watched)
            # A service listed twice would otherwise seem to change status at every poll.
            self._last_good[watched] = distinct_services(read.services or [])[0]
            if previous is None and not self.emit_initial:
                continue
            changes = service_changes(previous or [], self._last_good[watched], self.service_filter)
            for change, service, previous_status in changes:
                event: Event = {"type": change, "service": service, "project_id": project_id,
                                "workspace_id": workspace_id, "checked_at": checked_at}
                if change == "status_changed":
                    event["previous_status"] = previous_status
                events.append(event)
        return events
