# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""plugin_utils/_events.py: readings in, events out, without HTTP."""

import re
from types import SimpleNamespace

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import ProjectRead
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter
from ansible_collections.hwc.res.plugins.plugin_utils._events import ServiceWatch, service_changes, utc_now_iso

EVERY = ServiceFilter()
AT = "2026-05-04T10:00:00.000Z"


def service(service_id, status="running", name=None):
    return {"service_id": service_id, "service_name": name or "res-" + service_id, "status": status,
            "project_id": "p", "workspace_id": "0"}


def reading(*services, **where):
    config = SimpleNamespace(workspace_id=where.get("workspace_id", "0"), project_id="p")
    return ProjectRead(config, "p", list(services), [], None)


def failure(message="RES GET /v1/p/infer-services failed with HTTP 503."):
    return ProjectRead(SimpleNamespace(workspace_id="0", project_id="p"), "p", None, [], ResError(message))


def kinds(changes):
    return [(change, item["service_id"], previous) for change, item, previous in changes]


def test_changes_are_added_and_status_changes_in_list_order_then_removals():
    before = [service("a"), service("b", "deploying"), service("c")]
    after = [service("d"), service("b", "running"), service("a")]
    assert kinds(service_changes(before, after, EVERY)) == [
        ("added", "d", None), ("status_changed", "b", "deploying"), ("removed", "c", None)]


def test_other_fields_changing_is_no_change():
    assert service_changes([service("a")], [dict(service("a"), invocation_times=5)], EVERY) == []


def test_a_filter_counts_a_service_that_matches_before_or_after_its_change():
    concerning = ServiceFilter(statuses=["concerning"])
    before = [service("in", "running"), service("out", "concerning"), service("never", "running"),
              service("gone-matching", "concerning"), service("gone-other", "running")]
    after = [service("in", "concerning"), service("out", "stopped"), service("never", "stopped"),
             service("new-matching", "concerning"), service("new-other", "running")]
    assert kinds(service_changes(before, after, concerning)) == [
        ("status_changed", "in", "running"), ("status_changed", "out", "concerning"),
        ("added", "new-matching", None), ("removed", "gone-matching", None)]


def test_the_first_reading_is_a_baseline_unless_emit_initial():
    assert ServiceWatch(EVERY).events([reading(service("a"))], AT) == []
    assert ServiceWatch(EVERY, emit_initial=True).events([reading(service("a"))], AT) == [
        {"type": "added", "service": service("a"), "project_id": "p", "workspace_id": "0", "checked_at": AT}]


def test_a_failure_is_one_read_failed_event_and_the_last_good_reading_stays():
    watch = ServiceWatch(EVERY)
    watch.events([reading(service("a"), workspace_id="ws"), reading(service("b"))], AT)
    events = watch.events([reading(service("a", "stopped"), workspace_id="ws"), failure()], AT)
    assert events == [
        {"type": "status_changed", "service": service("a", "stopped"), "previous_status": "running",
         "project_id": "p", "workspace_id": "ws", "checked_at": AT},
        {"type": "read_failed", "message": "Could not read project p, workspace 0: RES GET /v1/p/infer-services "
         "failed with HTTP 503.", "project_id": "p", "workspace_id": "0", "checked_at": AT}]
    assert [event["type"] for event in watch.events(
        [reading(service("a", "stopped"), workspace_id="ws"), reading(service("b", "concerning"))], AT)] == [
        "status_changed"]


def test_a_project_whose_first_poll_failed_gets_its_baseline_from_its_first_good_one():
    watch = ServiceWatch(EVERY)
    assert [event["type"] for event in watch.events([failure()], AT)] == ["read_failed"]
    assert watch.events([reading(service("a"))], AT) == []


def test_a_service_listed_twice_is_watched_by_its_first_entry():
    watch = ServiceWatch(EVERY)
    twice = reading(service("a", "running"), service("a", "stopped"))
    watch.events([twice], AT)
    assert watch.events([twice], AT) == []
    assert kinds(change for event in watch.events([reading(service("a", "stopped"))], AT)
                 for change in [(event["type"], event["service"], event.get("previous_status"))]) == [
        ("status_changed", "a", "running")]


def test_checked_at_is_iso_8601_utc_with_milliseconds():
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", utc_now_iso())
