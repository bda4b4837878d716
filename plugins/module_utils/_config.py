# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Connection options, validated: endpoints, credentials and the auth method, transport settings.

Every entry point builds one ConnectionConfig from its options before anything
is sent, so a misconfiguration fails with a message naming the option and its
``HW_*`` variable, never with an HTTP error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import CONNECTION_OPTIONS


class ConnectionConfig:
    """Validated connection options: endpoints, credentials and transport settings."""

    def __init__(self, options):
        def text(name):
            value = options.get(name)
            return value.strip() if isinstance(value, str) and value.strip() else None

        self.region = text("region") or CONNECTION_OPTIONS["region"]["default"]
        self.cloud = text("cloud") or CONNECTION_OPTIONS["cloud"]["default"]
        self.endpoint = _base_url("endpoint", text("endpoint") or "https://res.%s.%s" % (self.region, self.cloud))
        self.identity_endpoint = _base_url(
            "identity_endpoint", text("identity_endpoint") or "https://iam.%s.%s/v3" % (self.region, self.cloud))
        self.project_id = text("project_id")
        self.project_name = text("project_name") or self.region
        self.workspace_id = text("workspace_id") or CONNECTION_OPTIONS["workspace_id"]["default"]
        self.access_key = text("access_key")
        self.secret_key = text("secret_key")
        self.security_token = text("security_token")
        self.auth_token = text("auth_token")
        self.user = text("user")
        self.password = options.get("password") or None  # a password may start or end with blanks
        self.domain = text("domain")
        self.validate_certs = options.get("validate_certs") is not False
        self.ca_path = text("ca_path")
        self.timeout = _number(options, "timeout", minimum=1)
        self.retries = _number(options, "retries", minimum=0)
        self.auth_method = self._choose_auth_method()

    def _choose_auth_method(self):
        if self.auth_token:
            if not self.project_id:
                raise ResError("project_id (HW_PROJECT_ID) is required with auth_token: a pre-issued token "
                               "does not say which project it is scoped to.")
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                given, missing = ("access_key", "secret_key") if self.access_key else ("secret_key", "access_key")
                raise ResError("%s is set but %s (%s) is not: AK/SK signing needs both." % (
                    given, missing, CONNECTION_OPTIONS[missing]["env"][0]))
            return "aksk"
        if self.security_token:
            raise ResError("security_token is set without access_key and secret_key: a security token only "
                           "goes with temporary AK/SK credentials.")
        password_options = ("user", "password", "domain")
        given = [name for name in password_options if getattr(self, name)]
        if given:
            missing = [name for name in password_options if name not in given]
            if missing:
                raise ResError("IAM password authentication needs user, password and domain; missing: %s." % ", ".join(
                    "%s (%s)" % (name, CONNECTION_OPTIONS[name]["env"][0]) for name in missing))
            return "password"
        raise ResError("No credentials were given. Set auth_token (HW_AUTH_TOKEN); or access_key and secret_key "
                       "(HW_ACCESS_KEY, HW_SECRET_KEY); or user, password and domain "
                       "(HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME).")

    @property
    def verify(self):
        if not self.validate_certs:
            return False
        return self.ca_path or True


def _base_url(option, value):
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ResError("%s must be an http:// or https:// URL, got %r." % (option, value))
    if parts.query or parts.fragment:
        raise ResError("%s must not carry a query or fragment, got %r." % (option, value))
    return value.rstrip("/")


def _number(options, name, minimum):
    value = options.get(name)
    if value is None:
        return CONNECTION_OPTIONS[name]["default"]
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResError("%s must be a whole number, got %r." % (name, value))
    if number < minimum:
        raise ResError("%s must be at least %d, got %d." % (name, minimum, number))
    return number
