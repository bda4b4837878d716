# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

import json

import pytest

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import (
    ServiceFilter,
    distinct_services,
    normalize_service,
    normalize_services,
    pending_services,
    run_query,
    select_service,
    state_change,
    state_pending,
    summarize,
)

PROJECT = "0123456789abcdef0123456789abcdef"


def raw_service(**fields):
    service = {
        "service_id": "84746641-9af3-4fa6-b6ed-850e1f63416c",
        "service_name": "res-model-vpc2",
        "description": "test cusom image",
        "infer_type": "real-time",
        "status": "stopped",
        "is_shared": False,
        "invocation_times": "0",
        "failed_times": "0",
        "publish_time": 1547866687137,
        "update_time": 1547866687137,
    }
    service.update(fields)
    return service


def test_documented_example_normalizes():
    service, warnings = normalize_service(raw_service(), PROJECT, "0")
    assert warnings == []
    assert service == dict(
        raw_service(), invocation_times=0, failed_times=0, failure_rate=0.0,
        publish_time_iso="2019-01-19T02:58:07.137Z", update_time_iso="2019-01-19T02:58:07.137Z",
        project_id=PROJECT, workspace_id="0")


def test_failure_rate_and_integer_counters():
    service, _warnings = normalize_service(raw_service(invocation_times="5000", failed_times="900"), PROJECT, "0")
    assert (service["invocation_times"], service["failed_times"]) == (5000, 900)
    assert service["failure_rate"] == pytest.approx(0.18)


def test_absent_description_is_null_and_unknown_fields_are_kept():
    raw = raw_service(status="pending", gpu_count=2)
    del raw["description"]
    service, _warnings = normalize_service(raw, PROJECT, "ws-2")
    assert service["description"] is None
    assert service["status"] == "pending"
    assert service["gpu_count"] == 2
    assert service["workspace_id"] == "ws-2"


@pytest.mark.parametrize("value", ["n/a", "1.5", "", None, True, [], {"n": 1}])
def test_non_numeric_counter_is_null_with_a_warning(value):
    service, warnings = normalize_service(raw_service(invocation_times=value), PROJECT, "0")
    assert service["invocation_times"] is None
    assert service["failure_rate"] is None
    assert len(warnings) == 1
    assert "res-model-vpc2" in warnings[0] and "invocation_times" in warnings[0]


def test_integer_counters_given_as_numbers_are_accepted():
    service, warnings = normalize_service(raw_service(invocation_times=10, failed_times=" 3 "), PROJECT, "0")
    assert (service["invocation_times"], service["failed_times"], warnings) == (10, 3, [])


def test_bad_time_warns_and_leaves_iso_null():
    service, warnings = normalize_service(raw_service(update_time="yesterday"), PROJECT, "0")
    assert service["update_time"] == "yesterday"
    assert service["update_time_iso"] is None
    assert "update_time" in warnings[0]


@pytest.mark.parametrize("value", [10 ** 30, "9" * 5000])
def test_absurd_time_does_not_raise(value):
    service, warnings = normalize_service(raw_service(publish_time=value), PROJECT, "0")
    assert service["publish_time_iso"] is None and warnings


# -- values that must not break a run (one bad entry must not fail the list) ------------------------

def nested(levels):
    value = "bottom"
    for _level in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("value, problem", [
    ("4" * 400, "is too large to be a count"),
    ("4" * 5000, "is too large to be a count"),
    (10 ** 400, "is too large to be a count"),
    ("-3", "is negative"),
    (-3, "is negative"),
    (float("nan"), "is not a whole number"),
    (float("inf"), "is not a whole number"),
])
def test_hostile_counter_is_null_with_a_warning_naming_service_and_field(value, problem):
    service, warnings = normalize_service(raw_service(failed_times=value), PROJECT, "0")
    assert service["failed_times"] is None and service["failure_rate"] is None
    assert len(warnings) == 1
    assert warnings[0].startswith("service res-model-vpc2 (84746641-9af3-4fa6-b6ed-850e1f63416c): failed_times ")
    assert problem in warnings[0] and len(warnings[0]) < 300


