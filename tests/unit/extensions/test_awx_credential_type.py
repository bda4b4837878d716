# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""extensions/awx/credential_type.yml says what module_utils/_options.py declares."""

import re
from pathlib import Path

import yaml

from ansible_collections.hwc.res.plugins.module_utils._options import CONNECTION_OPTIONS

CREDENTIAL_TYPE = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "extensions" / "awx" / "credential_type.yml").read_text())
FIELDS = dict((field["id"], field) for field in CREDENTIAL_TYPE["inputs"]["fields"])
INJECTED = CREDENTIAL_TYPE["injectors"]["env"]


def test_the_shape_is_what_the_awx_api_takes():
    assert sorted(CREDENTIAL_TYPE) == ["description", "injectors", "inputs", "kind", "name"]
    assert CREDENTIAL_TYPE["kind"] == "cloud"
    assert sorted(CREDENTIAL_TYPE["injectors"]) == ["env"]
    assert all(field["type"] in ("string", "boolean") and field["label"] and field["help_text"]
               for field in FIELDS.values())


def test_every_injected_variable_is_read_and_every_read_variable_injected():
    read = dict((variable, name) for name, spec in CONNECTION_OPTIONS.items() for variable in spec.get("env", ()))
    assert sorted(INJECTED) == sorted(read)
    # Each variable gets exactly the field named like the option that reads it.
    assert dict((variable, re.fullmatch(r"\{\{ (\w+) \}\}", template).group(1))
                for variable, template in INJECTED.items()) == read
    assert sorted(FIELDS) == sorted(read.values())


def test_secrets_are_secret_and_no_field_is_required():
    assert sorted(name for name, field in FIELDS.items() if field.get("secret")) == sorted(
        name for name, spec in CONNECTION_OPTIONS.items() if spec.get("no_log"))
    assert not CREDENTIAL_TYPE["inputs"].get("required")


def test_no_field_is_an_awx_boolean():
    # AWX injects "False" for a boolean field left unticked: validate_certs would be off for every credential.
    assert [name for name, field in FIELDS.items() if field["type"] == "boolean"] == []
    assert FIELDS["validate_certs"]["choices"] == ["", "true", "false"]
