# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Options every entry point shares, declared once.

Modules turn these into an AnsibleModule argument spec; controller plugins
read the same names with ``get_option()`` (their ``env:`` entries come from the
``hwc.res.connection.plugin`` doc fragment, and a unit test holds the two in
step).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Collection, Dict, List, Tuple, TypedDict

from ansible.module_utils.errors import AnsibleFallbackNotFound
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError


class OptionSpec(TypedDict, total=False):
    """An AnsibleModule option spec, plus what this collection alone reads: ``env`` and ``range``."""

    type: str
    elements: str
    default: Any
    no_log: bool
    env: List[str]
    range: Tuple[int, int]


OptionSpecs = Dict[str, OptionSpec]

# name -> AnsibleModule option spec, plus "env": the environment variables
# read when the option is not set (AWX credential types inject these). A variable
# set to an empty string counts as unset: AWX injects "" for a field left empty.
CONNECTION_OPTIONS: OptionSpecs = {
    "region": {"type": "str", "default": "cn-north-4", "env": ["HW_REGION_NAME"]},
    "cloud": {"type": "str", "default": "myhuaweicloud.com", "env": ["HW_CLOUD"]},
    "endpoint": {"type": "str", "env": ["HW_RES_ENDPOINT"]},
    "identity_endpoint": {"type": "str", "env": ["HW_AUTH_URL"]},
    "project_id": {"type": "str", "env": ["HW_PROJECT_ID"]},
    "project_name": {"type": "str", "env": ["HW_PROJECT_NAME"]},
    "workspace_id": {"type": "str", "default": "0", "env": ["HW_RES_WORKSPACE_ID"]},
    "access_key": {"type": "str", "env": ["HW_ACCESS_KEY"], "no_log": False},
    "secret_key": {"type": "str", "env": ["HW_SECRET_KEY"], "no_log": True},
    "security_token": {"type": "str", "env": ["HW_SECURITY_TOKEN"], "no_log": True},
    "auth_token": {"type": "str", "env": ["HW_AUTH_TOKEN"], "no_log": True},
    "user": {"type": "str", "env": ["HW_USER_NAME"]},
    "password": {"type": "str", "env": ["HW_USER_PASSWORD"], "no_log": True},
    "domain": {"type": "str", "env": ["HW_DOMAIN_NAME"]},
    "validate_certs": {"type": "bool", "default": True, "env": ["HW_VALIDATE_CERTS"]},
    "ca_path": {"type": "path", "env": ["HW_CA_PATH"]},
    "timeout": {"type": "int", "default": 30, "range": (1, 3600)},
    "retries": {"type": "int", "default": 3, "range": (0, 10)},
}

# Filters on the service list, shared by the module, the lookup and the inventory.
FILTER_OPTIONS: OptionSpecs = {
    "name": {"type": "list", "elements": "str"},
    "status": {"type": "list", "elements": "str"},
    "infer_type": {"type": "str"},
    "is_shared": {"type": "bool"},
}

# What the module and the lookup add to the filtered list.
OUTPUT_OPTIONS: OptionSpecs = {
    "details": {"type": "bool", "default": False},
    "query": {"type": "str"},
}

# Several projects in one task or inventory source: module, lookup and inventory.
PROJECTS_OPTIONS: OptionSpecs = {
    "projects": {"type": "list", "elements": "raw"},
    "max_workers": {"type": "int", "default": 8},
    "fail_on_errors": {"type": "bool", "default": True},
}

# Waiting for a status: the info module (for the statuses it names) and the state module.
WAIT_OPTIONS: OptionSpecs = {
    "wait_timeout": {"type": "int", "default": 300, "range": (0, 86400)},
    "wait_sleep": {"type": "int", "default": 5, "range": (1, 3600)},
}

# Beyond an option's "range" a value is a typo, and Python's clocks and sleeps overflow.
_RANGED = dict((name, spec) for options in (CONNECTION_OPTIONS, PROJECTS_OPTIONS, WAIT_OPTIONS)
               for name, spec in options.items() if "range" in spec)
# What an option spec carries for this collection alone, not for AnsibleModule.
_OWN_KEYS = ("env", "range")


def module_argument_spec(*extra_specs: OptionSpecs) -> Dict[str, Dict[str, Any]]:
    """The AnsibleModule argument spec: connection options, with environment fallbacks, plus ``extra_specs``."""
    spec = {}
    for options in (CONNECTION_OPTIONS,) + extra_specs:
        for name, declared in options.items():
            option: Dict[str, Any] = dict((key, value) for key, value in declared.items() if key not in _OWN_KEYS)
            if declared.get("env"):
                option["fallback"] = (env_fallback_unless_empty, declared["env"])
            spec[name] = option
    return spec


def whole_number(name: str, value: Any) -> int:
    """``value`` of the ranged option ``name`` as an int within its declared range; None gives its default."""
    declared = _RANGED[name]
    if value is None:
        return int(declared["default"])
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ResError("%s must be a whole number, got %r." % (name, value))
    minimum, maximum = declared["range"]
    if not minimum <= number <= maximum:
        raise ResError("%s must be from %d to %d, got %d." % (name, minimum, maximum, number))
    return number


def env_fallback_unless_empty(*names: str) -> str:
    """Ansible's env_fallback, except that an empty variable counts as unset (an empty bool would fail)."""
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


def set_but_empty(given: Collection[str] = ()) -> List[str]:
    """The connection options, other than those in ``given``, whose environment variable is set to "".

    A controller plugin's configuration takes such a variable as a value (a bool as false, a path as the
    current directory); these options must count as unset instead.
    """
    empty = []
    for name, declared in CONNECTION_OPTIONS.items():
        values = [os.environ[variable] for variable in declared.get("env", ()) if variable in os.environ]
        if name not in given and values and not any(values):
            empty.append(name)
    return empty


def connection_options_from(get_option: Callable[[str], Any]) -> Dict[str, Any]:
    """Collect the connection options through ``get_option(name)`` (a plugin's own, or ``params.get``)."""
    return dict((name, get_option(name)) for name in CONNECTION_OPTIONS)
