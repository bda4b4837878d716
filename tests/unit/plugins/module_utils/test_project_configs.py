# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The projects option: one ConnectionConfig per project and workspace."""

import pytest

from ansible_collections.hwc.res.plugins.module_utils._config import (
    DEFAULT_PROJECT,
    ProjectTarget,
    project_configs,
    project_targets,
)
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError

P1, P2 = "7f0f015577c437ffaf2486bfb279f705", "9e8f95e534f82a3a0ea7856ef34d2614"


# -- projects -------------------------------------------------------------------------------------

def test_no_projects_means_the_project_of_the_connection_options():
    assert project_targets(None, "0") == [DEFAULT_PROJECT]
    assert project_targets([], "0") == [DEFAULT_PROJECT]


def test_configs_are_built_once_each_with_only_the_values_an_entry_sets():
    options = {"auth_token": "t", "project_id": P2, "region": "cn-north-9", "workspace_id": "ws-1"}
    [default] = project_configs(options, None)
    assert (default.project_id, default.region, default.workspace_id) == (P2, "cn-north-9", "ws-1")
    configs = project_configs(options, [P1, {"project_id": P2, "region": "cn-east-3"}])
    assert [(config.project_id, config.region, config.workspace_id) for config in configs] == [
        (P1, "cn-north-9", "ws-1"), (P2, "cn-east-3", "ws-1")]
    # Each entry's own values, and nothing else, are named after the entry in messages.
    assert [sorted(config._given_as) for config in configs] == [["project_id"], ["project_id", "region"]]


def test_projects_are_ids_or_dicts_in_configured_order():
    targets = project_targets([P2, {"project_id": P1, "workspace_id": "ws-2", "region": "cn-east-3",
                                    "endpoint": "https://res.example"}, {"project_id": P1}], "0")
    assert targets == [ProjectTarget(P2, None, None, None),
                       ProjectTarget(P1, "cn-east-3", "https://res.example", "ws-2"),
                       ProjectTarget(P1, None, None, None)]


@pytest.mark.parametrize("entries, message", [
    ([{"region": "cn-east-3"}], "projects[0] has no project_id."),
    ([P1, {"project_id": P2, "regoin": "x"}], "projects[1] has unknown key regoin; the keys are project_id, "
                                              "region, endpoint, workspace_id."),
    ([{"project_id": P2, "a": 1, "b": 2}], "projects[0] has unknown keys a, b;"),
    ([42], "projects[0] must be a project ID or a dict with project_id, got 42 (YAML reads an ID of digits "
           "alone as a number: quote it)."),
    ([[P1]], "projects[0] must be a project ID or a dict with project_id, got ['%s']." % P1),
    ([{"project_id": P1, "workspace_id": 2}], "projects[0].workspace_id must be a non-empty string, got 2."),
    (["  "], "projects[0].project_id must be a non-empty string"),
    ([P1, {"project_id": P1, "workspace_id": "0"}], "projects[1] repeats project %s, workspace 0 of projects[0]." % P1),
])
def test_bad_projects_entries_are_clear_errors(entries, message):
    with pytest.raises(ResError) as caught:
        project_targets(entries, "0")
    assert message in caught.value.message


def test_the_same_project_in_two_workspaces_is_fine():
    assert len(project_targets([P1, {"project_id": P1, "workspace_id": "ws-2"}], "0")) == 2
