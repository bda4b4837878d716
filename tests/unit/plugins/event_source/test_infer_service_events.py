# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source hwc.res.infer_service_events: main(queue, args), loaded as ansible-rulebook loads it, polling
an in-process simulator.

The source accepts intervals of 1 second and more; these tests lower that floor to poll every few hundredths of
a second (see ``source``). Polls are counted by the simulator's list requests, never by the clock.
"""

import asyncio
import json
import logging
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import ansible

from ansible_collections.hwc.res.plugins.module_utils import _client as client_module
from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig

SOURCE = Path(client_module.__file__).parents[2] / "extensions" / "eda" / "plugins" / "event_source" / \
    "infer_service_events.py"
PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
OTHER_PROJECT_ID = "9e8f95e534f82a3a0ea7856ef34d2614"
PASSWORD = "Demo-Passw0rd!"
PASSWORD_AUTH = {"user": "demo-user", "password": PASSWORD, "domain": "demo-domain"}
RECALL_V2_ID = "6b666ef3-9085-4330-94c3-5ba13f66e137"
POLL = 0.02
WAIT = 15  # seconds any one expected thing may take, generously


def run_source():
    """The source's globals, from runpy.run_path, as ansible-rulebook loads a source.

    Under ``ansible-test units`` a collection loader path hook claims every path of the collection, and
    runpy would then take the file for a package folder: the path is marked as no importer, as it is
    wherever ansible-rulebook runs.
    """
    sys.path_importer_cache[str(SOURCE)] = None
    return runpy.run_path(str(SOURCE))


@pytest.fixture
def source(monkeypatch):
    """The source's main(), from runpy.run_path like ansible-rulebook, with the interval floor lowered for tests."""
    main = run_source()["main"]
    monkeypatch.setitem(main.__globals__, "MINIMUM_INTERVAL", 0.01)
    return main


@pytest.fixture
def args(simulator):
    return dict(PASSWORD_AUTH, endpoint=simulator.url, identity_endpoint=simulator.url + "/v3",
                project_id=PROJECT_ID, retries=0, interval=POLL)


class Watch:
    """main() running as a task: its events, and the simulator's list requests to count polls by."""

    def __init__(self, main, args, simulator):
        self.queue = asyncio.Queue()
        self.simulator = simulator
        self.lists_per_poll = len(args.get("projects") or [None])
        self.task = asyncio.ensure_future(main(self.queue, args))

    async def event(self):
        return await asyncio.wait_for(self.queue.get(), WAIT)

    async def polls(self, count):
        """Wait until ``count`` more polls have finished (the one after them has sent its list request)."""
        target = self.simulator.counters["list"] + (count + 1) * self.lists_per_poll
        deadline = time.monotonic() + WAIT
        while self.simulator.counters["list"] < target:
            assert not self.task.done(), self.task.exception()
            assert time.monotonic() < deadline, "the source made no poll in %d s" % WAIT
            await asyncio.sleep(0.01)

    async def pending(self):
        """The events put on the queue and not yet taken."""
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events

    async def stop(self):
        self.task.cancel()
        try:
            await asyncio.wait_for(self.task, WAIT)
        except asyncio.CancelledError:
            pass


def watching(main, args, simulator, scenario):
    async def run():
        watch = Watch(main, args, simulator)
        try:
            await scenario(watch)
        finally:
            await watch.stop()
    asyncio.run(run())


def admin(simulator, method, path, body):
    reply = requests.request(method, simulator.url + "/_sim/" + path, json=body, timeout=10)
    assert reply.json()["ok"], reply.text


def normalized(simulator, **options):
    config = ConnectionConfig(dict(PASSWORD_AUTH, endpoint=simulator.url, identity_endpoint=simulator.url + "/v3",
                                   project_id=PROJECT_ID, **options))
    with ResClient(config) as client:
        return client.find_services()[0]


def test_a_status_change_made_through_the_admin_api_is_exactly_one_status_changed_event(source, args, simulator):
    async def scenario(watch):
        await watch.polls(2)
        assert await watch.pending() == []
        admin(simulator, "POST", "status", {"project_id": PROJECT_ID, "service_id": RECALL_V2_ID,
                                            "status": "concerning"})
        event = await watch.event()
        await watch.polls(3)
        assert await watch.pending() == []
        assert event["type"] == "status_changed" and event["previous_status"] == "deploying"
        assert event["service"]["service_id"] == RECALL_V2_ID and event["service"]["status"] == "concerning"
        assert (event["project_id"], event["workspace_id"]) == (PROJECT_ID, "0")
        assert event["service"] == [service for service in normalized(simulator)
                                    if service["service_id"] == RECALL_V2_ID][0]
        assert event["checked_at"].endswith("Z") and len(event["checked_at"]) == len("2026-01-01T00:00:00.000Z")
        json.dumps(event)
    watching(source, args, simulator, scenario)


