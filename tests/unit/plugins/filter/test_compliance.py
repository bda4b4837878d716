# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The filters compliance_policy, compliance_result, compliance_junit, compliance_to_start and compliance_remediated:
arguments, errors, warnings, docs."""

import inspect
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleError, AnsibleFilterError
from ansible.plugins.loader import filter_loader
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import AnsibleUnsafe

from ansible_collections.hwc.res.plugins.filter import compliance as plugin
from ansible_collections.hwc.res.plugins.plugin_utils._compliance import evaluate
from ansible_collections.hwc.res.tests.unit.plugins.controller_fixtures import (  # noqa: F401  pylint: disable=unused-import
    load_plugin,
    rendered,
)

try:
    from ansible.template import is_trusted_as_template
except ImportError:  # ansible-core < 2.19
    is_trusted_as_template = None

FILTERS = plugin.FilterModule().filters()
DOCS = Path(plugin.__file__).resolve().parent
NOW = 1737676800000
SERVICES = [
    {"service_id": "1", "service_name": "res-ok", "status": "running", "project_id": "p1"},
    {"service_id": "2", "service_name": "res-bad", "status": "concerning", "project_id": "p1"},
]


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *args, **kwargs: seen.append(msg))
    return seen


def test_the_plugin_offers_five_filters():
    assert sorted(FILTERS) == ["compliance_junit", "compliance_policy", "compliance_remediated", "compliance_result",
                               "compliance_to_start"]


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_each_filter_is_documented_with_its_real_arguments(name):
    doc = yaml.safe_load((DOCS / (name + ".yml")).read_text())
    assert doc["DOCUMENTATION"]["name"] == name
    assert doc["EXAMPLES"] and doc["RETURN"]["_value"]
    documented = set(doc["DOCUMENTATION"]["options"])
    parameters = list(inspect.signature(FILTERS[name]).parameters)
    assert documented == set(["_input"] + parameters[1:])
    assert doc["DOCUMENTATION"]["positional"].replace(" ", "").split(",")[1:] == \
        [p for p in parameters[1:] if p == "policy"]


def test_compliance_result_is_the_rules_result():
    policy = {"required_running": ["res-*"]}
    assert FILTERS["compliance_result"](SERVICES, policy, now_ms=NOW) == evaluate(SERVICES, policy, NOW)
    assert FILTERS["compliance_result"](SERVICES)["violations"][0]["detail"] == \
        "res-bad: status concerning is forbidden"


def test_project_ids_reach_the_rules():
    result = FILTERS["compliance_result"](SERVICES, {"required_running": ["res-ok"]}, project_ids=["p1", "p2"])
    assert [(v["project_id"], v["service_name"]) for v in result["violations"]] == [
        ("p1", "res-bad"), ("p2", "res-ok")]


@pytest.mark.parametrize("now_ms", [NOW + 31 * 60000, str(NOW + 31 * 60000), float(NOW + 31 * 60000)])
def test_now_ms_may_be_a_number_or_its_text(now_ms):
    services = [dict(SERVICES[0], status="deploying", update_time=NOW)]
    result = FILTERS["compliance_result"](services, {"max_deploying_minutes": 30}, now_ms=now_ms)
    assert result["violations"][0]["detail"] == "res-ok: deploying for 31 minutes, more than the 30 allowed"


def test_now_ms_defaults_to_the_current_time(monkeypatch):
    monkeypatch.setattr(plugin.time, "time", lambda: (NOW + 45 * 60000) / 1000.0)
    services = [dict(SERVICES[0], status="deploying", update_time=NOW)]
    result = FILTERS["compliance_result"](services, {"max_deploying_minutes": 30})
    assert result["violations"][0]["detail"] == "res-ok: deploying for 45 minutes, more than the 30 allowed"


@pytest.mark.parametrize("name, args, kwargs, message", [
    ("compliance_result", (SERVICES, {"max_failure_rate": 2}), {},
     "Invalid compliance policy: max_failure_rate is a fraction from 0 to 1 (0.05 for 5%), not 2.0."),
    ("compliance_junit", (SERVICES, {"bogus": 1}), {}, "Invalid compliance policy: unknown key bogus;"),
    ("compliance_policy", ({"allow_shared": "maybe"},), {}, "Invalid compliance policy: argument 'allow_shared'"),
    ("compliance_result", ({"services": SERVICES},), {}, "Compliance rules apply to a list of services"),
    ("compliance_result", (SERVICES,), {"now_ms": "soon"},
     "now_ms must be a time in milliseconds since the epoch, from -62135596800000 (0001-01-01T00:00:00Z) to "
     "253402300799999 (9999-12-31T23:59:59.999Z), not 'soon'."),
    ("compliance_junit", (SERVICES,), {"now_ms": True}, "now_ms must be a time in milliseconds since the epoch"),
    ("compliance_result", (SERVICES,), {"project_ids": "p1"}, "project_ids must be a list of project IDs, not 'p1'."),
    ("compliance_result", (SERVICES,), {"remediated": [{"service_name": 1}]},
     "remediated[0] must be a remediation record"),
    ("compliance_junit", (SERVICES,), {"remediated": "res-ok"}, "remediated must be a list of remediation records"),
    ("compliance_to_start", (SERVICES, {"required_running": [""]}), {},
     "Invalid compliance policy: required_running holds an empty name."),
    ("compliance_remediated", ({"results": []},), {}, "made of the 'results' list of a registered loop"),
    ("compliance_remediated", ([],), {"check_mode": "perhaps"},
     "check_mode must be true or false (ansible_check_mode), not 'perhaps'."),
])
def test_bad_arguments_fail_as_filter_errors(name, args, kwargs, message):
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS[name](*args, **kwargs)
    assert message in str(caught.value)


def test_compliance_policy_fills_in_defaults_and_warns_about_unknown_statuses(warnings):
    policy = FILTERS["compliance_policy"]({"forbidden_statuses": ["concerning", "stoped"], "max_failure_rate": "0.1"})
    assert policy["max_failure_rate"] == 0.1 and policy["min_invocations"] == 100
    assert len(warnings) == 1 and warnings[0].startswith("forbidden_statuses: 'stoped' is not a status RES uses")
    FILTERS["compliance_result"](SERVICES, {"forbidden_statuses": ["stoped"]})
    assert len(warnings) == 1  # only compliance_policy warns, so a role calling all three warns once


def test_compliance_junit_is_junit_of_the_same_checks():
    policy = {"required_running": ["res-*", "res-none"]}
    root = ET.fromstring(FILTERS["compliance_junit"](SERVICES, policy, now_ms=NOW, project_ids=["p1"],
                                                     suite_name="nightly").encode("utf-8"))
    suite = root.find("testsuite")
    assert (root.get("name"), suite.get("name"), suite.get("tests"), suite.get("failures")) == \
        ("nightly", "nightly", "5", "3")
    messages = [case.find("failure").get("message") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert messages == [v["detail"] for v in evaluate(SERVICES, policy, NOW, ["p1"])["violations"]]
    assert dict((p.get("name"), p.get("value")) for p in suite.find("properties"))["policy.required_running"] == \
        "res-*,res-none"


@pytest.mark.parametrize("now_ms", [float("inf"), 1e20, 99999999999999999, -62135596800001, float("nan"), True,
                                    "soon", []])
@pytest.mark.parametrize("name", ["compliance_result", "compliance_junit"])
def test_a_time_no_date_can_show_fails_the_template_with_the_range(name, now_ms, load_plugin, rendered):
    # In a playbook, as Ansible templates it: one message saying what to fix, no Python error.
    assert load_plugin(filter_loader, "hwc.res." + name)
    with pytest.raises(AnsibleError) as caught:
        rendered("{{ services | hwc.res.%s(now_ms=now) }}" % name, {"services": SERVICES, "now": now_ms})
    message = str(caught.value)
    assert "now_ms must be a time in milliseconds since the epoch, from -62135596800000 (0001-01-01T00:00:00Z) " \
           "to 253402300799999 (9999-12-31T23:59:59.999Z), not " in message
    for python_error in ("Traceback", "convert", "out of range", "OverflowError", "ValueError"):
        assert python_error not in message


@pytest.mark.parametrize("name", ["compliance_result", "compliance_junit"])
def test_negative_zero_is_the_epoch(name, load_plugin, rendered):
    assert load_plugin(filter_loader, "hwc.res." + name)
    assert rendered("{{ services | hwc.res.%s(now_ms=-0.0) }}" % name, {"services": SERVICES}) == \
        rendered("{{ services | hwc.res.%s(now_ms=0) }}" % name, {"services": SERVICES})


TEMPLATE_NAME = u'res-{{ lookup("pipe", "id") }}'


def is_data(text):
    """Whether Ansible would keep ``text`` as it is rather than render it as a template."""
    if is_trusted_as_template is not None:
        return not is_trusted_as_template(text)
    return isinstance(text, AnsibleUnsafe)


STOPPED = [dict(SERVICES[0], status="stopped"), dict(SERVICES[1], service_name=TEMPLATE_NAME, status="stopped")]


def test_compliance_to_start_is_the_stopped_required_services_as_data():
    to_start = FILTERS["compliance_to_start"](STOPPED + SERVICES, {"required_running": ["res-*"]})
    assert [service["service_name"] for service in to_start] == ["res-ok", TEMPLATE_NAME]
    assert is_data(to_start[1]["service_name"])
    # make_unsafe ran: on ansible-core 2.19 and later it marks text without template markers trusted.
    assert is_trusted_as_template is None or is_trusted_as_template(to_start[0]["service_name"])


@pytest.mark.parametrize("check_mode, status_after", [(False, "running"), ("no", "running"), (True, None),
                                                      ("true", None)])
def test_compliance_remediated_takes_check_mode_as_ansible_check_mode_or_its_text(check_mode, status_after):
    results = [{"item": STOPPED[1], "changed": True, "service": dict(STOPPED[1], status="running")}]
    [record] = FILTERS["compliance_remediated"](results, check_mode=check_mode)
    assert record == {"project_id": "p1", "service_id": "2", "service_name": TEMPLATE_NAME, "status_before": "stopped",
                      "status_after": status_after, "error": None}
    assert is_data(record["service_name"])


def test_remediated_goes_into_the_result_only_when_given():
    remediated = [{"project_id": "p1", "service_id": "1", "service_name": "res-ok", "status_after": "running"}]
    result = FILTERS["compliance_result"](SERVICES, {}, now_ms=NOW, remediated=remediated)
    assert result == dict(evaluate(SERVICES, {}, NOW), remediated=[dict(remediated[0], status_before=None,
                                                                        error=None)])
    assert list(result) == ["passed", "checked", "violations", "remediated"]
    assert "remediated" not in FILTERS["compliance_result"](SERVICES, {}, now_ms=NOW)
    assert FILTERS["compliance_result"](SERVICES, {}, now_ms=NOW, remediated=[])["remediated"] == []


def test_compliance_junit_adds_a_test_case_per_remediation():
    remediated = [{"project_id": "p1", "service_id": "1", "service_name": "res-ok", "status_before": "stopped",
                   "status_after": "stopped", "error": "HTTP 403."}]
    suite = ET.fromstring(FILTERS["compliance_junit"](SERVICES, {}, now_ms=NOW, remediated=remediated).encode(
        "utf-8")).find("testsuite")
    cases = list(suite.iter("testcase"))
    assert [(case.get("classname"), case.get("name")) for case in cases[-1:]] == [("p1.res-ok", "remediation")]
    assert cases[-1].find("failure").get("message") == "res-ok: could not start it: HTTP 403."
    assert (suite.get("tests"), suite.get("failures")) == ("3", "2")
