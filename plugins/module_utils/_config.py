# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Connection options, validated, and the projects option: one ConnectionConfig per project and workspace.

Every entry point builds its ConnectionConfigs with project_configs() before anything
is sent, so a misconfiguration fails with a message naming the option and its
``HW_*`` variable (or the projects entry), never with an HTTP error.
"""

from __future__ import annotations

import os
import re
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import CONNECTION_OPTIONS, whole_number


# Options whose values go into an HTTP header or the AK/SK signature: printable ASCII without blanks only.
HEADER_OPTIONS = ("auth_token", "security_token", "access_key", "secret_key", "project_id")
# Options whose values the API never sees, and that no message may show.
SECRET_OPTIONS = ("password", "secret_key", "security_token", "auth_token")
# Where requests (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) and OpenSSL (SSL_CERT_FILE) look for a CA bundle,
# as ansible.builtin.uri honours them; ca_path, when set, comes first.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")

_HEADER_SAFE = re.compile(r"[!-~]+\Z")


def header_safe(value: str) -> bool:
    """Whether ``value`` can go into an HTTP header as it is: printable ASCII, no blank, no line break."""
    return bool(_HEADER_SAFE.match(value))


def option_name(name: str) -> str:
    """``name (HW_VARIABLE)``: how a message names a connection option."""
    variables = CONNECTION_OPTIONS[name].get("env")
    return "%s (%s)" % (name, ", ".join(variables)) if variables else name


class ConnectionConfig:
    """Validated connection options: endpoints, credentials and transport settings.

    ``given_as`` names the options that came from elsewhere than the connection options, such as
    ``{"endpoint": "projects[1].endpoint"}``, so that a message names what the user wrote.
    """

    def __init__(self, options: Mapping[str, Any], given_as: Optional[Mapping[str, str]] = None) -> None:
        self._given_as = dict(given_as or {})

        def text(name: str) -> Optional[str]:
            value = options.get(name)
            return value.strip() if isinstance(value, str) and value.strip() else None

        self.region: str = text("region") or CONNECTION_OPTIONS["region"]["default"]
        self.cloud: str = text("cloud") or CONNECTION_OPTIONS["cloud"]["default"]
        self.endpoint = self._base_url("endpoint", text("endpoint") or "https://res.%s.%s" % (self.region, self.cloud))
        self.identity_endpoint = self._base_url(
            "identity_endpoint", text("identity_endpoint") or "https://iam.%s.%s/v3" % (self.region, self.cloud))
        self.project_id = text("project_id")
        self.project_name = text("project_name") or self.region
        self.workspace_id: str = text("workspace_id") or CONNECTION_OPTIONS["workspace_id"]["default"]
        self.access_key = text("access_key")
        self.secret_key = text("secret_key")
        self.security_token = text("security_token")
        self.auth_token = text("auth_token")
        self.user = text("user")
        self.password: Optional[str] = options.get("password") or None  # a password may start or end with blanks
        self.domain = text("domain")
        self.validate_certs = options.get("validate_certs") is not False
        self.ca_path = text("ca_path")
        self.timeout = whole_number("timeout", options.get("timeout"))
        self.retries = whole_number("retries", options.get("retries"))
        for name in HEADER_OPTIONS:
            value = getattr(self, name)
            if value is not None and not header_safe(value):
                # Never the value: a quoted secret with \n in place of its line break escapes no_log masking.
                raise ResError("%s holds a line break, a blank, another control character or a non-ASCII "
                               "character; it is sent in an HTTP header, so it cannot. Check for a value "
                               "wrapped over two lines or pasted with extra characters." % self._name(name))
        self.verify = self._verify()
        self.auth_method = self._choose_auth_method()

    def _base_url(self, option: str, value: str) -> str:
        if _USERINFO.match(value):
            # The password would go into the Host header and into connection errors: refuse it, unrepeated.
            raise ResError("%s must not carry a user name or password (user:password@), got %s; pass credentials "
                           "through their own options." % (self._name(option), _USERINFO.sub(r"\1", value)))
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ResError("%s must be an http:// or https:// URL, got %r." % (self._given_as.get(option, option), value))
        if parts.query or parts.fragment:
            raise ResError("%s must not carry a query or fragment, got %r." % (self._given_as.get(option, option), value))
        if not header_safe(parts.netloc):
            raise ResError("%s has a host with a blank, a control character or a non-ASCII character, got %r; write "
                           "an international domain name in its xn-- form." % (self._given_as.get(option, option), value))
        return value.rstrip("/")

    def _name(self, option: str) -> str:
        """How a message names ``option``: where it was given, or ``name (HW_VARIABLE)``."""
        return self._given_as.get(option) or option_name(option)

    @property
    def secrets(self) -> List[str]:
        """The configured values no message may show."""
        return [getattr(self, name) for name in SECRET_OPTIONS if getattr(self, name)]

    def _verify(self) -> Union[bool, str]:
        """requests' verify: False, or the CA bundle from ca_path or the environment, or True (certifi's)."""
        if not self.validate_certs:
            return False
        if self.ca_path:
            source, bundle = option_name("ca_path"), self.ca_path
        else:
            # requests merges REQUESTS_CA_BUNDLE only in Session.request, which the transport does not use.
            found = next(((variable, os.environ[variable]) for variable in CA_BUNDLE_VARIABLES
                          if os.environ.get(variable)), None)
            if found is None:
                return True
            source, bundle = found
        if not os.path.exists(bundle):
            raise ResError("%s names %s, which does not exist; it must be a PEM file (or a directory) of CA "
                           "certificates." % (source, bundle))
        return bundle

    def _choose_auth_method(self) -> str:
        if self.auth_token:
            if not self.project_id:
                raise ResError("%s is required with auth_token: a pre-issued token does not say which project it is "
                               "scoped to." % option_name("project_id"))
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                one, other = ("access_key", "secret_key") if self.access_key else ("secret_key", "access_key")
                raise ResError("%s is set but %s is not: AK/SK signing needs both." % (one, option_name(other)))
            return "aksk"
        if self.security_token:
            raise ResError("security_token is set without access_key and secret_key: a security token only "
                           "goes with temporary AK/SK credentials.")
        password_options = ("user", "password", "domain")
        given = [name for name in password_options if getattr(self, name)]
        if given:
            missing = [name for name in password_options if name not in given]
            if missing:
                raise ResError("IAM password authentication needs user, password and domain; missing: %s."
                               % ", ".join(option_name(name) for name in missing))
            return "password"
        raise ResError("No credentials were given. Set auth_token (HW_AUTH_TOKEN); or access_key and secret_key "
                       "(HW_ACCESS_KEY, HW_SECRET_KEY); or user, password and domain "
                       "(HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME).")


# user:password@ before a host, or before anything when the scheme is missing.
_USERINFO = re.compile(r"^([^/?#]*//)?[^/?#@]*@")


def endpoint_userinfo(value: Optional[str]) -> Optional[str]:
    """The ``user:password`` part of an endpoint URL, or None."""
    match = _USERINFO.match(value or "")
    return match.group(0)[len(match.group(1) or ""):-1] if match else None


def endpoint_passwords(options: Mapping[str, Any]) -> List[str]:
    """The ``user:password`` parts of every endpoint in ``options`` (the projects entries' too).

    Such an endpoint is refused without its password; a module also hides them from its echoed
    arguments, which AWX stores with a failed task.
    """
    entries = [entry for entry in options.get("projects") or [] if isinstance(entry, dict)]
    endpoints = [options.get("endpoint"), options.get("identity_endpoint")] + [entry.get("endpoint") for entry in entries]
    userinfos = [endpoint_userinfo(value) for value in endpoints if isinstance(value, str)]
    return [userinfo for userinfo in userinfos if userinfo]


# One entry of the projects option. None means: what the connection options say
# (for project_id, also what the client derives from the credentials).
class ProjectTarget(NamedTuple):
    project_id: Optional[str]
    region: Optional[str]
    endpoint: Optional[str]
    workspace_id: Optional[str]


PROJECT_KEYS = ProjectTarget._fields
DEFAULT_PROJECT = ProjectTarget(None, None, None, None)


def project_targets(entries: Optional[Sequence[Any]], default_workspace_id: str) -> List[ProjectTarget]:
    """Validate the projects option and return its ProjectTargets, in the configured order.

    An entry is a project ID or a dict with project_id and optional region, endpoint and
    workspace_id. No entries means the one project of the connection options.
    """
    if not entries:
        return [DEFAULT_PROJECT]
    targets: List[ProjectTarget] = []
    seen: Dict[Tuple[Optional[str], str], int] = {}
    for index, entry in enumerate(entries):
        where = "projects[%d]" % index
        if isinstance(entry, str):
            entry = {"project_id": entry}
        if not isinstance(entry, dict):
            hint = " (YAML reads an ID of digits alone as a number: quote it)" if isinstance(entry, int) else ""
            raise ResError("%s must be a project ID or a dict with project_id, got %r%s." % (where, entry, hint))
        unknown = sorted(str(key) for key in entry if key not in PROJECT_KEYS)
        if unknown:
            raise ResError("%s has unknown key%s %s; the keys are %s." % (
                where, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(PROJECT_KEYS)))
        for key, value in entry.items():
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise ResError("%s.%s must be a non-empty string, got %r." % (where, key, value))
        if not entry.get("project_id"):
            raise ResError("%s has no project_id." % where)
        target = ProjectTarget(*(entry[key].strip() if entry.get(key) else None for key in PROJECT_KEYS))
        scope = (target.project_id, target.workspace_id or default_workspace_id)
        if scope in seen:
            raise ResError("%s repeats project %s, workspace %s of projects[%d]." % (
                where, scope[0], scope[1], seen[scope]))
        seen[scope] = index
        targets.append(target)
    return targets


def project_configs(options: Mapping[str, Any], projects: Optional[Sequence[Any]] = None) -> List[ConnectionConfig]:
    """One ConnectionConfig per entry of the projects option, in order, all validated before any request.

    ``options`` are the connection options (a dict); an entry's values that are set (project_id,
    region, endpoint, workspace_id) go on top of them. No entries means the one config of the options.
    """
    default = ConnectionConfig(options)
    configs = []
    for index, target in enumerate(project_targets(projects, default.workspace_id)):
        if target == DEFAULT_PROJECT:
            configs.append(default)
            continue
        overrides = dict((key, value) for key, value in target._asdict().items() if value is not None)
        configs.append(ConnectionConfig(dict(options, **overrides), given_as=dict(
            (key, "projects[%d].%s" % (index, key)) for key in overrides)))
    return configs