def test_added_and_removed_services_are_one_event_each(source, args, simulator):
    async def scenario(watch):
        await watch.polls(1)
        added = simulator.add_service(PROJECT_ID, {"service_name": "res-new", "status": "deploying"})
        event = await watch.event()
        assert (event["type"], event["service"]["service_name"], event["service"]["status"]) == (
            "added", "res-new", "deploying")
        assert "previous_status" not in event
        admin(simulator, "DELETE", "services", {"project_id": PROJECT_ID, "service_id": added["service_id"]})
        event = await watch.event()
        assert (event["type"], event["service"]["service_id"]) == ("removed", added["service_id"])
        await watch.polls(2)
        assert await watch.pending() == []
    watching(source, args, simulator, scenario)


def test_emit_initial_sends_one_added_event_per_matching_service_then_only_changes(source, args, simulator):
    args.update(emit_initial=True, status=["stopped", "concerning"])

    async def scenario(watch):
        await watch.polls(2)
        initial = await watch.pending()
        assert [event["type"] for event in initial] == ["added"] * 3
        assert [event["service"]["service_name"] for event in initial] == [
            "res-recall-v1", "res-filter-legacy", "res-ctr-experiment"]
        assert len(set(event["checked_at"] for event in initial)) == 1
    watching(source, args, simulator, scenario)


def test_nothing_is_sent_while_nothing_changes(source, args, simulator):
    async def scenario(watch):
        await watch.polls(4)
        assert await watch.pending() == []
    watching(source, args, simulator, scenario)


def test_status_filters_report_services_entering_and_leaving_them(source, args, simulator):
    args.update(status=["concerning"])

    async def scenario(watch):
        await watch.polls(1)
        simulator.set_status(PROJECT_ID, RECALL_V2_ID, "running")  # neither status watched: no event
        await watch.polls(2)
        simulator.set_status(PROJECT_ID, RECALL_V2_ID, "concerning")
        entered = await watch.event()
        simulator.set_status(PROJECT_ID, RECALL_V2_ID, "running")
        left = await watch.event()
        await watch.polls(1)
        assert await watch.pending() == []
        assert [(event["previous_status"], event["service"]["status"]) for event in (entered, left)] == [
            ("running", "concerning"), ("concerning", "running")]
    watching(source, args, simulator, scenario)


def test_a_status_filter_in_other_case_matches_and_an_undocumented_one_is_logged(source, args, simulator, caplog):
    args.update(status=["CONCERNING", "degraded"])

    async def scenario(watch):
        await watch.polls(1)
        simulator.set_status(PROJECT_ID, RECALL_V2_ID, "concerning")
        entered = await watch.event()
        assert entered["service"]["status"] == "concerning"
    with caplog.at_level(logging.WARNING, logger="hwc.res.infer_service_events"):
        watching(source, args, simulator, scenario)
    assert ["degraded" in record.getMessage() and "not a documented status" in record.getMessage()
            for record in caplog.records] == [True]


def test_a_failed_poll_is_one_read_failed_event_and_keeps_the_last_good_state(source, args, simulator, caplog):
    async def scenario(watch):
        await watch.polls(1)
        simulator.add_fault("list", "http_error", status=500, error_code="res.5000", error_msg="Internal error.")
        failed = await watch.event()
        simulator.set_status(PROJECT_ID, RECALL_V2_ID, "stopped")
        changed = await watch.event()
        await watch.polls(1)
        assert await watch.pending() == []
        assert failed["type"] == "read_failed" and "service" not in failed
        assert (failed["project_id"], failed["workspace_id"]) == (PROJECT_ID, "0")
        assert "HTTP 500" in failed["message"] and "res.5000: Internal error" in failed["message"]
        assert failed["message"].startswith("Could not read project %s, workspace 0: " % PROJECT_ID)
        # Compared with the state before the failure: one change, no re-added services.
        assert (changed["type"], changed["previous_status"]) == ("status_changed", "deploying")
    with caplog.at_level(logging.WARNING, logger="hwc.res.infer_service_events"):
        watching(source, args, simulator, scenario)
    assert any("HTTP 500" in record.getMessage() for record in caplog.records)


def test_a_project_that_never_answered_gets_its_baseline_from_its_first_good_poll(source, args, simulator):
    simulator.add_fault("list", "http_error", status=503, times=2)

    async def scenario(watch):
        assert [(await watch.event())["type"] for _failure in range(2)] == ["read_failed"] * 2
        await watch.polls(2)
        assert await watch.pending() == []
    watching(source, args, simulator, scenario)


