# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The services of several projects as one answer: order, counts per project, failures, concurrent details."""

import pytest

from ansible_collections.hwc.res.plugins.module_utils import _auth
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator, ProjectRead, WaitTimeout
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter

P1, P2, P3 = "7f0f015577c437ffaf2486bfb279f705", "9e8f95e534f82a3a0ea7856ef34d2614", "d6fbd8036f5b8b53ef1cd25fabea478f"
DENIED = ResError("RES GET /v1/x/infer-services failed with HTTP 403: res.2301: no.", status_code=403,
                  error_code="res.2301", error_msg="no")


def service(name, project_id, status="running"):
    return {"service_name": name, "service_id": name + "-id", "status": status, "project_id": project_id,
            "workspace_id": "0"}


def answered(*reads, **settings):
    """An Orchestrator whose last read gave ``reads``: (project_id, services or a ResError).

    ``settings``: fail_on_errors, and several (whether the projects option named the projects).
    """
    projects = Orchestrator({"auth_token": "t", "project_id": P1}, [P1] if settings.get("several") else None,
                            max_workers=1, fail_on_errors=settings.get("fail_on_errors", True))
    projects._set_reads([ProjectRead(ConnectionConfig({"auth_token": "t", "project_id": project_id}), project_id,
                                     None if isinstance(got, ResError) else got,
                                     [] if isinstance(got, ResError) else ["odd %s" % project_id],
                                     got if isinstance(got, ResError) else None)
                         for project_id, got in reads])
    return projects


def test_summary_counts_each_project_read_and_leaves_out_the_failed_ones():
    services = [service("a", P1), service("b", P1, "stopped"), service("c", P3)]
    projects = answered((P1, services[:2]), (P2, DENIED), (P3, services[2:]))
    assert projects.summary(services) == {
        "total": 3, "by_status": {"running": 2, "stopped": 1},
        "by_project": {P1: {"total": 2, "by_status": {"running": 1, "stopped": 1}},
                       P3: {"total": 1, "by_status": {"running": 1}}}}


def test_a_failed_project_is_a_failed_projects_entry_and_fails_naming_it():
    projects = answered((P1, [service("a", P1)]), (P2, DENIED), fail_on_errors=True, several=True)
    assert projects.failed_projects() == [{
        "project_id": P2, "workspace_id": "0", "service_id": None, "status_code": 403, "error_code": "res.2301",
        "msg": "Could not read project %s, workspace 0: %s" % (P2, DENIED.message)}]
    failure, warnings = projects.outcome()
    assert failure.message == "Could not read project %s, workspace 0: %s" % (P2, DENIED.message)
    assert (failure.status_code, failure.error_code) == (403, "res.2301")
    assert warnings == ["odd %s" % P1]


def test_without_fail_on_errors_each_failure_is_one_warning():
    projects = answered((P1, DENIED), (P2, DENIED), (P3, []), fail_on_errors=False, several=True)
    failure, warnings = projects.outcome()
    assert failure is None
    assert warnings == ["odd %s" % P3] + ["Could not read project %s, workspace 0: %s Its services are left out." % (
        project, DENIED.message) for project in (P1, P2)]


def test_several_failures_fail_with_one_line_each():
    failure, _warnings = answered((P1, DENIED), (P2, DENIED), fail_on_errors=True, several=True).outcome()
    assert failure.message.splitlines() == ["Could not read project %s, workspace 0: %s" % (project, DENIED.message)
                                            for project in (P1, P2)]
    assert failure.status_code is None


def test_the_project_of_the_connection_fails_with_the_error_itself():
    failure, _warnings = answered((P1, DENIED), fail_on_errors=True, several=False).outcome()
    assert failure.message == DENIED.message


def test_max_workers_below_one_is_refused_before_any_config():
    # Options with no credentials would fail as soon as a config was built.
    with pytest.raises(ResError, match="max_workers must be at least 1, got 0."):
        Orchestrator({}, [P1], 0)