@pytest.mark.parametrize("levels", [900, 100000])
def test_deeply_nested_field_is_null_with_a_warning(levels):
    service, warnings = normalize_service(raw_service(description=nested(levels), labels=nested(3)), PROJECT, "0")
    assert service["description"] is None
    assert service["labels"] == nested(3)
    assert warnings == ["service res-model-vpc2 (84746641-9af3-4fa6-b6ed-850e1f63416c): description is nested "
                        "more than 32 levels deep; returned as null."]
    json.dumps(service, allow_nan=False)


def test_deeply_nested_entry_is_an_error_that_can_be_printed():
    with pytest.raises(ResError, match="not an object: \\(a value nested too deep to show\\)"):
        normalize_service(nested(100000), PROJECT, "0")


def test_nan_and_infinity_anywhere_become_null():
    service, warnings = normalize_service(raw_service(
        gpu_count=float("nan"), metrics={"p99": float("-inf"), "p50": 1.5}, publish_time=float("nan")), PROJECT, "0")
    assert service["gpu_count"] is None and service["metrics"] == {"p99": None, "p50": 1.5}
    assert service["publish_time"] is None and service["publish_time_iso"] is None
    assert sorted(w.split(": ", 1)[1] for w in warnings) == [
        "gpu_count is not a finite number; returned as null.",
        "metrics is not a finite number; returned as null.",
        "publish_time is not a finite number; returned as null."]
    json.dumps(service, allow_nan=False)


def test_lone_surrogate_in_a_name_is_replaced():
    service, warnings = normalize_service(raw_service(service_name=u"res-\ud800-x", description=u"\udfff"),
                                          PROJECT, "0")
    assert service["service_name"] == u"res-\ufffd-x" and service["description"] == u"\ufffd"
    assert warnings == [u"service res-\ufffd-x (84746641-9af3-4fa6-b6ed-850e1f63416c): %s has a lone surrogate, "
                        u"replaced by U+FFFD." % field for field in ("service_name", "description")]
    json.dumps(service).encode("utf-8")


def test_control_characters_of_a_name_are_escaped_in_warnings():
    _service, warnings = normalize_service(raw_service(service_name="res-\x1b[2J", failed_times="x"), PROJECT, "0")
    assert "\x1b" not in warnings[0] and "res-\\x1b[2J" in warnings[0]


@pytest.mark.parametrize("value, expected, warned", [
    (True, True, False), (False, False, False), (None, None, False),
    ("true", True, True), (" FALSE ", False, True), ("yes", None, True), (1, None, True), ([True], None, True),
])
def test_is_shared_must_be_a_boolean(value, expected, warned):
    service, warnings = normalize_service(raw_service(is_shared=value), PROJECT, "0")
    assert service["is_shared"] is expected
    assert [("is_shared" in w and "res-model-vpc2" in w) for w in warnings] == ([True] if warned else [])


def test_text_is_shared_matches_the_is_shared_filter():
    service, _warnings = normalize_service(raw_service(is_shared="true"), PROJECT, "0")
    assert ServiceFilter(is_shared=True).apply([service]) == [service]


@pytest.mark.parametrize("raw", [None, "service", [], raw_service(service_name=None), raw_service(status=3),
                                 {k: v for k, v in raw_service().items() if k != "service_id"}])
def test_malformed_entry_raises_res_error(raw):
    with pytest.raises(ResError, match="RES sent a service"):
        normalize_service(raw, PROJECT, "0")


def test_services_must_be_a_list():
    with pytest.raises(ResError, match="not a list"):
        normalize_services({"a": 1}, PROJECT, "0")


SERVICES = [
    dict(raw_service(service_id="1", service_name="res-rank-prod", status="running", is_shared=True)),
    dict(raw_service(service_id="2", service_name="res-rank-canary", status="running")),
    dict(raw_service(service_id="3", service_name="res-recall", status="stopped", infer_type="batch")),
    dict(raw_service(service_id="4", service_name="Res-Rank-upper", status="concerning")),
]