def test_secrets_never_appear_in_events_or_logs_even_when_the_api_echoes_them(source, args, simulator, caplog):
    simulator.add_fault("list", "http_error", status=400, error_code="res.1001",
                        error_msg="Invalid parameter: password %s." % PASSWORD)
    simulator.add_service(PROJECT_ID, {"service_name": "leak", "description": "set up with %s" % PASSWORD})
    args.update(emit_initial=True)

    async def scenario(watch):
        events = [await watch.event() for _event in range(1 + 7)]  # the failure, then the 7 services
        assert events[0]["type"] == "read_failed" and "res.1001" in events[0]["message"]
        assert events[-1]["service"]["service_name"] == "leak"
        assert "set up with ********" == events[-1]["service"]["description"]
        assert PASSWORD not in json.dumps(events)
    with caplog.at_level(logging.DEBUG):
        watching(source, args, simulator, scenario)
    assert caplog.records and PASSWORD not in caplog.text


def test_projects_are_watched_together_each_event_saying_where_it_comes_from(source, args, simulator):
    args.update(emit_initial=True, projects=[PROJECT_ID, {"project_id": PROJECT_ID, "workspace_id": "ws-2"}])

    async def scenario(watch):
        await watch.polls(1)
        events = await watch.pending()
        workspaces = [event["workspace_id"] for event in events]
        assert set(workspaces) == {"0", "ws-2"} and workspaces == sorted(workspaces, key=["0", "ws-2"].index)
        for event in events:
            assert event["service"]["workspace_id"] == event["workspace_id"]
        assert [event["service"] for event in events if event["workspace_id"] == "ws-2"] == normalized(
            simulator, workspace_id="ws-2")
    watching(source, args, simulator, scenario)


def test_connection_options_fall_back_to_the_hw_variables(source, simulator, monkeypatch):
    for name, value in (("HW_USER_NAME", "demo-user"), ("HW_USER_PASSWORD", PASSWORD),
                        ("HW_DOMAIN_NAME", "demo-domain"), ("HW_PROJECT_ID", PROJECT_ID),
                        ("HW_RES_ENDPOINT", simulator.url), ("HW_AUTH_URL", simulator.url + "/v3"),
                        ("HW_RES_WORKSPACE_ID", "ws-2")):
        monkeypatch.setenv(name, value)

    async def scenario(watch):
        event = await watch.event()
        assert (event["type"], event["project_id"], event["workspace_id"]) == ("added", PROJECT_ID, "ws-2")
    watching(source, {"interval": POLL, "emit_initial": True, "eda_feedback_queue": object()}, simulator, scenario)


def test_an_argument_stands_where_its_hw_variable_is_exported_empty(source, args, simulator, monkeypatch):
    # An EDA controller credential exports every field it leaves empty as "".
    for name in ("HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_RES_ENDPOINT", "HW_AUTH_URL"):
        monkeypatch.setenv(name, "")
    args.update(emit_initial=True)

    async def scenario(watch):
        event = await watch.event()
        assert (event["type"], event["project_id"]) == ("added", PROJECT_ID)
    watching(source, args, simulator, scenario)


def test_the_event_loop_keeps_running_while_the_api_is_slow(source, args, simulator):
    simulator.latency = 0.3
    args.update(emit_initial=True)

    async def scenario(watch):
        ticks = []

        async def ticker():
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)
        ticking = asyncio.ensure_future(ticker())
        try:
            await watch.event()  # after an IAM token request and a list request of 0.3 s each
        finally:
            ticking.cancel()
        # A loop blocked by HTTP would tick about once in that time.
        assert len(ticks) >= 10
    watching(source, args, simulator, scenario)


def test_cancelling_the_source_ends_it_promptly_while_a_request_hangs(source, args, simulator):
    simulator.latency = 30
    started = time.monotonic()

    async def scenario(watch):
        deadline = time.monotonic() + WAIT
        while simulator.counters["token"] == 0:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        cancelled = time.monotonic()
        await watch.stop()
        assert time.monotonic() - cancelled < 5
        assert watch.task.cancelled()
    watching(source, args, simulator, scenario)
    # Nor does closing the event loop wait for the abandoned request (as for asyncio.to_thread).
    assert time.monotonic() - started < 10
    simulator.latency = 0


@pytest.fixture
def hanging():
    """A second RES whose every request hangs far longer than any test: a project behind it never answers."""
    from res_simulator import ResSimulator  # pylint: disable=import-outside-toplevel  # put on sys.path by conftest

    with ResSimulator() as server:
        server.latency = 600
        yield server


