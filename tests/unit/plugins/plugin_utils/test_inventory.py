# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin's pure rules: host names and collisions, cache scope."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from itertools import permutations

import pytest

from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.plugin_utils._inventory import (
    ReservedNames,
    assign_host_names,
    cache_scope,
    host_var_names,
    preferred_name,
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