@pytest.mark.parametrize("criteria, expected", [
    ({}, ["1", "2", "3", "4"]),
    ({"names": ["res-rank-*"]}, ["1", "2"]),
    ({"names": ["res-recall", "*canary"]}, ["2", "3"]),
    ({"names": ["res-rank-?rod"]}, ["1"]),
    ({"statuses": ["running", "concerning"]}, ["1", "2", "4"]),
    ({"statuses": ["Running"]}, ["1", "2"]),
    ({"statuses": ["STOPPED", "Concerning"]}, ["3", "4"]),
    ({"infer_type": "batch"}, ["3"]),
    ({"is_shared": True}, ["1"]),
    ({"is_shared": False}, ["2", "3", "4"]),
    ({"service_ids": ["3", "4", "9"]}, ["3", "4"]),
    ({"names": ["res-*"], "statuses": ["running"], "is_shared": False}, ["2"]),
])
def test_filter(criteria, expected):
    assert [s["service_id"] for s in ServiceFilter(**criteria).apply(SERVICES)] == expected


def test_a_documented_status_in_other_case_matches_without_a_warning():
    service_filter = ServiceFilter(statuses=["RUNNING", "stopped"])
    assert service_filter.statuses == ["running", "stopped"]
    assert service_filter.warnings == []


def test_an_undocumented_status_warns_and_is_still_used():
    service_filter = ServiceFilter(statuses=["failed", "running"])
    assert len(service_filter.warnings) == 1
    assert "status 'failed' is not a documented status" in service_filter.warnings[0]
    services = SERVICES + [raw_service(service_id="5", status="failed")]
    assert [s["service_id"] for s in service_filter.apply(services)] == ["1", "2", "5"]


def test_filter_from_options():
    options = {"name": ["res-rank-*"], "status": ["running"], "infer_type": None, "is_shared": None}
    service_filter = ServiceFilter.from_options(options.get, service_ids=["2"])
    assert [s["service_id"] for s in service_filter.apply(SERVICES)] == ["2"]


def test_summarize():
    assert summarize(SERVICES) == {"total": 4, "by_status": {"running": 2, "stopped": 1, "concerning": 1}}
    assert summarize([]) == {"total": 0, "by_status": {}}


def test_pending_names_services_not_in_wait_status_and_missing_exact_names():
    service_filter = ServiceFilter(names=["res-rank-*", "res-recall", "res-new"], service_ids=["1", "7"])
    matched = service_filter.apply(SERVICES)
    pending = pending_services(matched, service_filter, ["running"])
    assert pending == [
        "service name res-recall does not exist yet",
        "service name res-new does not exist yet",
        "service id 7 does not exist yet",
    ]
    pending = pending_services(SERVICES, ServiceFilter(), ["running"])
    assert pending == ["res-recall (3) is stopped", "Res-Rank-upper (4) is concerning"]
    assert pending_services(SERVICES[:2], ServiceFilter(names=["res-rank-prod"]), ["running"]) == []


def test_wait_status_matches_documented_statuses_in_any_case_as_the_status_filter_does():
    statuses = ["Running", "STOPPED"]
    assert [s["service_id"] for s in ServiceFilter(statuses=statuses).apply(SERVICES)] == ["1", "2", "3"]
    assert pending_services(SERVICES, ServiceFilter(), statuses) == ["Res-Rank-upper (4) is concerning"]
    # Any other status is matched exactly as written, since RES may add statuses.
    assert pending_services(SERVICES, ServiceFilter(), ["running", "Concerning-Soon"]) == [
        "res-recall (3) is stopped", "Res-Rank-upper (4) is concerning"]
    assert pending_services([dict(SERVICES[0], status="Warming")], ServiceFilter(), ["Warming"]) == []


def test_query():
    assert run_query(SERVICES, "[?status=='running'].service_name") == ["res-rank-prod", "res-rank-canary"]
    assert run_query([], "length(@)") == 0


@pytest.mark.parametrize("expression", ["[?status=='running'", "length(@, @)", "unknown_fn(@)"])
def test_bad_query_is_a_res_error(expression):
    with pytest.raises(ResError, match="not a valid JMESPath expression"):
        run_query(SERVICES, expression)


