# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every YAML example a user reads runs against the simulator, as it is written (doc_examples.py finds them).

An example runs with the credentials of the HW_* environment, against DOCS_PROJECT_ID, a project added
to the sample data whose services are the ones the examples name. What differs from a real run is
listed here and nowhere else: SUBSTITUTIONS (the documented example IDs and names become the
simulator's, the only edit of an example's text), EXTRA_VARS (the vault variables the examples use)
and the environment of run_example(). An example with an assert also runs where that assert is false
(SCENARIOS), and must fail there, at that assert.

Every example only reads from the simulator (the collection has no module that writes yet), so one
simulator serves the whole module; an example that writes will need a simulator of its own.
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


def _project(name, canary_status):
    project_id = _project_id(name)
    return {"id": project_id, "name": name, "domain": SAMPLE["domains"][0]["name"], "workspaces": {
        "0": [_service(project_id, "res-rank-prod", "running"),
              _service(project_id, "res-rank-canary", canary_status),
              _service(project_id, "res-rank-v2", "running", calls="1200", failed="0"),
              _service(project_id, "res-recall-v1", "stopped"),
              _service(project_id, "res-recall-v2", "running")],
        "ws-2": [_service(project_id, "res-news-feed", "running", is_shared=True)]}}


# Every service the examples name, running or stopped as they expect, and none concerning.
DOCS_PROJECT = _project("cn-north-4_docs", canary_status="running")
# The same, but the canary is stopped: the asserts that all ranking services run are false there.
DEGRADED_PROJECT = _project("cn-north-4_degraded", canary_status="stopped")
DOCS_PROJECT_ID, DEGRADED_PROJECT_ID = DOCS_PROJECT["id"], DEGRADED_PROJECT["id"]
DATA = copy.deepcopy(SAMPLE)
DATA["projects"] += [DOCS_PROJECT, DEGRADED_PROJECT]

# The IDs and names the documentation uses -> the simulator's.
SUBSTITUTIONS = {
    "0a1b2c3d4e5f60718293a4b5c6d7e8f9": DOCS_PROJECT_ID,
    "1b2c3d4e5f60718293a4b5c6d7e8f90a": PROD_PROJECT_ID,
    "f9e8d7c6b5a4938271605f4e3d2c1b0a": EAST_PROJECT_ID,
    "my-account": SAMPLE["domains"][0]["name"],
}
_DEMO = SAMPLE["domains"][0]
EXTRA_VARS = {
    "vault_hw_access_key": CREDENTIALS["aksk"]["HW_ACCESS_KEY"],
    "vault_hw_secret_key": CREDENTIALS["aksk"]["HW_SECRET_KEY"],
    "vault_hw_password": CREDENTIALS["password"]["HW_USER_PASSWORD"],
    "hw_user": CREDENTIALS["password"]["HW_USER_NAME"],
    "hw_domain": CREDENTIALS["password"]["HW_DOMAIN_NAME"],
}

# How a run goes: against which project, with which extra vars ({tmp} is the test's folder), failing at
# which task (None: it passes), leaving which files under {tmp}.
Scenario = namedtuple("Scenario", "label project_id extra_vars fails_at writes")
AS_DOCUMENTED = Scenario("", DOCS_PROJECT_ID, {}, None, ())
VIOLATIONS = "Fail when a service breaks the policy"

# Examples keyed by (file, name of their first task or play), and their runs where those are not just
# AS_DOCUMENTED. Each assert of an example needs a run where it is false
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
        AS_DOCUMENTED._replace(writes=("reports/infer_service_compliance.xml",))],
    # The sample projects the policy names break it on purpose; the example writes its reports to
    # /var/tmp, here to the test's folder.
    ("roles/infer_service_compliance/README.md", "Nightly compliance of the RES inference services"): [
        Scenario("", DOCS_PROJECT_ID, {"infer_service_compliance_report_dir": "{tmp}/reports"}, VIOLATIONS,
                 ("reports/infer_service_compliance.json", "reports/infer_service_compliance.xml"))],
    ("docs/docsite/rst/compliance.rst", "infer_service_compliance_project_ids"): [
        Scenario("", DOCS_PROJECT_ID, {}, VIOLATIONS,
                 ("reports/infer_service_compliance.json", "reports/infer_service_compliance.xml"))],
}

EXAMPLES = collect()


def substituted(text):
    for documented, simulated in SUBSTITUTIONS.items():
        text = text.replace(documented, simulated)
    return text


def first_name(example):
    """The name of an example's first task or play (or first key, for extra vars); None when it has none."""
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
    """Run one example as its kind says; returns the Run."""
    ansible = Ansible(simulator, tmp_path)
    env = {"HW_PROJECT_ID": scenario.project_id, "HOME": tmp_path / "home",
           "HWC_RES_REPORT_DIR": tmp_path / "reports", "RES_OPS_PASSWORD": _DEMO["users"][1]["password"]}
    extra_vars = dict(EXTRA_VARS, **dict((name, value.format(tmp=tmp_path) if isinstance(value, str) else value)
                                         for name, value in scenario.extra_vars.items()))
    text = substituted(example.text)
    if example.kind == "inventory":
        # As AWX runs inventory updates: a source that fails fails the run, not only warns.
        env["ANSIBLE_INVENTORY_UNPARSED_FAILED"] = "true"
        return ansible.inventory(text, env=env, name="docs.infer_services.yml")
    if example.kind == "extra_vars":
        extra_vars.update(yaml.safe_load(text))
        return ansible.playbook(REPO / example.detail, env=env, extra_vars=extra_vars)
    if example.kind == "tasks":
        text = "- name: %s:%d\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s" % (
            example.path, example.line, textwrap.indent(text, "    "))
    return ansible.playbook(text, env=env, extra_vars=extra_vars)


@pytest.mark.parametrize("example, scenario", _params())
def test_example_runs_as_documented(example, scenario, docs_simulator, tmp_path):
    assert example.kind != "unknown", (
        "%s:%d: %s. Make it run (a playbook, a task list, an inventory source, or extra vars marked "
        "'# example-extra-vars-for: <playbook>'), or say why it cannot: '# example-not-run: <why>'.\n%s"
        % (example.path, example.line, example.detail, example.text))
    run = run_example(example, scenario, docs_simulator, tmp_path)
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
    for written in scenario.writes:
        assert (tmp_path / written).is_file(), "%s was not written\n%r" % (written, run)


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
