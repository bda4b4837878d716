# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every YAML example a user reads runs against the simulator, as it is written (doc_examples.py finds them).

An example runs with the credentials of the HW_* environment, against DOCS_PROJECT_ID, a project added
to the sample data whose services are the ones the examples name. What differs from a real run is
listed here and nowhere else: SUBSTITUTIONS (the documented example IDs and names become the
simulator's, the only edit of an example's text), EXTRA_VARS (the vault variables the examples use),
RULEBOOK_VARS (a rulebook polls every second, not every 30), the environment of run_example(), and
the simulators: a started service runs at once on a simulator of an example that writes. An example
with an assert also runs where that assert is false (SCENARIOS), and must fail there, at that assert.

Examples that only read share one simulator per test process, and must leave its write log empty.
An example that writes (starts, stops or deletes a service, the compliance role with remediation)
runs on a simulator of its own, loaded with the same data, usually against WRITES_PROJECT_ID, whose
services are in the states such examples change; its scenario in SCENARIOS lists the writes the
simulator must log (``writes``, in order but for a rulebook's), so it does what its text says, whatever ran
before it.

A playbook or task list that reads the event of a rulebook (with hwc.res.eda_event) runs as
ansible-rulebook's run_playbook runs it: its scenario's ``event`` (what run_playbook puts under
``ansible_eda``: the event or events, the rule, the rule set) is written to an extra vars file with
``yaml.dump`` and passed as ``-e @file``. Variables of a rulebook (``# example-rulebook-vars-for:``)
run with the real ansible-rulebook and the collection installed from its tarball (test_eda.py's
helpers): every service of workspace 0 of the scenario's project runs when the rulebook starts and
stops after its first poll; the writes of the scenario are what the rulebook must do about that.
"""

import copy
import hashlib
import json
import textwrap
import uuid
from collections import namedtuple

import pytest
import yaml

from doc_examples import collect, counts_line
from harness import (
    CREDENTIALS,
    EAST_PROJECT_ID,
    PROD_PROJECT_ID,
    PROJECT_ID,
    REPO,
    SAMPLE,
    Ansible,
    ResSimulator,
)
from test_eda import _require_tools, _start_rulebook, _stop, _wait_for
from test_eda_playbook import _write_extravars


def _project_id(name):
    return hashlib.md5(("hwc.res documentation: " + name).encode()).hexdigest()


def _service(project, name, status, calls="52000", failed="41", **fields):
    service = {"service_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "hwc.res/%s/%s" % (project, name))),
               "service_name": name, "description": "%s, for the documentation examples" % name,
               "infer_type": "real-time", "status": status, "is_shared": False,
               "invocation_times": calls, "failed_times": failed,
               "publish_time": 1733011200000, "update_time": 1737590400000}
    service.update(fields)
    return service


def _project(name, statuses, extra=()):
    """A project of the documentation's services; ``statuses`` overrides the status of some (all run else)."""
    project_id = _project_id(name)
    ranking = [_service(project_id, service_name, statuses.get(service_name, "running"), **fields)
               for service_name, fields in [("res-rank-prod", {}), ("res-rank-canary", {}),
                                            ("res-rank-v2", {"calls": "1200", "failed": "0"}),
                                            ("res-recall-v1", {}), ("res-recall-v2", {})]]
    return {"id": project_id, "name": name, "domain": SAMPLE["domains"][0]["name"], "workspaces": {
        "0": ranking + [_service(project_id, service_name, status) for service_name, status in extra],
        "ws-2": [_service(project_id, "res-news-feed", "running", is_shared=True)]}}


# Every service the examples name, running or stopped as they expect, and none concerning.
DOCS_PROJECT = _project("cn-north-4_docs", {"res-recall-v1": "stopped"})
# The same, but the canary is stopped: the asserts that all ranking services run are false there.
DEGRADED_PROJECT = _project("cn-north-4_degraded", {"res-recall-v1": "stopped", "res-rank-canary": "stopped"})
# What the examples that write change: the ranking services they start are stopped, the service they stop
# by name runs, and the one they stop or delete by ID (res-rank-v1, a retired ranker) is there.
WRITES_PROJECT = _project("cn-north-4_writes", {
    "res-rank-prod": "stopped", "res-rank-canary": "stopped", "res-recall-v1": "stopped"},
    extra=[("res-ctr-experiment", "running"), ("res-rank-v1", "running")])
DOCS_PROJECT_ID, DEGRADED_PROJECT_ID, WRITES_PROJECT_ID = (
    DOCS_PROJECT["id"], DEGRADED_PROJECT["id"], WRITES_PROJECT["id"])
DATA = copy.deepcopy(SAMPLE)
DATA["projects"] += [DOCS_PROJECT, DEGRADED_PROJECT, WRITES_PROJECT]
# Every service of the data by ID, with its project: what a write log entry names.
SERVICES = dict((service["service_id"], dict(service, project_id=project["id"], workspace_id=workspace))
                for project in DATA["projects"] for workspace, services in project["workspaces"].items()
                for service in services)


def _service_id(project, name):
    found, = [service["service_id"] for service in project["workspaces"]["0"] if service["service_name"] == name]
    return found


# The IDs and names the documentation uses -> the simulator's.
SUBSTITUTIONS = {
    "0a1b2c3d4e5f60718293a4b5c6d7e8f9": DOCS_PROJECT_ID,
    "1b2c3d4e5f60718293a4b5c6d7e8f90a": PROD_PROJECT_ID,
    "f9e8d7c6b5a4938271605f4e3d2c1b0a": EAST_PROJECT_ID,
    "my-account": SAMPLE["domains"][0]["name"],
    # The service the module's examples stop and delete by ID.
    "1d3c5d4e-02b6-4a66-a4b5-2fd4c0ab2e1f": _service_id(WRITES_PROJECT, "res-rank-v1"),
}
_DEMO = SAMPLE["domains"][0]
EXTRA_VARS = {
    "vault_hw_access_key": CREDENTIALS["aksk"]["HW_ACCESS_KEY"],
    "vault_hw_secret_key": CREDENTIALS["aksk"]["HW_SECRET_KEY"],
    "vault_hw_password": CREDENTIALS["password"]["HW_USER_PASSWORD"],
    "hw_user": CREDENTIALS["password"]["HW_USER_NAME"],
    "hw_domain": CREDENTIALS["password"]["HW_DOMAIN_NAME"],
    # The key that may change services, as a vault or an AWX credential of its own would hold it.
    "res_operator_access_key": CREDENTIALS["aksk"]["HW_ACCESS_KEY"],
    "res_operator_secret_key": CREDENTIALS["aksk"]["HW_SECRET_KEY"],
}
# Over the variables of a rulebook example: a poll every second, so a change is seen within seconds.
RULEBOOK_VARS = {"watch_interval": 1}

# How a run goes: against which project, with which extra vars ({tmp} is the test's folder), failing at
# which task (None: it passes), leaving which files under {tmp}; the writes the simulator must log (None:
# it only reads, on the shared simulator), the ansible_eda a rulebook would pass, and (task, msg) pairs: the
# message each of those tasks must return.
Scenario = namedtuple("Scenario", "label project_id extra_vars fails_at files writes event says")
Scenario.__new__.__defaults__ = (None, None, ())
AS_DOCUMENTED = Scenario("", DOCS_PROJECT_ID, {}, None, ())
WRITING = AS_DOCUMENTED._replace(project_id=WRITES_PROJECT_ID)
VIOLATIONS = "Fail when a service breaks the policy"
REPORTS = ("reports/infer_service_compliance.json", "reports/infer_service_compliance.xml")


def _write(method, status, names, auth):
    return tuple((method, name, status, auth, True) for name in names)


def started(*names, auth="password"):
    """The PATCHes that start ``names``, in order, each applied, sent with the credential ``auth``."""
    return _write("PATCH", "running", names, auth)


def stopped(*names, auth="password"):
    return _write("PATCH", "stopped", names, auth)


def deleted(*names, auth="password"):
    return _write("DELETE", None, names, auth)


def _event(project, name, previous_status):
    """The status_changed event of hwc.res.infer_service_events (with ansible-rulebook's meta) that says the
    service ``name`` of ``project`` went from ``previous_status`` to the status it has there."""
    raw = dict((service["service_name"], service) for service in project["workspaces"]["0"])[name]
    calls, failed = int(raw["invocation_times"]), int(raw["failed_times"])
    service = dict(raw, invocation_times=calls, failed_times=failed, failure_rate=round(failed / calls, 4),
                   project_id=project["id"], workspace_id="0")
    return {"type": "status_changed", "previous_status": previous_status, "service": service,
            "project_id": project["id"], "workspace_id": "0", "checked_at": "2026-05-04T10:00:00.123Z",
            "meta": {"source": {"name": "RES inference services", "type": "hwc.res.infer_service_events"},
                     "received_at": "2026-05-04T10:00:00.200000Z", "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, name))}}


# What ansible-rulebook's run_playbook puts under ansible_eda: the canary of the degraded project stopped.
_WATCH = {"ruleset": "Watch Huawei Cloud RES inference services",
          "rule": "Report a service that turned concerning or stopped"}
ONE_EVENT = dict(_WATCH, event=_event(DEGRADED_PROJECT, "res-rank-canary", "running"))
# A rule whose condition names two events (all, any) gets them as events, m_0, m_1, ...
TWO_EVENTS = dict(_WATCH, events={"m_0": _event(DEGRADED_PROJECT, "res-rank-canary", "running"),
                                  "m_1": _event(DEGRADED_PROJECT, "res-recall-v1", "running")})

# Examples keyed by (file, name of their first task or play, or first key of variables), and their runs
# where those are not just AS_DOCUMENTED. Each assert of an example needs a run where it is false
# (test_every_assert_is_run_where_it_is_false).
SCENARIOS = {
    ("README.md", "Read every service of the project"): [
        AS_DOCUMENTED,
        Scenario("concerning", PROJECT_ID, {}, "No service may be concerning", ())],
    ("plugins/modules/infer_service_info.py",
     "Read every service of the project (credentials from the HW_* environment)"): [
        AS_DOCUMENTED,
        Scenario("concerning", PROJECT_ID, {}, "No service may be concerning", ()),
        Scenario("canary-stopped", DEGRADED_PROJECT_ID, {}, "Assert they all run", ())],
    ("plugins/lookup/infer_services.py", "Report every stopped service (credentials from the HW_* environment)"): [
        AS_DOCUMENTED,
        Scenario("canary-stopped", DEGRADED_PROJECT_ID, {}, "The production and canary rankers must both run", ())],
    ("plugins/filter/compliance_junit.yml", "Read the services"): [
        AS_DOCUMENTED._replace(files=("reports/infer_service_compliance.xml",))],
    # The sample projects the policy names break it on purpose; the example writes its reports to
    # /var/tmp, here to the test's folder.
    ("roles/infer_service_compliance/README.md", "Nightly compliance of the RES inference services"): [
        Scenario("", DOCS_PROJECT_ID, {"infer_service_compliance_report_dir": "{tmp}/reports"}, VIOLATIONS,
                 REPORTS)],
    ("docs/docsite/rst/compliance.rst", "infer_service_compliance_project_ids"): [
        Scenario("", DOCS_PROJECT_ID, {}, VIOLATIONS, REPORTS)],
    # Examples that write.
    ("roles/infer_service_compliance/README.md",
     "Nightly compliance, starting the ranking services that were stopped"): [
        WRITING._replace(extra_vars={"infer_service_compliance_report_dir": "{tmp}/reports"}, files=REPORTS,
                         writes=started("res-rank-prod", "res-recall-v1"))],
    ("docs/docsite/rst/compliance.rst", "infer_service_compliance_required_running"): [
        WRITING._replace(files=REPORTS, writes=started("res-rank-prod", "res-recall-v1"))],
    ("docs/docsite/rst/managing_services.rst", "Start res-rank-prod and wait until it runs"): [
        WRITING._replace(writes=started("res-rank-prod") + stopped("res-rank-v1") + deleted("res-rank-v1"))],
    ("docs/docsite/rst/managing_services.rst", "Start every stopped ranking service"): [
        WRITING._replace(writes=started("res-rank-prod", "res-rank-canary"))],
    # The lookup reads with the password of the environment; only the module writes, with the operators' key.
    ("docs/docsite/rst/managing_services.rst", "Start the stopped ranking services with the operators' key"): [
        WRITING._replace(writes=started("res-rank-prod", "res-rank-canary", auth="aksk"))],
    ("plugins/modules/infer_service.py",
     "Start every stopped service of the project (credentials from the HW_* environment)"): [
        WRITING._replace(writes=started("res-rank-prod", "res-rank-canary", "res-recall-v1")
                         + stopped("res-ctr-experiment") + deleted("res-rank-v1"),
                         says=(("Say what happened", "Deleted"),))],
    ("plugins/filter/compliance_to_start.yml", "Read the services"): [
        WRITING._replace(writes=started("res-rank-prod", "res-rank-canary"))],
    ("plugins/filter/compliance_remediated.yml", "Read the services"): [
        WRITING._replace(writes=started("res-rank-prod", "res-recall-v1"), says=(("Say what was started", [
            {"project_id": WRITES_PROJECT_ID, "service_id": _service_id(WRITES_PROJECT, name), "service_name": name,
             "status_before": "stopped", "status_after": "running", "error": None}
            for name in ("res-rank-prod", "res-recall-v1")]),))],
    # Every service of the project stops once the rulebook watches: it starts those keep_running names.
    ("docs/docsite/rst/managing_services.rst", "keep_running"): [
        AS_DOCUMENTED._replace(writes=started("res-rank-prod", "res-recall-v1"))],
    # Playbooks that a rulebook runs.
    ("docs/docsite/rst/eda.rst", "React to a RES inference service event"): [
        AS_DOCUMENTED._replace(event=ONE_EVENT, says=(("Say which service changed", "res-rank-canary is stopped"),))],
    ("plugins/modules/eda_event.py", "Read the event as data"): [
        AS_DOCUMENTED._replace(event=ONE_EVENT, says=(
            ("Say which service changed (a rule that matched one event)", "res-rank-canary is stopped"),)),
        AS_DOCUMENTED._replace(label="two-events", event=TWO_EVENTS, says=(
            ("Name the services of a rule that matched several events (condition all or any)",
             ["res-rank-canary", "res-recall-v1"]),))],
}

EXAMPLES = collect()


def substituted(text):
    for documented, simulated in SUBSTITUTIONS.items():
        text = text.replace(documented, simulated)
    return text


def first_name(example):
    """The name of an example's first task or play (or first key, for variables); None when it has none."""
    data = yaml.safe_load(example.text)
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0].get("name")
    if isinstance(data, dict) and data:
        return next(iter(data))
    return None


def scenarios(example):
    return SCENARIOS.get((example.path, first_name(example)), [AS_DOCUMENTED])


def _params():
    params = []
    for example in EXAMPLES:
        where = "%s:%d" % (example.path, example.line)
        if example.kind == "not_run":
            params.append(pytest.param(example, None, id=where, marks=pytest.mark.skip(
                reason="%s example-not-run: %s" % (where, example.detail))))
            continue
        for scenario in scenarios(example) if example.kind != "unknown" else [AS_DOCUMENTED]:
            marks = [pytest.mark.matrix] if example.path == "README.md" else []
            params.append(pytest.param(example, scenario, marks=marks,
                                       id=where + ("-" + scenario.label if scenario.label else "")))
    return params


@pytest.fixture(scope="module")
def docs_simulator():
    with ResSimulator(data=DATA) as simulator:
        yield simulator


class ProjectAnsible(Ansible):
    """Ansible runs whose HW_* environment names one project of the simulator."""

    def __init__(self, simulator, tmp_path, project_id):
        super(ProjectAnsible, self).__init__(simulator, tmp_path)
        self.project_id = project_id

    def env(self, auth="password", **extra):
        return super(ProjectAnsible, self).env(auth, **dict({"HW_PROJECT_ID": self.project_id}, **extra))


def _tasks(value):
    """Every task of a task list, a play or a block, recursively."""
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        yield item
        for key in ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always"):
            yield from _tasks(item.get(key))


def _asserts(example):
    return [task.get("name") for task in _tasks(yaml.safe_load(example.text))
            if "ansible.builtin.assert" in task or "assert" in task]


def run_example(example, scenario, simulator, tmp_path):
    """Run one playbook, task list, inventory source or extra vars example as its kind says; returns the Run."""
    ansible = ProjectAnsible(simulator, tmp_path, scenario.project_id)
    env = {"HOME": tmp_path / "home", "HWC_RES_REPORT_DIR": tmp_path / "reports",
           "RES_OPS_PASSWORD": _DEMO["users"][1]["password"]}
    extra_vars = dict(EXTRA_VARS, **dict((name, value.format(tmp=tmp_path) if isinstance(value, str) else value)
                                         for name, value in scenario.extra_vars.items()))
    text = substituted(example.text)
    if example.kind == "inventory":
        # As AWX runs inventory updates: a source that fails fails the run, not only warns.
        env["ANSIBLE_INVENTORY_UNPARSED_FAILED"] = "true"
        return ansible.inventory(text, env=env, name="docs.infer_services.yml")
    args = []
    if scenario.event is not None:
        # As ansible-rulebook's run_playbook hands the event to ansible-runner: env/extravars, -e @.
        extravars = tmp_path / "env" / "extravars"
        extravars.parent.mkdir()
        _write_extravars(extravars, {"ansible_eda": scenario.event}, "run_playbook")
        args = ["-e", "@%s" % extravars]
    if example.kind == "extra_vars":
        extra_vars.update(yaml.safe_load(text))
        return ansible.playbook(REPO / example.detail, env=env, extra_vars=extra_vars, args=args)
    if example.kind == "tasks":
        text = "- name: %s:%d\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s" % (
            example.path, example.line, textwrap.indent(text, "    "))
    return ansible.playbook(text, env=env, extra_vars=extra_vars, args=args)


def run_rulebook(example, scenario, simulator, tmp_path):
    """ansible-rulebook with the example's variables: every service of the project runs, then stops after the
    first poll; returns the rulebook's log once the rulebook wrote as often as the scenario expects."""
    _require_tools()
    rulebook = REPO / example.detail
    assert rulebook.is_file() and rulebook.parent == REPO / "extensions" / "eda" / "rulebooks", example.detail
    service_ids = [service_id for service_id, service in SERVICES.items()
                   if (service["project_id"], service["workspace_id"]) == (scenario.project_id, "0")]
    for service_id in service_ids:
        simulator.set_status(scenario.project_id, service_id, "running")
    variables = dict(yaml.safe_load(substituted(example.text)), **RULEBOOK_VARS)
    ansible = ProjectAnsible(simulator, tmp_path, scenario.project_id)
    process, log = _start_rulebook(ansible, tmp_path, "hwc.res." + rulebook.stem, variables)
    try:
        # Two list requests: the first poll, the baseline, is complete.
        _wait_for(lambda: simulator.counters["list"] >= 2, "baseline poll", process, log)
        for service_id in service_ids:
            simulator.set_status(scenario.project_id, service_id, "stopped")
        _wait_for(lambda: len(simulator.writes) >= len(scenario.writes) and
                  log.read_text().count("Started ") >= len(scenario.writes), "every write and its report",
                  process, log)
    finally:
        _stop(process)
    return log.read_text()


def _writes(simulator, since=0):
    """The simulator's writes from the ``since``-th on, as SCENARIOS lists them."""
    return tuple((write["method"], SERVICES.get(write["service_id"], {}).get("service_name", write["service_id"]),
                  write["body"].get("status") if isinstance(write["body"], dict) else write["body"], write["auth"],
                  write["applied"]) for write in simulator.writes[since:])


@pytest.mark.parametrize("example, scenario", _params())
def test_example_runs_as_documented(example, scenario, docs_simulator, tmp_path):
    assert example.kind != "unknown", (
        "%s:%d: %s. Make it run (a playbook, a task list, an inventory source, or variables marked "
        "'# example-extra-vars-for: <playbook>' or '# example-rulebook-vars-for: <rulebook>'), or say why it "
        "cannot: '# example-not-run: <why>'.\n%s" % (example.path, example.line, example.detail, example.text))
    assert example.kind != "rulebook_vars" or scenario.writes is not None, (
        "%s:%d: give the variables of a rulebook a scenario in SCENARIOS that lists what the rulebook writes"
        % (example.path, example.line))
    if scenario.writes is None:
        written = len(docs_simulator.writes)
        run = run_example(example, scenario, docs_simulator, tmp_path)
        assert _writes(docs_simulator, written) == (), (
            "%s:%d wrote to the simulator the read-only examples share: give it a scenario in SCENARIOS that "
            "lists its writes, so it runs on a simulator of its own\n%r" % (example.path, example.line, run))
    else:
        # A started service runs at once: a wait costs no time, and the examples run in any order.
        with ResSimulator(data=DATA, start_seconds=0) as simulator:
            if example.kind == "rulebook_vars":
                log = run_rulebook(example, scenario, simulator, tmp_path)
                # The rulebook runs its playbooks in parallel: their writes come in any order.
                assert sorted(_writes(simulator)) == sorted(scenario.writes), log
                return
            run = run_example(example, scenario, simulator, tmp_path)
            assert _writes(simulator) == scenario.writes, run
    check_run(example, scenario, run, tmp_path)


def check_run(example, scenario, run, tmp_path):
    if example.kind == "inventory":
        assert run.rc == 0, run
        inventory = json.loads(run.stdout, object_hook=lambda obj: obj.get("__ansible_unsafe", obj))
        assert inventory["infer_services"]["hosts"], run
        return
    failures = [record for record in run.results if record["status"] == "failed"]
    # A role's task is recorded as "<role> : <task>".
    failed = [record["task"].split(" : ")[-1] for record in failures]
    why = "".join("\nFAILED %s: %s" % (record["task"], record["result"].get("msg")) for record in failures)
    if scenario.fails_at is None:
        assert run.rc == 0 and not failed, "%r%s" % (run, why)
    else:
        assert run.rc == 2 and failed == [scenario.fails_at], "%r%s" % (run, why)
    for written in scenario.files:
        assert (tmp_path / written).is_file(), "%s was not written\n%r" % (written, run)
    for task, message in scenario.says:
        assert run.task(task)["result"].get("msg") == message, run


def test_every_assert_is_run_where_it_is_false():
    missing = []
    for example in EXAMPLES:
        if example.kind in ("tasks", "playbook"):
            failing = set(scenario.fails_at for scenario in scenarios(example))
            missing.extend("%s:%d: %s" % (example.path, example.line, name)
                           for name in _asserts(example) if name not in failing)
    assert not missing, "asserts without a scenario in SCENARIOS where they are false:\n" + "\n".join(missing)


def test_every_scenario_belongs_to_an_example():
    keys = set((example.path, first_name(example)) for example in EXAMPLES if example.kind != "not_run")
    assert sorted(set(SCENARIOS) - keys) == []


def test_counts_of_examples_run_and_marked():
    line = counts_line(EXAMPLES)
    print(line)
    assert [example for example in EXAMPLES if example.kind == "unknown"] == [], line
    assert any(example.kind == "not_run" for example in EXAMPLES) and len(EXAMPLES) > 10, line