def test_a_project_that_hangs_holds_back_no_other_project(source, args, simulator, hanging):
    # Before, a poll sent nothing until every project was read: here, for the whole 30-second timeout.
    args.update(timeout=30, projects=[{"project_id": OTHER_PROJECT_ID, "endpoint": hanging.url}, PROJECT_ID])

    async def scenario(watch):
        deadline = time.monotonic() + WAIT
        while simulator.counters["list"] < 1:  # the baseline of the project that answers
            assert time.monotonic() < deadline, "the answering project was never read"
            await asyncio.sleep(0.01)
        admin(simulator, "POST", "status", {"project_id": PROJECT_ID, "service_id": RECALL_V2_ID, "status": "concerning"})
        while True:
            event = await watch.event()
            if event["type"] != "read_failed":
                break
            assert event["project_id"] == OTHER_PROJECT_ID
        assert (event["type"], event["service"]["service_id"]) == ("status_changed", RECALL_V2_ID)
    watching(source, args, simulator, scenario)


def test_the_process_ends_promptly_after_cancellation_while_a_project_hangs(args, simulator, hanging, tmp_path):
    # The reads of several projects were joined when the interpreter exited: a minute or two after the rulebook
    # stopped the source, the process was still there.
    args.update(timeout=30, interval=1, projects=[{"project_id": OTHER_PROJECT_ID, "endpoint": hanging.url},
                                                  PROJECT_ID])
    program = (
        "import asyncio, json, runpy, sys\n"
        "main = runpy.run_path(sys.argv[1])['main']\n"
        "async def run():\n"
        "    task = asyncio.ensure_future(main(asyncio.Queue(), json.loads(sys.argv[2])))\n"
        "    await asyncio.sleep(2)\n"
        "    task.cancel()\n"
        "    try:\n"
        "        await task\n"
        "    except asyncio.CancelledError:\n"
        "        pass\n"
        "    print('cancelled', flush=True)\n"
        "asyncio.run(run())\n")
    env = dict(os.environ, PYTHONPATH=str(Path(ansible.__file__).parents[1]))
    with subprocess.Popen([sys.executable, "-c", program, str(SOURCE), json.dumps(args)], cwd=str(tmp_path), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout.readline().strip() == "cancelled", process.stderr.read()
            assert hanging.counters["list"] >= 1  # a request of the hanging project was in flight
            cancelled = time.monotonic()
            process.wait(timeout=25)
        finally:
            process.kill()
        assert time.monotonic() - cancelled < 5


@pytest.mark.parametrize("bad, expected", [
    ({"interval": 0.5}, "interval must be a number of seconds, at least 1; got 0.5."),
    ({"interval": "soon"}, "interval"),
    ({"interval": float("inf")}, "interval must be"),
    ({"emit_initial": "perhaps"}, "emit_initial"),
    ({"statuses": ["stopped"]}, "statuses"),
    ({"projects": [{"project": "x"}]}, "projects[0] has unknown key project"),
    ({"user": None, "password": None, "domain": None}, "No credentials were given"),
    ({"timeout": 0}, "timeout must be from 1 to 3600, got 0."),
])
def test_bad_arguments_fail_at_start_saying_what_to_fix(bad, expected, args):
    main = run_source()["main"]
    args.update(dict(interval=1), **bad)
    with pytest.raises(ValueError) as failure:
        asyncio.run(main(asyncio.Queue(), args))
    assert str(failure.value).startswith("hwc.res.infer_service_events: ") and expected in str(failure.value)


def test_a_bad_argument_error_never_shows_a_secret(args):
    main = run_source()["main"]
    args.update(password=PASSWORD, is_shared=PASSWORD)
    with pytest.raises(ValueError) as failure:
        asyncio.run(main(asyncio.Queue(), args))
    assert "is_shared" in str(failure.value) and PASSWORD not in str(failure.value)


def test_the_source_imports_the_collection_from_its_own_collections_path_without_pythonpath(tmp_path):
    """ansible-rulebook runs it with runpy.run_path, from any directory, with no PYTHONPATH."""
    # Only ansible-core itself stays importable (ansible-test units puts it on PYTHONPATH); the collection must not.
    env = dict((name, value) for name, value in os.environ.items() if name != "PYTHONPATH")
    env["PYTHONPATH"] = str(Path(ansible.__file__).parents[1])
    check = ("import runpy, sys; main = runpy.run_path(sys.argv[1])['main']; "
             "import ansible_collections.hwc.res.plugins.module_utils._client as client; print(client.__file__)")
    done = subprocess.run([sys.executable, "-c", check, str(SOURCE)], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == Path(client_module.__file__).resolve()


def test_the_documentation_declares_exactly_the_options_the_source_accepts():
    import yaml

    module = run_source()
    documented = yaml.safe_load(module["DOCUMENTATION"])["options"]
    spec = module["ARGUMENT_SPEC"]
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert (documented[name]["type"], documented[name].get("elements"), documented[name].get("default")) == (
            option["type"], option.get("elements"), option.get("default")), name
        text = " ".join(documented[name]["description"])
        for variable in (option.get("fallback") or (None, []))[1]:
            assert "E(%s)" % variable in text, name
    for example in yaml.safe_load(module["EXAMPLES"]):
        assert set(example["hwc.res.infer_service_events"]) <= set(spec)
