# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin's pure rules: host names and collisions, host var names, cache scope."""

import hashlib
import re
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible import constants as C
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.vars.reserved import get_reserved_names
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.plugin_utils._inventory import (
    MAX_HOST_NAME_LENGTH,
    ReservedNames,
    ansible_variable_names,
    assign_host_names,
    cache_scope,
    host_var_names,
    name_part,
    preferred_name,
    safe_host_name,
)

P1, P2 = "7f0f015577c437ffaf2486bfb279f705", "9e8f95e534f82a3a0ea7856ef34d2614"


def service(name, project_id=P1, service_id=None, workspace_id="0", **fields):
    return dict(fields, service_name=name, service_id=service_id or "id-%s-%s-%s" % (name, project_id, workspace_id),
                project_id=project_id, workspace_id=workspace_id)


# -- host names -----------------------------------------------------------------------------------

def test_first_preferred_field_with_a_value_names_the_host():
    item = service("res-a", description=None, invocation_times=0, is_shared=True)
    assert preferred_name(item, ["description", "is_shared", "invocation_times", "service_name"]) == "0"
    assert preferred_name(item, ["missing", "service_name"]) == "res-a"
    assert preferred_name(dict(item, description="  "), ["description"]) is None


def test_unique_names_are_kept_and_nameless_services_returned_apart():
    services = [service("res-a"), service("res-b", description="B"), service("res-c")]
    assignments, nameless = assign_host_names(services, ["description"])
    assert [(a.name, a.service["service_name"]) for a in assignments] == [("B", "res-b")]
    assert [s["service_name"] for s in nameless] == ["res-a", "res-c"]


def test_a_name_shared_across_projects_is_qualified_by_project_for_every_holder():
    services = [service("res-rank-prod", P1), service("res-x", P1), service("res-rank-prod", P2)]
    names = [a.name for a in assign_host_names(services, ["service_name"])[0]]
    assert names == ["res-rank-prod_" + P1, "res-x", "res-rank-prod_" + P2]


def test_a_name_shared_within_a_project_is_qualified_by_service_id():
    services = [service("feed", P1, "sid-1"), service("feed", P1, "sid-2", workspace_id="ws-2"),
                service("feed", P2, "sid-3")]
    names = [a.name for a in assign_host_names(services, ["service_name"])[0]]
    assert names == ["feed_sid-1", "feed_sid-2", "feed_" + P2]


def test_a_service_named_like_a_qualified_name_is_settled_by_service_ids():
    services = [service("feed", P1, "sid-1"), service("feed", P2, "sid-2"), service("feed_" + P2, P1, "sid-3")]
    names = [a.name for a in assign_host_names(services, ["service_name"])[0]]
    assert names == ["feed_" + P1, "feed_sid-2", "feed_%s_sid-3" % P2]


def test_names_do_not_depend_on_the_order_projects_answered_in():
    services = [service("feed", P1, "sid-1"), service("feed", P1, "sid-2", workspace_id="ws-2"),
                service("feed", P2, "sid-3"), service("solo", P2, "sid-4"), service("feed_" + P2, P1, "sid-5")]
    expected = dict((a.service["service_id"], a.name) for a in assign_host_names(services, ["service_name"])[0])
    assert len(set(expected.values())) == len(services)
    for order in permutations(services):
        assert dict((a.service["service_id"], a.name)
                    for a in assign_host_names(list(order), ["service_name"])[0]) == expected


def test_one_service_listed_twice_is_an_error_not_a_silent_merge():
    twice = service("feed", P1, "sid-1")
    with pytest.raises(ResError) as caught:
        assign_host_names([twice, dict(twice)], ["service_name"])
    assert "'feed_sid-1' stands for more than one service" in caught.value.message


def test_twenty_thousand_services_that_share_a_name_each_get_their_own():
    # How long this takes is measured by `make bench` (case naming), not here.
    services = [service("feed", P1 if index % 2 else P2, "sid-%d" % index) for index in range(20000)]
    assignments, _nameless = assign_host_names(services, ["service_name"])
    assert assignments[1].name == "feed_sid-1" and len(set(a.name for a in assignments)) == 20000


RESERVED = ReservedNames({"all", "localhost", "type_batch", "all_sid-9"}, prefixes=("status_", "project_"))


