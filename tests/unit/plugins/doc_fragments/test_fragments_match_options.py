# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option declarations in module_utils/_options.py and the doc fragments must say the same thing."""

import pytest
import yaml

from ansible_collections.hwc.res.plugins.doc_fragments.connection import ModuleDocFragment as Connection
from ansible_collections.hwc.res.plugins.doc_fragments.projects import ModuleDocFragment as Projects
from ansible_collections.hwc.res.plugins.doc_fragments.service_filters import ModuleDocFragment as Filters
from ansible_collections.hwc.res.plugins.inventory import infer_services as inventory_plugin
from ansible_collections.hwc.res.plugins.lookup import infer_services as lookup_plugin
from ansible_collections.hwc.res.plugins.module_utils._config import SECRET_OPTIONS
from ansible_collections.hwc.res.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    FILTER_OPTIONS,
    OUTPUT_OPTIONS,
    PROJECTS_OPTIONS,
)
from ansible_collections.hwc.res.plugins.modules import infer_service_info


def _options(fragment_text):
    return yaml.safe_load(fragment_text)["options"]


def _assert_same(declared, documented):
    assert sorted(documented) == sorted(declared)
    for name, spec in declared.items():
        doc = documented[name]
        assert doc["type"] == spec["type"], name
        assert doc.get("elements") == spec.get("elements"), name
        assert doc.get("default") == spec.get("default"), name


def test_connection_fragment_matches_the_argument_spec():
    _assert_same(CONNECTION_OPTIONS, _options(Connection.DOCUMENTATION))


def test_plugin_variant_declares_exactly_the_environment_variables():
    documented = dict((name, [entry["name"] for entry in option["env"]])
                      for name, option in _options(Connection.PLUGIN).items())
    declared = dict((name, spec["env"]) for name, spec in CONNECTION_OPTIONS.items() if spec.get("env"))
    assert documented == declared


def test_module_descriptions_name_each_environment_variable():
    documented = _options(Connection.DOCUMENTATION)
    for name, spec in CONNECTION_OPTIONS.items():
        text = " ".join(documented[name]["description"])
        for variable in spec.get("env", []):
            assert "E(%s)" % variable in text, name


def test_filter_fragment_matches_the_filter_spec():
    _assert_same(FILTER_OPTIONS, _options(Filters.DOCUMENTATION))


def test_output_fragment_matches_the_output_spec():
    _assert_same(OUTPUT_OPTIONS, _options(Filters.OUTPUT))


def test_projects_fragment_matches_the_projects_spec():
    _assert_same(PROJECTS_OPTIONS, _options(Projects.DOCUMENTATION))


def test_module_declares_no_shared_option_of_its_own():
    """The module adds only its own options; the shared ones come from _options.py alone."""
    shared = set(CONNECTION_OPTIONS) | set(FILTER_OPTIONS) | set(OUTPUT_OPTIONS) | set(PROJECTS_OPTIONS)
    assert not shared & set(infer_service_info.MODULE_OPTIONS)


@pytest.mark.parametrize("plugin", [infer_service_info, lookup_plugin, inventory_plugin])
def test_every_entry_point_documents_projects_through_the_one_fragment(plugin):
    documentation = yaml.safe_load(plugin.DOCUMENTATION)
    assert "hwc.res.projects" in documentation["extends_documentation_fragment"]
    assert not set(PROJECTS_OPTIONS) & set(documentation["options"])


def test_secrets_are_no_log():
    assert sorted(name for name, spec in CONNECTION_OPTIONS.items() if spec.get("no_log")) == [
        "auth_token", "password", "secret_key", "security_token"]
    # What messages, the redactor and the event source keep out of sight: the same options.
    assert sorted(SECRET_OPTIONS) == ["auth_token", "password", "secret_key", "security_token"]
