# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The lookup hwc.res.infer_services, loaded by Ansible's plugin loader, against an in-process simulator."""


import pytest

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter
from ansible_collections.hwc.res.plugins.module_utils import _config


PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
PASSWORD_AUTH = {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain"}
RANK_PROD_ID = "ce3dc431-427d-4e9d-a591-4157781604cf"
CANARY_ID = "03ef7ea2-d2cc-4b3a-a948-0f00e8e22602"


@pytest.fixture
def lookup(simulator, load_plugin):
    plugin = load_plugin(lookup_loader)

    def run(*terms, **options):
        connection = dict(PASSWORD_AUTH, endpoint=simulator.url, identity_endpoint=simulator.url + "/v3",
                          project_id=PROJECT_ID, retries=0)
        connection.update(options)
        return plugin.run(list(terms), variables={}, **connection)
    return run


def names(services):
    return [service["service_name"] for service in services]


def test_without_terms_every_service_passing_the_filters_exactly_as_the_client_normalizes_them(lookup, simulator):
    services = lookup(status=["stopped", "concerning"])
    config = ConnectionConfig(dict(PASSWORD_AUTH, endpoint=simulator.url, identity_endpoint=simulator.url + "/v3",
                                   project_id=PROJECT_ID))
    with ResClient(config) as client:
        expected = ServiceFilter(statuses=["stopped", "concerning"]).apply(client.find_services()[0])
    assert services == expected
    assert names(services) == ["res-recall-v1", "res-filter-legacy", "res-ctr-experiment"]


def test_unknown_options_fail_naming_them_and_the_valid_ones(lookup, simulator):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup(staus="stopped")
    message = str(caught.value)
    assert message.startswith("hwc.res.infer_services: unknown option staus. Valid options: ")
    assert "status" in message.split("Valid options: ")[1] and "on_missing" in message and "_terms" not in message
    with pytest.raises(AnsibleLookupError, match="unknown options nmae, stauts. Valid"):
        lookup(stauts="x", nmae="y")
    assert simulator.counters["list"] == 0


def test_a_documented_status_in_other_case_matches_and_an_undocumented_one_warns(lookup, warnings):
    assert names(lookup(status="STOPPED")) == ["res-recall-v1", "res-filter-legacy"]
    assert warnings == []
    assert lookup(status="gone") == []
    assert len(warnings) == 1 and "status 'gone' is not a documented status" in warnings[0]


def test_terms_select_by_exact_name_or_id_in_term_order_once_each(lookup):
    services = lookup("res-recall-v1", RANK_PROD_ID, "res-rank-prod", ["res-rank-canary", CANARY_ID])
    assert names(services) == ["res-recall-v1", "res-rank-prod", "res-rank-canary"]


def test_terms_and_filters_combine(lookup):
    assert names(lookup("res-rank-prod", "res-recall-v1", status=["stopped"], on_missing="skip")) == ["res-recall-v1"]


def test_glob_characters_in_terms_match_literally(lookup):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup("res-rank-*")
    assert str(caught.value) == ("The term 'res-rank-*' matches the name or ID of no service in project %s, "
                                 "workspace 0." % PROJECT_ID)


def test_on_missing_error_names_every_missing_term_and_the_filters(lookup, simulator):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup("res-rank-prod", "nope", "gone", status=["stopped"], infer_type="real-time")
    assert str(caught.value) == ("These terms match the name or ID of no service in project %s, workspace 0 that "
                                 "passes the filters (status, infer_type): 'res-rank-prod', 'nope', 'gone'."
                                 % PROJECT_ID)


def test_on_missing_warn_returns_the_others_with_a_warning(lookup, warnings):
    assert names(lookup("nope", "res-rank-prod", on_missing="warn")) == ["res-rank-prod"]
    assert warnings == ["The term 'nope' matches the name or ID of no service in project %s, workspace 0."
                        % PROJECT_ID]


def test_on_missing_skip_is_silent(lookup, warnings):
    assert lookup("nope", on_missing="skip") == []
    assert warnings == []


def test_on_missing_accepts_only_its_choices(lookup):
    with pytest.raises(Exception) as caught:
        lookup("nope", on_missing="ignore")
    assert "on_missing" in str(caught.value)


@pytest.mark.parametrize("expression, expected", [
    ("[].service_name", ["res-recall-v1", "res-filter-legacy"]),
    ("[0].service_name", ["res-recall-v1"]),
    ("length(@)", [2]),
    ("[?status == 'running'] | [0]", [None]),
    ("[].{name: service_name, shared: is_shared}",
     [{"name": "res-recall-v1", "shared": False}, {"name": "res-filter-legacy", "shared": True}]),
])
def test_query_returns_a_list_as_is_and_anything_else_as_a_list_of_it(lookup, expression, expected):
    assert lookup(status=["stopped"], query=expression) == expected


def test_bad_query_is_a_lookup_error(lookup):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup(query="[?")
    assert "query '[?' is not a valid JMESPath expression" in str(caught.value)


def test_details_are_read_for_the_selected_services_only(lookup, simulator):
    services = lookup("res-rank-prod", details=True)
    assert services[0]["access_address"].endswith("/infer/" + RANK_PROD_ID)
    assert services[0]["flows"][0]["flow_name"] == "rank-deepfm-v7"
    assert simulator.counters["details"] == 1
    assert "access_address" not in lookup("res-rank-prod")[0]


def test_api_failure_is_a_lookup_error_with_the_clients_message(lookup, simulator):
    simulator.add_fault("list", "http_error", status=403, body_kind="gateway")
    with pytest.raises(AnsibleLookupError) as caught:
        lookup()
    message = str(caught.value)
    assert message.startswith("RES GET /v1/%s/infer-services failed with HTTP 403" % PROJECT_ID)
    assert "APIGW.0302" in message and "Check the credentials" in message


def test_missing_credentials_are_a_lookup_error(lookup):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup(user=None, password=None, domain=None)
    assert str(caught.value).startswith("No credentials were given.")


def test_non_text_terms_are_a_lookup_error(lookup):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup("res-rank-prod", 42)
    assert str(caught.value) == "Terms are service names or IDs (strings), got 42."


def test_connection_options_come_from_the_hw_environment(simulator, monkeypatch, load_plugin):
    monkeypatch.setenv("HW_RES_ENDPOINT", simulator.url)
    monkeypatch.setenv("HW_AUTH_URL", simulator.url + "/v3")
    monkeypatch.setenv("HW_ACCESS_KEY", "SIMDEMOAK0PERMANENT1")
    monkeypatch.setenv("HW_SECRET_KEY", "SimDemoSecretKey0Permanent0000000000000001")
    monkeypatch.setenv("HW_PROJECT_ID", PROJECT_ID)
    monkeypatch.setenv("HW_RES_WORKSPACE_ID", "ws-2")
    services = load_plugin(lookup_loader).run([], variables={})
    assert names(services) == ["res-news-feed", "res-search-rerank"]
    assert simulator.counters["token"] == 0


def test_normalization_warnings_are_shown(lookup, simulator, warnings):
    simulator.add_service(PROJECT_ID, {"service_name": "odd", "invocation_times": "n/a"})
    assert lookup("odd")[0]["invocation_times"] is None
    assert len(warnings) == 1 and "invocation_times 'n/a' is not a whole number" in warnings[0]


def test_api_text_is_never_rendered_as_a_template(lookup, simulator, rendered):
    simulator.add_service(PROJECT_ID, {"service_name": "{{ 6 * 7 }}", "description": "{% if true %}yes{% endif %}"})
    service = lookup("{{ 6 * 7 }}")[0]
    assert rendered("{{ item.service_name }}|{{ item.description }}", {"item": service}) == \
        "{{ 6 * 7 }}|{% if true %}yes{% endif %}"
    [name] = lookup(query="[?service_name == '{{ 6 * 7 }}'].service_name")
    assert rendered("{{ name }}", {"name": name}) == "{{ 6 * 7 }}"


@pytest.fixture
def configs(monkeypatch):
    """The ConnectionConfig objects the lookup builds."""
    built = []

    def build(options, given_as=None):
        built.append(ConnectionConfig(options, given_as))
        return built[-1]
    monkeypatch.setattr(_config, "ConnectionConfig", build)
    return built


@pytest.mark.parametrize("given", [{}, {"validate_certs": False, "ca_path": "/etc/pki/res.pem"}])
def test_an_empty_hw_variable_counts_as_unset(simulator, monkeypatch, load_plugin, configs, given):
    # AWX injects "" for every credential field left empty; Ansible would read it as false / the current directory.
    for name, value in dict(HW_RES_ENDPOINT=simulator.url, HW_AUTH_URL=simulator.url + "/v3", HW_PROJECT_ID=PROJECT_ID,
                            HW_USER_NAME="demo-user", HW_USER_PASSWORD="Demo-Passw0rd!", HW_DOMAIN_NAME="demo-domain",
                            HW_VALIDATE_CERTS="", HW_CA_PATH="", HW_ACCESS_KEY="", HW_AUTH_TOKEN="").items():
        monkeypatch.setenv(name, value)
    assert len(load_plugin(lookup_loader).run(["res-rank-prod"], variables={}, **given)) == 1
    # What the lookup is given stands; the empty variables are as if not set.
    expected = (False, "/etc/pki/res.pem") if given else (True, None)
    assert configs and all((config.validate_certs, config.ca_path, config.auth_method) == expected + ("password",)
                           for config in configs)


def test_hw_validate_certs_and_ca_path_are_read(simulator, monkeypatch, load_plugin, configs):
    for name, value in dict(HW_RES_ENDPOINT=simulator.url, HW_AUTH_TOKEN="sim-token-cn-north-4-valid",
                            HW_PROJECT_ID=PROJECT_ID, HW_VALIDATE_CERTS="False", HW_CA_PATH="/etc/pki/res.pem").items():
        monkeypatch.setenv(name, value)
    load_plugin(lookup_loader).run([], variables={})
    assert (configs[0].validate_certs, configs[0].ca_path, configs[0].verify) == (False, "/etc/pki/res.pem", False)


def test_a_term_missing_where_a_project_could_not_be_read_says_why(lookup, simulator):
    # Before, only "matches no service" was said, and the reason the project could not be read never was.
    other = "9e8f95e534f82a3a0ea7856ef34d2614"
    simulator.add_fault("list", "http_error", times=1, status=403, error_code="res.2301", error_msg="Denied here.")
    with pytest.raises(AnsibleLookupError) as caught:
        lookup("res-rank-prod", "res-nowhere", projects=[other, PROJECT_ID], max_workers=1, fail_on_errors=False)
    message = str(caught.value)
    assert message.startswith("The term 'res-nowhere' matches the name or ID of no service in project %s, "
                              "workspace 0. It may be in a project that could not be read: Could not read project "
                              "%s, workspace 0: " % (PROJECT_ID, other))
    assert "HTTP 403" in message and "res.2301: Denied here" in message
