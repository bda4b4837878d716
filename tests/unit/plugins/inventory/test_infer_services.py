# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin hwc.res.infer_services, loaded by Ansible's plugin loader, against an in-process simulator."""

import hashlib
import os
import sys
import threading
import time
from datetime import datetime, timezone

import pytest
import yaml

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader


PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"  # cn-north-4: workspaces 0 and ws-2
PROD_PROJECT_ID = "9e8f95e534f82a3a0ea7856ef34d2614"  # cn-north-4_prod: also has a res-rank-prod
UNKNOWN_PROJECT_ID = "0000000000000000000000000000dead"
PASSWORD_AUTH = {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain"}
WORKSPACE_0 = ["res-rank-prod", "res-rank-canary", "res-recall-v1", "res-filter-legacy", "res-ctr-experiment",
               "res-recall-v2"]


@pytest.fixture
def parse(simulator, tmp_path, load_plugin):
    """parse(**options) -> InventoryData, as ansible-inventory makes it (flush=True: with --flush-cache)."""
    def run(flush=False, **options):
        config = dict(PASSWORD_AUTH, plugin="hwc.res.infer_services", endpoint=simulator.url,
                      identity_endpoint=simulator.url + "/v3", retries=0)
        config.update(options)
        path = tmp_path / "unit.infer_services.yml"
        path.write_text(yaml.safe_dump(dict((key, value) for key, value in config.items() if value is not None)))
        inventory = InventoryData()
        plugin = load_plugin(inventory_loader)
        plugin.parse(inventory, DataLoader(), str(path), cache=not flush)
        try:  # what InventoryManager does after parse
            plugin.update_cache_if_changed()
        except AttributeError:  # ansible-core >= 2.19 sets up no cache unless the cache option is on
            pass
        return inventory
    return run


def hosts(inventory, group="infer_services"):
    return [host.name for host in inventory.groups[group].get_hosts()]


def host_vars(inventory, name):
    return inventory.get_host(name).get_vars()


def test_only_infer_services_yaml_files_are_this_plugins(tmp_path, load_plugin):
    plugin = load_plugin(inventory_loader)
    for name, wanted in (("a.infer_services.yml", True), ("infer_services.yaml", True), ("a.aws_ec2.yml", False),
                         ("a.infer_services.json", False), ("missing.infer_services.yml", None)):
        if wanted is not None:
            (tmp_path / name).write_text("plugin: hwc.res.infer_services\n")
        assert plugin.verify_file(str(tmp_path / name)) is bool(wanted), name


def test_default_project_becomes_hosts_with_normalized_vars_and_groups(parse, simulator):
    inventory = parse()
    assert hosts(inventory) == WORKSPACE_0
    rank = host_vars(inventory, "res-rank-prod")
    assert rank["service_id"] == "ce3dc431-427d-4e9d-a591-4157781604cf"
    assert (rank["invocation_times"], rank["failed_times"]) == (1284503, 37)
    assert rank["failure_rate"] == pytest.approx(37 / 1284503.0)
    updated = simulator.service(PROJECT_ID, rank["service_id"])["update_time"]  # the sample's, moved to now
    assert rank["update_time_iso"] == datetime.fromtimestamp(updated // 1000, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (updated % 1000)
    assert (rank["project_id"], rank["workspace_id"], rank["region"]) == (PROJECT_ID, "0", "cn-north-4")
    assert rank["ansible_connection"] == "local"
    assert host_vars(inventory, "res-filter-legacy")["description"] is None
    assert sorted(hosts(inventory, "status_stopped")) == ["res-filter-legacy", "res-recall-v1"]
    assert hosts(inventory, "status_deploying") == ["res-recall-v2"]
    assert hosts(inventory, "project_" + PROJECT_ID) == WORKSPACE_0
    # The project came from the password token: one token, one list, nothing else.
    assert simulator.counters == {"token": 1, "projects": 0, "list": 1, "details": 0}


def test_projects_and_workspaces_in_configured_order_with_one_token_per_project(parse, simulator):
    inventory = parse(projects=[PROD_PROJECT_ID, {"project_id": PROJECT_ID, "workspace_id": "ws-2"},
                                {"project_id": PROJECT_ID, "region": "cn-north-9"}])
    assert hosts(inventory) == (
        ["res-rank-prod_" + PROD_PROJECT_ID, "res-rank-shadow", "res-model-vpc2", "res-news-feed",
         "res-search-rerank", "res-rank-prod_" + PROJECT_ID] + WORKSPACE_0[1:])
    assert host_vars(inventory, "res-news-feed")["workspace_id"] == "ws-2"
    assert host_vars(inventory, "res-news-feed")["region"] == "cn-north-4"
    assert host_vars(inventory, "res-rank-canary")["region"] == "cn-north-9"
    assert host_vars(inventory, "res-rank-prod_" + PROD_PROJECT_ID)["project_id"] == PROD_PROJECT_ID
    assert "res-rank-prod" not in inventory.hosts
    assert hosts(inventory, "project_" + PROD_PROJECT_ID) == [
        "res-rank-prod_" + PROD_PROJECT_ID, "res-rank-shadow", "res-model-vpc2"]
    assert simulator.counters == {"token": 2, "projects": 0, "list": 3, "details": 0}


def test_projects_are_read_concurrently_and_added_in_configured_order(parse, monkeypatch, load_plugin):
    load_plugin(inventory_loader)  # the plugin's own import of the orchestrator
    orchestrator_class = sys.modules["ansible_collections.hwc.res.plugins.module_utils._orchestrator"].Orchestrator
    both_reading = threading.Barrier(2, timeout=10)
    real_read_one = orchestrator_class._read_one

    def read_one(orchestrator, index, deadline):
        both_reading.wait()  # breaks (and the test fails) unless both projects are read at once
        if orchestrator.configs[index].project_id == PROD_PROJECT_ID:
            time.sleep(0.2)  # the first project configured answers last
        return real_read_one(orchestrator, index, deadline)

    monkeypatch.setattr(orchestrator_class, "_read_one", read_one)
    inventory = parse(projects=[PROD_PROJECT_ID, PROJECT_ID], max_workers=2)
    assert hosts(inventory)[:3] == ["res-rank-prod_" + PROD_PROJECT_ID, "res-rank-shadow", "res-model-vpc2"]


def test_filters_choose_the_hosts(parse):
    assert hosts(parse(status=["stopped", "deploying"], name=["res-rec*"])) == ["res-recall-v1", "res-recall-v2"]
    assert hosts(parse(is_shared=True)) == ["res-filter-legacy"]
    assert hosts(parse(infer_type="batch")) == []


def test_hostnames_are_a_precedence_list(parse, simulator):
    simulator.add_fault("list", "raw", body=listing({"service_name": "res-a", "service_id": "sid-a", "description": "Recall v1"},
                                                    {"service_name": "res-b", "service_id": "sid-b", "description": None}))
    assert hosts(parse(hostnames=["description", "service_id"])) == ["Recall v1", "sid-b"]


def test_services_without_a_hostnames_field_are_left_out_with_a_warning(parse, warnings):
    assert hosts(parse(hostnames=["description"], name=["res-filter-legacy", "res-rank-prod"])) == [
        "Production ranking model (DeepFM) behind the home feed"]
    assert warnings == ["Service res-filter-legacy (d4c9f02a-b5ee-439b-b919-a50159e2b3ae) of project %s has none "
                        "of the hostnames fields description; it is left out." % PROJECT_ID]


def test_compose_groups_and_keyed_groups(parse):
    inventory = parse(
        compose={"alert": "failure_rate > 0.05", "ansible_host": "'res-' ~ service_id"},
        groups={"shared": "is_shared", "noisy": "alert"},
        keyed_groups=[{"key": "infer_type", "prefix": "type"},
                      {"key": "workspace_id", "prefix": "ws", "parent_group": "workspaces"}])
    assert hosts(inventory, "noisy") == ["res-rank-canary", "res-ctr-experiment"]
    assert hosts(inventory, "shared") == ["res-filter-legacy"]
    assert hosts(inventory, "type_real_time") == WORKSPACE_0
    assert [group.name for group in inventory.groups["workspaces"].child_groups] == ["ws_0"]
    assert host_vars(inventory, "res-recall-v1")["ansible_host"] == "res-6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe"


def test_strict_fails_on_a_compose_error_and_lax_skips_it(parse):
    assert "broken" not in host_vars(parse(compose={"broken": "no_such_var.attr"}), "res-rank-prod")
    with pytest.raises(AnsibleError) as caught:
        parse(compose={"broken": "no_such_var.attr"}, strict=True)
    assert "Could not set broken for host res-rank-prod" in str(caught.value)


@pytest.mark.parametrize("connection, expected", [("", None), ("ssh", "ssh")])
def test_connection_sets_ansible_connection_or_nothing(parse, connection, expected):
    assert host_vars(parse(connection=connection), "res-rank-prod").get("ansible_connection") == expected


def test_status_and_project_group_names_are_sanitized(parse, simulator):
    simulator.add_service(PROJECT_ID, {"service_name": "res-odd", "status": "in-progress/2"})
    assert hosts(parse(), "status_in_progress_2") == ["res-odd"]


def listing(*services):
    """A list answer of the simulator with exactly these services (it lists only the documented fields itself)."""
    base = {"service_id": "0f7e5a1e-93a4-4a8e-9d43-3b0f5b1c2d3e", "infer_type": "real-time", "status": "running",
            "is_shared": False, "invocation_times": "10", "failed_times": "0", "publish_time": 1735689600000,
            "update_time": 1735689600000}
    return {"is_success": True, "services": [dict(base, **service) for service in services]}


def test_fields_reserved_by_ansible_never_become_host_vars(parse, simulator, warnings):
    simulator.add_fault("list", "raw", body=listing({"service_name": "res-evil", "gpu_count": 2,
                                                     "ansible_python_interpreter": "/tmp/evil",
                                                     "ansible_host": "evil.example"}))
    evil = host_vars(parse(connection=""), "res-evil")
    assert evil["gpu_count"] == 2
    assert "ansible_python_interpreter" not in evil and "ansible_host" not in evil
    assert warnings == ["RES sent fields that Ansible reserves (ansible_host, ansible_python_interpreter); they are "
                        "not set as host vars."]


def test_fields_that_are_no_variable_names_are_renamed_with_one_warning_per_field(parse, simulator, warnings):
    simulator.add_fault("list", "raw", body=listing(
        *[{"service_name": "res-%d" % index, "service_id": "sid-%d" % index, "with-dash": index, "2fast": "x",
           "class": "gold", "ansible-host": "evil.example", "with_dash_": "kept"} for index in range(3)]))
    inventory = parse(connection="")
    renamed = host_vars(inventory, "res-1")
    assert (renamed["with_dash"], renamed["_2fast"], renamed["class_"], renamed["with_dash_"]) == (1, "x", "gold",
                                                                                                   "kept")
    assert not [name for name in renamed if name.startswith("ansible_")]
    assert warnings == [
        "RES sent fields that Ansible reserves (ansible-host); they are not set as host vars.",
        "RES sent the field '2fast', which is not a valid variable name; it is set as the host var _2fast.",
        "RES sent the field 'class', which is not a valid variable name; it is set as the host var class_.",
        "RES sent the field 'with-dash', which is not a valid variable name; it is set as the host var with_dash.",
    ]


RESERVED = ["all", "ungrouped", "localhost", "infer_services", "status_running", "status_anything",
            "project_x", "type_batch", "shared"]


def test_reserved_and_group_names_get_the_service_id_and_one_warning_each(parse, simulator, warnings):
    simulator.add_fault("list", "raw", body=listing(
        *[{"service_name": name, "service_id": "sid-%d" % index, "infer_type": "batch"}
          for index, name in enumerate(RESERVED)] + [{"service_name": "res-plain", "service_id": "sid-p"}]))
    inventory = parse(keyed_groups=[{"key": "infer_type", "prefix": "type"}], groups={"shared": "not is_shared"})
    expected = ["%s_sid-%d" % (name, index) for index, name in enumerate(RESERVED)] + ["res-plain"]
    assert hosts(inventory) == expected
    assert "localhost" not in inventory.hosts
    assert inventory.groups["infer_services"].child_groups == []
    assert sorted(hosts(inventory, "type_batch")) == sorted(expected[:-1])
    assert len(warnings) == len(RESERVED)
    assert warnings[2] == ("Service localhost (sid-2) of project %s would be the host localhost, a name kept for "
                           "localhost or a group; it is the host localhost_sid-2." % PROJECT_ID)


def test_an_undocumented_status_filter_warns_and_a_documented_one_matches_in_any_case(parse, warnings):
    assert sorted(hosts(parse(status=["STOPPED"]))) == ["res-filter-legacy", "res-recall-v1"]
    assert warnings == []
    assert hosts(parse(status=["gone"])) == []
    assert len(warnings) == 1 and "status 'gone' is not a documented status" in warnings[0]


def test_api_text_is_never_rendered_as_a_template(parse, simulator, rendered):
    simulator.add_fault("list", "raw", body=listing({
        "service_name": "{{ 6 * 7 }}", "description": "{% if true %}yes{% endif %}", "infer_type": "{{ 'bat' ~ 'ch' }}",
        "flows": [{"flow_name": "{{ 1 + 1 }}", "{{ key }}": "{# comment #}"}]}))
    inventory = parse(compose={"label": "service_name ~ '!'"}, keyed_groups=[{"key": "infer_type", "prefix": "t"}])
    [host] = hosts(inventory)
    assert host == "service_0f7e5a1e-93a4-4a8e-9d43-3b0f5b1c2d3e"
    variables = dict(host_vars(inventory, host), inventory_hostname=host)
    assert rendered("{{ service_name }}|{{ description }}|{{ infer_type }}|{{ label }}|"
                    "{{ flows[0].flow_name }}|{{ flows[0].values() | list | last }}", variables) == \
        "{{ 6 * 7 }}|{% if true %}yes{% endif %}|{{ 'bat' ~ 'ch' }}|{{ 6 * 7 }}!|{{ 1 + 1 }}|{# comment #}"
    assert hosts(inventory, "t_____bat_____ch____") == [host]


HOSTILE_NAMES = ["{{ lookup('pipe', 'id') }}", "#jinja2:variable_start_string:'<<'\n<< 6 * 7 >>", "res:8080",
                 "a,b", "web[1]", " padded ", "bell\x07", "../../etc/passwd", "!negated", "x" * 256]


def test_names_that_could_be_templates_or_be_misread_give_hosts_named_by_service_id(parse, simulator, warnings):
    simulator.add_fault("list", "raw", body=listing(
        *[{"service_name": name, "service_id": "sid-%d" % index} for index, name in enumerate(HOSTILE_NAMES)]
        + [{"service_name": u"推荐 服务", "service_id": "sid-k"}, {"service_name": "{{ x }}", "service_id": "{{ 6 * 7 }}"}]))
    inventory = parse()
    digest = "sha256-" + hashlib.sha256(b"{{ 6 * 7 }}").hexdigest()[:16]
    expected = ["service_sid-%d" % index for index in range(len(HOSTILE_NAMES))] + [u"推荐 服务", "service_" + digest]
    assert hosts(inventory) == expected
    assert [host_vars(inventory, name)["service_name"] for name in expected] == HOSTILE_NAMES + [u"推荐 服务", "{{ x }}"]
    assert hosts(inventory, "status_running") == expected
    # One warning a service, the name quoted with its control characters escaped.
    assert len(warnings) == len(HOSTILE_NAMES) + 1
    assert warnings[0] == (
        "Service {{ lookup('pipe', 'id') }} (sid-0) of project %s would be the host \"{{ lookup('pipe', 'id') }}\", "
        "which could be a template or be misread by AWX, host patterns or inventory files; it is the host "
        "service_sid-0, and its name is in the host var service_name." % PROJECT_ID)
    assert "would be the host 'bell\\x07'," in warnings[6]


def test_fields_named_like_ansible_variables_or_functions_are_set_under_other_names(parse, simulator, warnings,
                                                                                    rendered, monkeypatch):
    simulator.add_fault("list", "raw", body=listing(*[
        {"service_name": "res-%d" % index, "service_id": "sid-%d" % index, "omit": "api-omit", "omit_": "api-omit_",
         "lookup": "api-lookup", "range": [index], "hostvars": {}, "inventory_hostname": "evil", "name": "n",
         "with-dash": index} for index in range(2)]))
    inventory = parse(connection="")
    variables = host_vars(inventory, "res-1")
    own = set(inventory.get_host("res-1").vars)  # without the magic variables get_vars() adds
    assert not {"omit", "lookup", "range", "hostvars", "inventory_hostname", "name"} & own
    assert variables["inventory_hostname"] == "res-1"
    assert (variables["omit__"], variables["omit_"], variables["lookup_"], variables["range_"]) == (
        "api-omit", "api-omit_", "api-lookup", [1])
    assert (variables["hostvars_"], variables["inventory_hostname_"], variables["name_"]) == ({}, "evil", "n")
    # Ansible's own lookup and range are what a template on this host calls.
    monkeypatch.setenv("UNIT_LOOKED_UP", "from-the-environment")
    assert rendered("{{ lookup('ansible.builtin.env', 'UNIT_LOOKED_UP') }} {{ range(2) | list }}",
                    variables) == "from-the-environment [0, 1]"
    assert warnings == [
        "RES sent fields named like variables or functions of Ansible, which they would hide; they are set as other "
        "host vars: hostvars as hostvars_, inventory_hostname as inventory_hostname_, lookup as lookup_, "
        "name as name_, omit as omit__, range as range_.",
        "RES sent the field 'with-dash', which is not a valid variable name; it is set as the host var with_dash."]


def test_connection_options_may_be_templates(parse, simulator, monkeypatch):
    monkeypatch.setenv("UNIT_RES_PASSWORD", PASSWORD_AUTH["password"])
    inventory = parse(password="{{ lookup('ansible.builtin.env', 'UNIT_RES_PASSWORD') }}", project_id=PROJECT_ID)
    assert hosts(inventory) == WORKSPACE_0


def test_environment_values_are_never_rendered(parse, monkeypatch):
    # Rendered, this template would be the right password and the login would succeed.
    monkeypatch.setenv("HW_USER_PASSWORD", "{{ '%s' }}" % PASSWORD_AUTH["password"])
    with pytest.raises(AnsibleParserError) as caught:
        parse(password=None, project_id=PROJECT_ID)
    assert "The username or password is wrong." in str(caught.value)


def test_connection_options_come_from_the_hw_environment(parse, simulator, monkeypatch):
    monkeypatch.setenv("HW_ACCESS_KEY", "SIMDEMOAK0PERMANENT1")
    monkeypatch.setenv("HW_SECRET_KEY", "SimDemoSecretKey0Permanent0000000000000001")
    monkeypatch.setenv("HW_RES_WORKSPACE_ID", "ws-2")
    inventory = parse(user=None, password=None, domain=None)
    assert hosts(inventory) == ["res-news-feed", "res-search-rerank"]
    assert simulator.counters == {"token": 0, "projects": 1, "list": 1, "details": 0}


# -- failures -------------------------------------------------------------------------------------

def test_a_failing_project_fails_the_source_naming_it(parse):
    with pytest.raises(AnsibleParserError) as caught:
        parse(projects=[PROJECT_ID, UNKNOWN_PROJECT_ID])
    message = str(caught.value)
    assert message.startswith("Could not read project %s, workspace 0: IAM POST /v3/auth/tokens failed with "
                              "HTTP 401" % UNKNOWN_PROJECT_ID)
    assert PROJECT_ID not in message


def test_without_fail_on_errors_a_failing_project_is_a_warning(parse, warnings):
    inventory = parse(projects=[UNKNOWN_PROJECT_ID, PROJECT_ID], fail_on_errors=False)
    assert hosts(inventory) == WORKSPACE_0
    assert len(warnings) == 1
    assert warnings[0].startswith("Could not read project %s, workspace 0: IAM POST" % UNKNOWN_PROJECT_ID)
    assert warnings[0].endswith(" Its services are left out.")


@pytest.mark.parametrize("options, message", [
    ({"projcts": [PROJECT_ID]}, "unit.infer_services.yml: unknown option projcts."),
    ({"projects": [{"region": "cn-east-3"}]}, "projects[0] has no project_id."),
    ({"projects": [{"project_id": PROJECT_ID, "workspace": "ws-2"}]}, "projects[0] has unknown key workspace;"),
    ({"max_workers": 0}, "max_workers must be at least 1, got 0."),
    ({"user": None}, "IAM password authentication needs user, password and domain; missing: user"),
    ({"projects": [{"project_id": PROJECT_ID, "endpoint": "res.example"}]}, "endpoint must be an http:// or https://"),
])
def test_bad_configuration_is_a_clear_parser_error(parse, simulator, options, message):
    with pytest.raises(AnsibleParserError) as caught:
        parse(**options)
    assert message in str(caught.value)
    assert simulator.counters["list"] == 0


# -- cache ----------------------------------------------------------------------------------------

@pytest.fixture
def cached(parse, tmp_path):
    """parse() with the jsonfile cache in tmp_path/cache; .files() lists the cache files."""
    cache_dir = tmp_path / "cache"

    def run(flush=False, **options):
        return parse(flush, **dict(dict(cache=True, cache_plugin="ansible.builtin.jsonfile",
                                        cache_connection=str(cache_dir)), **options))
    run.files = lambda: sorted(cache_dir.glob("*")) if cache_dir.exists() else []
    return run


def age(path, seconds):
    past = time.time() - seconds
    os.utime(str(path), (past, past))
    return path.stat().st_mtime


def test_a_fresh_cache_makes_no_request_and_is_never_rewritten(cached, simulator):
    first = cached()
    [cache_file] = cached.files()
    counters = simulator.counters
    mtime = age(cache_file, 60)
    second = cached()
    assert simulator.counters == counters
    assert cache_file.stat().st_mtime == mtime  # reading did not extend its life
    assert hosts(second) == hosts(first) == WORKSPACE_0
    assert host_vars(second, "res-rank-prod") == host_vars(first, "res-rank-prod")


def test_filters_and_constructed_options_apply_to_cached_services(cached, simulator):
    cached()
    counters = simulator.counters
    inventory = cached(status=["stopped"], hostnames=["service_id"], keyed_groups=[{"key": "status", "prefix": "s"}])
    assert simulator.counters == counters
    assert hosts(inventory, "s_stopped") == ["6a5cf5d6-f9f8-4a0f-b008-21d7439cd9fe",
                                             "d4c9f02a-b5ee-439b-b919-a50159e2b3ae"]


def test_flush_cache_reads_the_api_again_and_rewrites_the_entry(cached, simulator):
    cached()
    [cache_file] = cached.files()
    mtime = age(cache_file, 60)
    simulator.add_service(PROJECT_ID, {"service_name": "res-new"})
    assert "res-new" in hosts(cached(flush=True))
    assert simulator.counters["list"] == 2
    assert cache_file.stat().st_mtime > mtime
    assert "res-new" in hosts(cached())
    assert simulator.counters["list"] == 2


def test_an_expired_cache_is_read_again(cached, simulator):
    cached(cache_timeout=30)
    [cache_file] = cached.files()
    age(cache_file, 31)
    cached(cache_timeout=30)
    assert simulator.counters["list"] == 2


def test_without_the_cache_option_every_run_reads_and_nothing_is_written(cached, simulator):
    cached(cache=False)
    cached(cache=False)
    assert simulator.counters["list"] == 2
    assert cached.files() == []


def test_other_credentials_or_projects_never_share_a_cache_entry(cached, simulator):
    cached()
    cached(user="ops-user", password="0ps-Passw0rd!")
    cached(projects=[PROJECT_ID, {"project_id": PROJECT_ID, "workspace_id": "ws-2"}])
    assert simulator.counters["list"] == 4
    assert len(cached.files()) == 3


def test_an_incomplete_inventory_is_not_cached(cached, simulator, warnings):
    cached(projects=[PROJECT_ID, UNKNOWN_PROJECT_ID], fail_on_errors=False)
    assert cached.files() == []
    cached(projects=[PROJECT_ID, UNKNOWN_PROJECT_ID], fail_on_errors=False)
    assert simulator.counters["list"] == 2