def test_reserved_names_gain_the_service_id_and_are_marked():
    services = [service("all", service_id="sid-1"), service("localhost", service_id="sid-2"),
                service("status_x", service_id="sid-3"), service("type_batch", service_id="sid-4"),
                service("all_sid-1", service_id="sid-5"), service("Localhost", service_id="sid-6"),
                service("all", P2, service_id="sid-7"), service("all", service_id="sid-9", workspace_id="ws-2"),
                service("all", service_id="sid-8", workspace_id="ws-3")]
    assignments, _nameless = assign_host_names(services, ["service_name"], RESERVED)
    # A shared name is qualified first; only a name that is still reserved then gains the service ID.
    assert [(a.name, a.renamed) for a in assignments] == [
        ("all_sid-1", False), ("localhost_sid-2", True), ("status_x_sid-3", True), ("type_batch_sid-4", True),
        ("all_sid-1_sid-5", False), ("Localhost", False), ("all_" + P2, False), ("all_sid-9_sid-9", True),
        ("all_sid-8", False)]
    assert [a.name for a in assign_host_names([service("all", service_id="sid-1")], ["service_name"],
                                              RESERVED)[0]] == ["all_sid-1"]


def test_reserved_names_are_exact_names_and_prefixes():
    assert RESERVED.holds("all") and RESERVED.holds("status_") and RESERVED.holds("project_1")
    assert not RESERVED.holds("ALL") and not RESERVED.holds("my_status_x")
    assert RESERVED.renamed("all", "sid-9") == "all_sid-9_sid-9"


def test_field_names_that_are_no_variable_names_are_renamed_uniquely():
    names = host_var_names(["with-dash", "with_dash", "2fast", "class", "True", "", u"名前", "ok", "ansible_host",
                            "ansible-port", "with.dash"], "ansible_")
    assert names == {"with-dash": "with_dash_", "with_dash": "with_dash", "2fast": "_2fast", "class": "class_",
                     "True": "True_", "": "_", u"名前": "__", "ok": "ok", "ansible_host": None, "ansible-port": None,
                     "with.dash": "with_dash__"}


def test_field_names_that_would_hide_ansible_names_are_renamed_like_invalid_ones():
    shadowing = {"omit", "lookup", "loop_control", "hostvars"}
    names = host_var_names(["omit", "omit_", "lookup", "loop-control", "hostvars", "hostvars-", "gpu_count",
                            "ansible_facts"], "ansible_", shadowing)
    # omit_ is another field's name, and loop-control's usual rename is itself one of the names.
    assert names == {"omit": "omit__", "omit_": "omit_", "lookup": "lookup_", "loop-control": "loop_control_",
                     "hostvars": "hostvars_", "hostvars-": "hostvars__", "gpu_count": "gpu_count",
                     "ansible_facts": None}
    assert host_var_names(["omit", "lookup"], "ansible_") == {"omit": "omit", "lookup": "lookup"}


def test_the_names_ansible_keeps_for_itself_come_from_the_running_ansible_core():
    names = ansible_variable_names(Templar(loader=DataLoader()))
    # Whichever ansible-core runs: its reserved names, its magic variables, and its template globals.
    assert set(get_reserved_names()) <= names and set(C.INTERNAL_STATIC_VARS) <= names
    assert {"omit", "lookup", "query", "q", "now", "undef", "range", "dict", "lipsum", "cycler", "joiner",
            "namespace", "inventory_hostname", "hostvars", "groups", "group_names", "vars", "environment",
            "name", "port", "timeout"} <= names
    assert not {"service_name", "service_id", "status", "project_id", "workspace_id", "region", "description",
                "failure_rate", "invocation_times", "update_time_iso", "infer_type", "is_shared"} & names


UNSAFE_NAMES = ["{{ 6 * 7 }}", "{% if true %}x{% endif %}", "{# note #}", "a}", "#jinja2:variable_start_string:'<<'",
                "res#1", "res:8080", "a,b", "web[1]", "it's", 'say "hi"', "back\\slash", "../../etc/passwd",
                "bell\x07", "tab\tinside", "line\nbreak", "zero\u200bwidth", "line\u2028separator", "nbsp\u00a0x",
                " lead", "trail ", "!negated", "&and", "~regex", "@file", ";comment", "x" * (MAX_HOST_NAME_LENGTH + 1)]
SAFE_NAMES = ["res-rank-prod", u"推荐-排序-服务 ✓", "two words", "res.v1", "a_b", "100", u"res-hostile-\ufffd",
              "ends!", "a*b?", "50%", "x" * MAX_HOST_NAME_LENGTH]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_name_that_could_be_a_template_or_be_misread_is_replaced_by_the_service_id(name):
    assert not safe_host_name(name)
    [assignment], _nameless = assign_host_names([service(name, service_id="sid-1"), ], ["service_name"])
    assert (assignment.name, assignment.replaced, assignment.renamed) == ("service_sid-1", True, False)
    assert assignment.service["service_name"] == name


@pytest.mark.parametrize("name", SAFE_NAMES)
def test_names_of_any_script_and_with_inner_blanks_are_kept(name):
    assert safe_host_name(name)
    [assignment], _nameless = assign_host_names([service(name, service_id="sid-1")], ["service_name"])
    assert (assignment.name, assignment.replaced) == (name, False)