def test_a_service_listed_twice_keeps_its_first_entry():
    first = {"project_id": "p1", "service_id": "a", "workspace_id": "0"}
    again = dict(first, workspace_id="ws-2")
    other_project = dict(first, project_id="p2")
    assert distinct_services([first, again, other_project]) == ([first, other_project], [again])


# -- one service and the state it must be in (the state module) --------------------------------------------------

def listed(name, service_id, status="running"):
    return {"service_name": name, "service_id": service_id, "status": status}


WHERE = "project p1, workspace 0"


def test_a_service_is_picked_by_id_by_exact_name_or_by_both():
    services = [listed("res-a", "id-a"), listed("res-b", "id-b", "stopped"), listed("res-a*", "id-star")]
    assert select_service(services, WHERE, service_id="id-b") == services[1]
    assert select_service(services, WHERE, name="res-a*") == services[2]  # no glob: the name as written
    assert select_service(services, WHERE, service_id="id-a", name="res-a") == services[0]
    assert select_service(services, WHERE, name="res-c") is None
    assert select_service(services, WHERE, service_id="id-c") is None


def test_a_name_that_several_services_share_picks_none_and_names_each():
    services = [listed("res-a", "id-1"), listed("res-a", "id-2", "stopped")]
    with pytest.raises(ResError) as caught:
        select_service(services, WHERE, name="res-a")
    assert caught.value.message == ("The name res-a matches 2 services in project p1, workspace 0: id-1 (running); "
                                    "id-2 (stopped). Choose one with service_id.")
    # An ID settles it.
    assert select_service(services, WHERE, service_id="id-2", name="res-a") == services[1]


@pytest.mark.parametrize("service_id, name, message", [
    ("id-a", "res-b", "service_id id-a is the service res-a in project p1, workspace 0, not res-b; they must name "
                      "the same service."),
    ("id-x", "res-b", "No service has the ID id-x in project p1, workspace 0, and the service named res-b has "
                      "another (id-b); they must name the same service."),
])
def test_an_id_and_a_name_of_two_services_pick_none(service_id, name, message):
    with pytest.raises(ResError) as caught:
        select_service([listed("res-a", "id-a"), listed("res-b", "id-b")], WHERE, service_id=service_id, name=name)
    assert caught.value.message == message


@pytest.mark.parametrize("status, state, change", [
    ("running", "running", None), ("deploying", "running", None), ("stopped", "running", "start"),
    ("STOPPED", "running", "start"),
    ("stopped", "stopped", None), ("running", "stopped", "stop"), ("deploying", "stopped", "stop"),
    ("concerning", "stopped", "stop"), ("failed", "stopped", "stop"),
    ("running", "absent", "delete"), ("stopped", "absent", "delete"),
])
def test_each_status_and_state_get_the_write_they_need(status, state, change):
    assert state_change(listed("res-a", "id-a", status), state) == (change, None)


def test_nothing_is_written_for_a_service_that_is_not_there():
    assert state_change(None, "absent") == (None, None)
    assert state_change(None, "running") == (None, None)


def test_a_concerning_service_is_left_running_with_a_warning():
    change, warning = state_change(listed("res-a", "id-a", "concerning"), "running")
    assert change is None
    assert warning == ("service res-a (id-a) is running but concerning; RES has no call that restarts a service, "
                       "so it is left as it is.")


def test_a_status_res_does_not_document_is_not_started():
    with pytest.raises(ResError, match=r"service res-a \(id-a\) has the status 'failed', which RES does not "
                                       r"document; whether it can be started is not known\.$"):
        state_change(listed("res-a", "id-a", "failed"), "running")


def test_a_wait_for_a_state_waits_for_its_status_or_for_the_service_to_go():
    deploying = [listed("res-a", "id-a", "deploying")]
    assert state_pending(deploying, "id-a", "running") == ["res-a (id-a) is deploying"]
    assert state_pending([listed("res-a", "id-a", "Running")], "id-a", "running") == []
    assert state_pending([], "id-a", "running") == ["service ID id-a is not listed"]
    assert state_pending(deploying, "id-a", "absent") == ["res-a (id-a) is still listed, deploying"]
    assert state_pending([], "id-a", "absent") == []
