# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection as AWX runs it: the shipped credential type injected by AWX's own code, jobs through
ansible-runner, and inventory updates with ansible-inventory --list --export --output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

import pytest
import yaml

from harness import AUTH_METHODS, CREDENTIALS, PROJECT_ID, REPO

ansible_runner = pytest.importorskip("ansible_runner")
inject_api = pytest.importorskip("awx_plugins.interfaces._temporary_private_inject_api")
from awx_plugins.interfaces._temporary_private_api import ManagedCredentialType  # noqa: E402
from awx_plugins.interfaces._temporary_private_credential_api import Credential  # noqa: E402

CREDENTIAL_TYPE = yaml.safe_load((REPO / "extensions" / "awx" / "credential_type.yml").read_text())
FIELD_OF = dict((variable, template.strip("{} ")) for variable, template in CREDENTIAL_TYPE["injectors"]["env"].items())
SECRET_FIELDS = [field["id"] for field in CREDENTIAL_TYPE["inputs"]["fields"] if field.get("secret")]
HOSTILE = "{{ lookup('pipe', 'id') }}"

# A project playbook using the module and the lookup; localhost also sees the services as inventory hosts
# when an infer_services source is given with -i.
PLAYBOOK = """
- name: Stopped RES services
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the stopped services
      hwc.res.infer_service_info:
        status: [stopped]
      register: stopped
    - name: Look the same services up
      ansible.builtin.set_fact:
        looked_up: "{{ lookup('hwc.res.infer_services', status='stopped', wantlist=True) | map(attribute='service_id') | list }}"
    - name: Both agree, and the inventory (if any) too
      ansible.builtin.assert:
        that:
          - stopped.services | length == 2
          - stopped.services | map(attribute='service_id') | list == looked_up | list
          - groups['status_stopped'] | default(['res-recall-v1', 'res-filter-legacy']) | sort ==
            stopped.services | map(attribute='service_name') | sort
"""


def awx_credential(auth, simulator, **more):
    """The inputs of an AWX credential of the shipped type for ``auth`` (a harness method), at the simulator."""
    inputs = dict((FIELD_OF[variable], value) for variable, value in CREDENTIALS[auth].items())
    inputs.update(endpoint=simulator.url, identity_endpoint=simulator.url + "/v3", **more)
    return inputs


def inject(inputs, private_data_dir):
    """(env, safe_env) as AWX builds them for a job with this credential."""
    cred_type = ManagedCredentialType(namespace="hwc_res", name=CREDENTIAL_TYPE["name"], kind=CREDENTIAL_TYPE["kind"],
                                      inputs=CREDENTIAL_TYPE["inputs"], injectors=CREDENTIAL_TYPE["injectors"])
    (private_data_dir / "env").mkdir(parents=True, exist_ok=True)
    env, safe_env, args = {}, {}, []
    inject_api.inject_credential(cred_type, Credential(inputs=inputs), env, safe_env, args, str(private_data_dir))
    assert args == []  # no extra vars: everything goes through the environment
    return env, safe_env


@pytest.mark.parametrize("auth", AUTH_METHODS)
def test_each_auth_method_as_awx_injects_it(ansible, simulator, tmp_path, auth):
    inputs = awx_credential(auth, simulator)
    env, safe_env = inject(inputs, tmp_path / "awx")
    # Every field the credential leaves empty is injected as "", and must count as unset.
    assert sorted(name for name, value in env.items() if value == "") == sorted(
        variable for variable, field in FIELD_OF.items() if field not in inputs)
    assert all(safe_env[variable] == "*" * 10 for variable, field in FIELD_OF.items()
               if field in SECRET_FIELDS and field in inputs)
    source = tmp_path / "awx.infer_services.yml"
    source.write_text("plugin: hwc.res.infer_services\n")
    # The module, the lookup and the inventory plugin in one run, with nothing but the injected HW_* variables.
    run = ansible.playbook(PLAYBOOK, auth=None, env=dict(env), args=["-i", str(source)])
    assert run.rc == 0, run
    assert run.task("Both agree, and the inventory (if any) too")["status"] == "ok"
    assert simulator.counters["list"] == 3