def digest(text):
    return "sha256-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_ids_that_cannot_stand_in_a_host_name_are_digested_and_stay_distinct():
    assert name_part("ce3dc431-427d-4e9d-a591-4157781604cf") == "ce3dc431-427d-4e9d-a591-4157781604cf"
    for identifier in ("{{ 6 * 7 }}", "a:b", "", "x" * 65, "id\n"):
        assert name_part(identifier) == digest(identifier)
    # An ID that looks like a digest is digested too: it cannot take the part of another ID.
    lookalike = digest("{{ 6 * 7 }}")
    assert name_part(lookalike) == digest(lookalike) != lookalike
    services = [service("{{ x }}", service_id="{{ 6 * 7 }}"), service("{{ y }}", service_id=lookalike),
                service("feed", P1, "a:b"), service("feed", P1, "c:d", workspace_id="ws-2"),
                service("feed", "{{ project }}", "sid-9")]
    names = [a.name for a in assign_host_names(services, ["service_name"])[0]]
    assert names == ["service_" + digest("{{ 6 * 7 }}"), "service_" + digest(lookalike), "feed_" + digest("a:b"),
                     "feed_" + digest("c:d"), "feed_" + digest("{{ project }}")]


def test_replaced_names_follow_the_collision_and_reserved_rules():
    services = [service("{{ a }}", P1, "sid-1"), service("service_sid-1", P1, "sid-2", workspace_id="ws-2"),
                service("{{ b }}", P2, "sid-1"), service("{{ c }}", P1, "sid-3")]
    reserved = ReservedNames({"service_sid-3"})
    assignments = assign_host_names(services, ["service_name"], reserved)[0]
    assert [(a.name, a.replaced, a.renamed) for a in assignments] == [
        ("service_sid-1_sid-1", True, False), ("service_sid-1_sid-2", False, False),
        ("service_sid-1_" + P2, True, False), ("service_sid-3_sid-3", True, True)]


unique_ids = st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=12, unique=True)
# Pieces of names AWX, host patterns, inventory files or Jinja treat specially, and any text at all.
hostile_text = st.lists(st.sampled_from(list("ab_-: {}#%,[]'\"\\/!&~@;\x00\x07\n\t\u200b\u00a0\u2028.")
                                        + ["#jinja2:", "{{", "{%", "sid-1", "service_"]),
                        max_size=12).map("".join) | st.text(max_size=20)


@settings(max_examples=300, deadline=None)
@given(ids=unique_ids, names=st.lists(hostile_text, min_size=12, max_size=12),
       projects=st.lists(st.sampled_from([P1, P2, "{{ p }}", "p:1"]), min_size=12, max_size=12))
def test_no_host_name_holds_a_template_or_what_awx_misreads(ids, names, projects):
    services = [service(name, project, identifier) for identifier, name, project in zip(ids, names, projects)]
    try:
        assignments, _nameless = assign_host_names(services, ["service_name"])
    except ResError:  # names built to collide with each other's qualified names: nothing is emitted
        return
    emitted = [a.name for a in assignments]
    assert len(set(emitted)) == len(emitted)
    for name in emitted:
        assert not re.search(r"[{}#:,\[\]'\"\\/]", name) and name.isprintable() and name == name.strip(), name
        assert not name.startswith(("!", "&", "~", "@", ";")) and 0 < len(name) <= 512, name


# -- cache scope ----------------------------------------------------------------------------------

def config(**options):
    base = {"user": "demo-user", "password": "Demo-Passw0rd!", "domain": "demo-domain", "project_id": P1}
    base.update(options)
    return ConnectionConfig(base)


def test_cache_scope_follows_identity_projects_workspaces_and_endpoints():
    reference = cache_scope([config()])
    assert cache_scope([config()]) == reference
    for changed in ({"user": "ops-user"}, {"domain": "other"}, {"project_id": P2}, {"workspace_id": "ws-2"},
                    {"endpoint": "http://127.0.0.1:1"}, {"region": "cn-east-3"}):
        assert cache_scope([config(**changed)]) != reference, changed
    assert cache_scope([config(), config(project_id=P2)]) != reference
    assert cache_scope([config(project_id=P2), config()]) != cache_scope([config(), config(project_id=P2)])


def test_cache_scope_holds_no_secret():
    with_password = cache_scope([config(password="one")])
    assert cache_scope([config(password="two")]) == with_password
    keys = {"access_key": "AK", "user": None, "password": None, "domain": None}
    assert cache_scope([config(secret_key="SK1", **keys)]) == cache_scope([config(secret_key="SK2", **keys)])
