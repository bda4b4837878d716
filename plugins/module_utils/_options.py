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

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

# name -> AnsibleModule option spec, plus "env": the environment variables
# read when the option is not set (AWX credential types inject these).
CONNECTION_OPTIONS = {
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
    "timeout": {"type": "int", "default": 30},
    "retries": {"type": "int", "default": 3},
}

# Filters on the service list, shared by the module, the lookup and the inventory.
FILTER_OPTIONS = {
    "name": {"type": "list", "elements": "str"},
    "status": {"type": "list", "elements": "str"},
    "infer_type": {"type": "str"},
    "is_shared": {"type": "bool"},
}

# What the module and the lookup add to the filtered list.
OUTPUT_OPTIONS = {
    "details": {"type": "bool", "default": False},
    "query": {"type": "str"},
}


def module_argument_spec(*extra_specs):
    """The AnsibleModule argument spec: connection options, with environment fallbacks, plus ``extra_specs``."""
    spec = {}
    for name, declared in CONNECTION_OPTIONS.items():
        option = dict((key, value) for key, value in declared.items() if key != "env")
        if declared.get("env"):
            option["fallback"] = (env_fallback, declared["env"])
        spec[name] = option
    for extra in extra_specs:
        spec.update(extra)
    return spec


def connection_options_from(get_option):
    """Collect the connection options through ``get_option(name)`` (a plugin's own, or ``params.get``)."""
    return dict((name, get_option(name)) for name in CONNECTION_OPTIONS)