@pytest.fixture
def configs(sim):
    """The options of a task reading from the simulator, with password credentials."""
    return {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain",
            "endpoint": sim.url, "identity_endpoint": sim.url + "/v3", "project_id": P1}


@pytest.mark.parametrize("max_workers", [1, 3])
def test_details_are_read_concurrently_at_most_max_workers_at_a_time_in_order(sim, configs, max_workers):
    projects = Orchestrator(configs, [P1, P2], max_workers)
    services = projects.services()
    sim.latency = 0.2
    sim.reset_counters()
    detailed = projects.add_details(services)
    assert [s["service_id"] for s in detailed] == [s["service_id"] for s in services]
    assert all("access_address" in s and "flows" in s for s in detailed)
    assert sim.counters["details"] == len(services) > max_workers
    assert sim.counters["token"] == 0  # the tokens of the project reads are reused
    assert sim.max_in_flight == max_workers


def test_a_service_whose_details_fail_is_left_out_and_reported(sim, configs):
    projects = Orchestrator(configs, [P1], 4)
    services = projects.services()
    sim.add_fault("details", "http_error", status=404, error_code="res.4721", error_msg="service is not exist.")
    detailed = projects.add_details(services)
    assert len(detailed) == len(services) - 1
    [failure] = projects.failed_projects()
    assert failure["service_id"] in [s["service_id"] for s in services]
    assert failure["service_id"] not in [s["service_id"] for s in detailed]
    assert (failure["project_id"], failure["status_code"], failure["error_code"]) == (P1, 404, "res.4721")
    assert failure["msg"].startswith("Could not read the details of service ")


def test_a_wait_timeout_names_late_services_without_a_secret_they_echo(sim, configs):
    # A service named after the password, and one after the token IAM issued for the read.
    sim.add_service(P1, {"service_name": "res-Demo-Passw0rd!", "status": "stopped"})
    projects = Orchestrator(configs, [P1], 1)
    projects.services()
    [token] = [token for token, _project_id, _expires_at in _auth._token_cache.values()]
    sim.add_service(P1, {"service_name": "res-" + token, "status": "stopped"})
    with pytest.raises(WaitTimeout) as timeout:
        projects.wait(["running"], 0, 1)
    message = timeout.value.message
    assert "res-<redacted> (" in message and "Demo-Passw0rd!" not in message and token not in message
    assert "res-<redacted>" not in [s["service_name"] for s in timeout.value.services]  # the data stays as sent


def test_a_status_the_api_does_not_document_warns_once_however_many_projects_are_read(sim, configs):
    projects = Orchestrator(configs, [P1, P2, {"project_id": P1, "workspace_id": "ws-2"}], 2,
                            service_filter=ServiceFilter(statuses=["gone"]))
    assert projects.services() == []
    _failure, warnings = projects.outcome()
    assert [warning for warning in warnings if "status 'gone' is not a documented status" in warning] == [warnings[0]]


def test_a_wait_keeps_one_session_and_one_token_however_many_polls(sim, configs):
    sim.reset_counters()
    with Orchestrator(configs, None, 4, service_filter=ServiceFilter(names=["res-recall-v1"])) as projects:
        with pytest.raises(WaitTimeout):
            projects.wait(["running"], 2, 1)
    assert sim.counters["list"] >= 2  # the wait polled more than once
    # One client for the task: its session keeps its connection, and IAM issues one token.
    assert (sim.connections, sim.counters["token"]) == (1, 1)


def test_the_id_derived_from_the_credentials_names_a_project_that_could_not_be_read(sim, configs):
    sim.add_fault("list", "http_error", status=403, error_code="res.2301", error_msg="no")
    options = dict(configs, project_id=None, project_name="cn-north-4")
    with Orchestrator(options) as projects:
        projects.services()
        [failure] = projects.failed_projects()
    # The password token told which project it is scoped to, before the list was refused.
    assert failure["project_id"] == P1
    assert failure["msg"].startswith("Could not read project %s, workspace 0: " % P1)