def test_validate_certs_false_and_ca_path_reach_the_plugins(simulator, tmp_path):
    credential = awx_credential("token", simulator, validate_certs="false", ca_path="/etc/pki/res.pem")
    env, _safe_env = inject(credential, tmp_path)
    assert (env["HW_VALIDATE_CERTS"], env["HW_CA_PATH"]) == ("false", "/etc/pki/res.pem")
    env, _safe_env = inject(awx_credential("token", simulator), tmp_path)
    assert (env["HW_VALIDATE_CERTS"], env["HW_CA_PATH"]) == ("", "")


def scan(folder, secrets, skip=()):
    """(files, bytes, {file: secrets found}) over every file under ``folder`` but those named in ``skip``."""
    files, size, found = 0, 0, {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in skip):
        text = path.read_bytes().decode("utf-8", "replace")
        files, size = files + 1, size + len(text)
        hits = [secret for secret in secrets if secret in text]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return files, size, found


@pytest.mark.parametrize("auth", AUTH_METHODS)
def test_a_job_through_ansible_runner_leaves_no_secret_in_its_artifacts(ansible, simulator, tmp_path, auth):
    private = tmp_path / "job"
    (private / "project").mkdir(parents=True)
    (private / "project" / "stopped.yml").write_text(PLAYBOOK)
    (private / "inventory").mkdir()
    (private / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    inputs = awx_credential(auth, simulator)
    env, _safe_env = inject(inputs, private)
    secrets = [inputs[field] for field in SECRET_FIELDS if inputs.get(field)]
    assert secrets
    base = ansible.env(auth=None)
    envvars = dict(env, PATH=base["PATH"], ANSIBLE_COLLECTIONS_PATH=base["ANSIBLE_COLLECTIONS_PATH"],
                   ANSIBLE_HOME=base["ANSIBLE_HOME"], ANSIBLE_NOCOLOR="1")
    # -vvvv, the most a job template can ask for.
    runner = ansible_runner.run(private_data_dir=str(private), playbook="stopped.yml", envvars=envvars,
                                ident="job", verbosity=4, quiet=True, timeout=300)
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    events = list(runner.events)
    assert any(event["event"] == "runner_on_ok" and event["event_data"]["task"] == "Read the stopped services"
               for event in events)
    artifacts = private / "artifacts" / "job"
    # AWX stores the job events and stdout and shows them in its UI: they must hold no secret. Runner also
    # records its whole environment in "command"; AWX never stores that file and keeps a masked copy of
    # the environment instead (safe_env), so it is left out, but it shows that the scan finds what is there.
    files, size, found = scan(artifacts, secrets, skip=("command",))
    assert found == {}
    assert scan(artifacts, secrets)[2] == {"command": secrets}
    print("ansible-runner secret scan (%s): %d job events, %d files, %d bytes, %d secrets, none found"
          % (auth, len(list((artifacts / "job_events").iterdir())), files, size, len(secrets)))


def test_an_inventory_update_as_awx_runs_it(ansible, simulator, tmp_path):
    simulator.add_service(PROJECT_ID, {"service_name": HOSTILE, "description": HOSTILE, "status": "stopped"})
    env, _safe_env = inject(awx_credential("aksk", simulator, project_id=PROJECT_ID), tmp_path / "awx")
    output = tmp_path / "inventory.json"
    run = ansible.inventory("plugin: hwc.res.infer_services\n", auth=None, name="source.infer_services.yml",
                            env=dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"),
                            args=("--list", "--export", "--output", str(output)))
    assert run.rc == 0, run
    assert "uid=" not in run.output
    exported = json.loads(output.read_text())
    hostvars = exported["_meta"]["hostvars"]
    # Group host lists compared as text (ansible-core < 2.19 wraps the hostile host name there too).
    groups = json.loads(output.read_text(), object_hook=lambda obj: obj.get("__ansible_unsafe", obj))
    assert sorted(groups["status_stopped"]["hosts"]) == sorted(["res-recall-v1", "res-filter-legacy", HOSTILE])
    assert HOSTILE in groups["project_" + PROJECT_ID]["hosts"]
    assert hostvars["res-recall-v1"]["service_name"] == "res-recall-v1"
    assert hostvars["res-recall-v1"]["status"] == "stopped"
    assert hostvars[HOSTILE]["service_name"] == {"__ansible_unsafe": HOSTILE}
    assert hostvars[HOSTILE]["description"] == {"__ansible_unsafe": HOSTILE}
