# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection as AWX runs it: the shipped credential type injected by AWX's own code, jobs through
ansible-runner, and inventory updates with ansible-inventory --list --export --output, read back as AWX's
inventory import reads them.

AWX's own packages (awx-plugins-interfaces, ansible-runner) are in the main virtualenv only; the tests that
need them are skipped on the matrix legs, the inventory update test runs there too.
"""

import json
import re
import sys

import pytest
import yaml

from harness import AUTH_METHODS, CREDENTIALS, PROJECT_ID, REPO

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
    inject_api = pytest.importorskip("awx_plugins.interfaces._temporary_private_inject_api")
    from awx_plugins.interfaces._temporary_private_api import ManagedCredentialType
    from awx_plugins.interfaces._temporary_private_credential_api import Credential
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
    ansible_runner = pytest.importorskip("ansible_runner")
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
    hostile = simulator.add_service(PROJECT_ID, {"service_name": HOSTILE, "description": HOSTILE, "status": "stopped"})
    env, _safe_env = inject(awx_credential("aksk", simulator, project_id=PROJECT_ID), tmp_path / "awx")
    output = tmp_path / "inventory.json"
    run = ansible.inventory("plugin: hwc.res.infer_services\n", auth=None, name="source.infer_services.yml",
                            env=dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"),
                            args=("--list", "--export", "--output", str(output)))
    assert run.rc == 0, run
    assert "uid=" not in run.output
    exported = json.loads(output.read_text())
    hostvars = exported["_meta"]["hostvars"]
    host = "service_" + hostile["service_id"]
    assert awx_host_names(exported) == set(hostvars)
    assert sorted(exported["status_stopped"]["hosts"]) == sorted(["res-recall-v1", "res-filter-legacy", host])
    assert host in exported["project_" + PROJECT_ID]["hosts"]
    assert hostvars["res-recall-v1"]["service_name"] == "res-recall-v1"
    assert hostvars["res-recall-v1"]["status"] == "stopped"
    assert hostvars[host]["service_name"] == {"__ansible_unsafe": HOSTILE}
    assert hostvars[host]["description"] == {"__ansible_unsafe": HOSTILE}


# How AWX's inventory import reads a host name of the ansible-inventory output (awx/main/utils/mem_inventory.py,
# MemInventory.get_host; awx/main/management/commands/inventory_import.py; awx/main/utils/safe_yaml.py).
AWX_IPV6_WITH_PORT = re.compile(r"^\[([A-Fa-f0-9:]{3,})\]:(\d+?)$")
AWX_DEFAULT_HOST_FILTER = re.compile(r"^.+$")
AWX_REFUSED_JINJA = (re.compile(r"\{\{[^}]+}}"), re.compile(r"\{%[^%]+%}"))
AWX_MAX_NAME_LENGTH = 512


def awx_host_names(exported):
    """The host names AWX stores from the --export output; fails where AWX would fail, split or drop a name."""
    names = set()
    for group, content in exported.items():
        if group == "_meta":
            continue
        for name in content.get("hosts", []):
            # AWX runs a regular expression on it: an {"__ansible_unsafe": ...} object is a TypeError there.
            assert isinstance(name, str), "group %s lists the host %r, which AWX cannot read" % (group, name)
            assert not AWX_IPV6_WITH_PORT.match(name) and name.count(":") != 1, "AWX reads %r as name:port" % name
            assert AWX_DEFAULT_HOST_FILTER.match(name) and "\n" not in name, "AWX's host filter drops %r" % name
            assert not any(pattern.search(name) for pattern in AWX_REFUSED_JINJA), "AWX refuses %r" % name
            assert len(name) <= AWX_MAX_NAME_LENGTH, "AWX's host name column is too short for %r" % name
            names.add(name)
    return names


def hostile_services(marker):
    """Services whose names or IDs would run a lookup that touches ``marker`` wherever they were templated,
    or that AWX, host patterns or inventory files misread; and two plain ones."""
    touch = "lookup('ansible.builtin.pipe', 'touch %s')" % marker
    return [
        {"service_name": "{{ %s }}" % touch, "service_id": "sid-template", "status": "stopped"},
        {"service_name": "#jinja2:variable_start_string:'<<',variable_end_string:'>>'\n<< %s >>" % touch,
         "service_id": "sid-header"},
        {"service_name": "res:8080", "service_id": "sid-port"},
        {"service_name": " res-padded ", "service_id": "sid-padded"},
        {"service_name": "res-\x1b[31mred\x07", "service_id": "sid-control"},
        {"service_name": "{{ 6 * 7 }}", "service_id": "{{ %s }}" % touch},
        {"service_name": "res-plain", "service_id": "sid-plain"},
        {"service_name": u"推荐 服务", "service_id": "sid-unicode"},
    ]


# The inventory AWX hands a job: its stored hosts and variables, as an inventory script prints them.
JOB_PLAY = """
- name: Every host of the stored inventory
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Name them
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }}|{{ service_name }}"
"""


@pytest.mark.matrix
def test_awx_reads_every_host_name_as_a_plain_string_and_nothing_templates(ansible, simulator, tmp_path):
    marker = tmp_path / "templated"
    services = hostile_services(marker)
    base = {"infer_type": "real-time", "status": "running", "is_shared": False, "invocation_times": "1",
            "failed_times": "0", "publish_time": 1735689600000, "update_time": 1735689600000}
    simulator.add_fault("list", "raw", times=None, body={"is_success": True,
                                                         "services": [dict(base, **item) for item in services]})
    output = tmp_path / "output.json"
    # What AWX runs for an inventory update (awx/main/tasks/jobs.py, RunInventoryUpdate), failing on a failed source.
    run = ansible.inventory("plugin: hwc.res.infer_services\n", auth="aksk", name="source.infer_services.yml",
                            env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"},
                            args=("--list", "--export", "--output", str(output)))
    assert run.rc == 0, run
    exported = json.loads(output.read_text())
    hostvars = exported["_meta"]["hostvars"]
    assert awx_host_names(exported) == set(hostvars)
    assert sorted(hostvars) == sorted(["service_sid-template", "service_sid-header", "service_sid-port",
                                       "service_sid-padded", "service_sid-control", "res-plain", u"推荐 服务"]
                                      + [name for name in hostvars if name.startswith("service_sha256-")])
    assert len(hostvars) == len(services)
    # No host name holds what could make a template of it, on any ansible-core, then or later.
    assert not [name for name in hostvars if re.search(r"[{}#]", name)]
    assert hostvars["service_sid-template"]["service_name"] == {"__ansible_unsafe": services[0]["service_name"]}
    assert hostvars["service_sid-padded"]["service_name"] == " res-padded "
    assert " ".join(run.stderr.split()).count("which could be a template or be misread by AWX") == 6
    assert not marker.exists()
    # A job on the stored inventory (names and variables as AWX keeps them): nothing templates there either.
    script = tmp_path / "awx_inventory.py"
    script.write_text("#!%s\nimport sys\nsys.stdout.write(open(%r).read())\n" % (sys.executable, str(output)))
    script.chmod(0o755)
    job = ansible.playbook(JOB_PLAY, args=["-i", str(script)])
    assert job.rc == 0, job
    said = dict(record["result"]["msg"].split("|", 1) for record in job.results if record["task"] == "Name them")
    assert sorted(said) == sorted(hostvars)
    assert said["service_sid-template"] == services[0]["service_name"]
    assert not marker.exists()
