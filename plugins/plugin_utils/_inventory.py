# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Pure logic of the inventory plugin: host names, host var names and the cache scope.

Plain data in, plain data out, no Ansible plugin classes, so every rule here is
unit-tested directly (the names Ansible keeps for itself are read from ansible-core
at run time). Configuration mistakes raise ResError; the plugin turns that into
AnsibleParserError.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from ansible import constants as C
from ansible.utils.vars import isidentifier
from ansible.vars.reserved import get_reserved_names
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._types import Service

if TYPE_CHECKING:
    from ansible.template import Templar


class HostAssignment(NamedTuple):
    """The host name a service gets, and why it is not the preferred one."""

    name: str
    service: Service
    renamed: bool  # the preferred name was kept for localhost or a group
    replaced: bool  # the preferred name could not be a host name


_INVALID_VARIABLE_CHARACTERS = re.compile("[^A-Za-z0-9_]")

# Characters no host name may hold. Braces and "#" ("#jinja2:" chooses other delimiters) could make a
# template of it wherever the name is trusted (an export stored by AWX and read by an older
# ansible-core); AWX refuses a host name with "{{ }}" or "{% %}" (the whole import fails) and reads a
# single ":" as name:port; "," and ":" separate host patterns, "[" "]" are ranges and INI sections,
# quotes and "\" are INI quoting, and "/" makes a path of the file a fact cache keeps per host.
_HOST_NAME_UNSAFE_CHARACTERS = re.compile(r"""[{}#:,\[\]'"\\/]""")
# A host pattern starting with these is an operator (exclude, intersect, regex, @file); ";" starts an INI comment.
_HOST_PATTERN_OPERATORS = ("!", "&", "~", "@", ";")
MAX_HOST_NAME_LENGTH = 255
# Service and project IDs are appended to names to keep them apart; longer ones are digested.
_MAX_NAME_PART_LENGTH = 64
_DIGEST_PREFIX = "sha256-"
_DIGEST_PART = re.compile(r"sha256-[0-9a-f]{16}\Z")


def preferred_name(service: Service, preferences: Iterable[str]) -> Optional[str]:
    """The value of the first field in ``preferences`` that the service has as text or a number; None if none."""
    for field in preferences:
        value = service.get(field)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def safe_host_name(name: str) -> bool:
    """Whether ``name`` can be a host name as it is: no template, nothing AWX or an inventory file misreads.

    At most MAX_HOST_NAME_LENGTH printable characters (no control, format or line separator
    character), no blank at either end, none of ``{ } # : , [ ] ' " \\ /``, and no host
    pattern operator (``! & ~ @``) or INI comment (``;``) at the start.
    """
    return (0 < len(name) <= MAX_HOST_NAME_LENGTH and name.isprintable() and name == name.strip()
            and not _HOST_NAME_UNSAFE_CHARACTERS.search(name) and not name.startswith(_HOST_PATTERN_OPERATORS))


def name_part(identifier: str) -> str:
    """``identifier`` (a service or project ID) as it may stand in a host name: itself, or ``sha256-<16 hex>``.

    An ID that is no safe_host_name, or longer than 64 characters, is digested. An ID that
    already looks like a digest is digested too, so two different IDs never give one part.
    """
    if (len(identifier) <= _MAX_NAME_PART_LENGTH and safe_host_name(identifier)
            and not _DIGEST_PART.match(identifier)):
        return identifier
    return _DIGEST_PREFIX + hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def assign_host_names(services: Iterable[Service], preferences: Sequence[str], reserved: Optional[ReservedNames] = None
                      ) -> Tuple[List[HostAssignment], List[Service]]:
    """Give every service a unique host name; returns (assignments in service order, services without a name).

    A service is named by the first of the ``preferences`` fields it has. A name
    that is no safe_host_name is replaced by ``service_<service_id>``, and the
    assignment says so. A name that several services would share goes to none of
    them: each is qualified as ``<name>_<project_id>``, or as ``<name>_<service_id>``
    when another of them is in the same project (another workspace). A name that
    ``reserved`` (a ReservedNames) holds gains ``_<service_id>``, and the assignment
    says so. IDs appear in names as name_part() gives them. The rule looks only at
    the set of services, so the names do not depend on which project answered
    first. Linear in the number of services.
    """
    bases: List[str] = []
    named: List[Service] = []
    nameless: List[Service] = []
    replaced: List[bool] = []
    for service in services:
        name = preferred_name(service, preferences)
        if name is None:
            nameless.append(service)
            continue
        safe = safe_host_name(name)
        bases.append(name if safe else "service_" + name_part(service["service_id"]))
        replaced.append(not safe)
        named.append(service)
    service_parts = [name_part(service["service_id"]) for service in named]
    holders = Counter(bases)
    in_project = Counter(zip(bases, (service["project_id"] for service in named)))
    names = [base if holders[base] == 1 else "%s_%s" % (
        base, name_part(service["project_id"]) if in_project[base, service["project_id"]] == 1 else part)
        for base, service, part in zip(bases, named, service_parts)]
    renamed = [reserved is not None and reserved.holds(name) for name in names]
    if reserved is not None:
        names = [reserved.renamed(name, part) if rename else name
                 for name, part, rename in zip(names, service_parts, renamed)]
    # A service literally called like another's qualified name collides again; the service ID settles that.
    holders = Counter(names)
    names = [name if holders[name] == 1 else "%s_%s" % (base, part)
             for name, base, part in zip(names, bases, service_parts)]
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ResError("The host name %r stands for more than one service even with the service ID added: RES "
                       "listed one service twice. Choose other hostnames." % duplicates[0])
    return [HostAssignment(*assignment) for assignment in zip(names, named, renamed, replaced)], nameless


class ReservedNames:
    """Names a host must not take: ``names`` exactly (groups, localhost), and any name starting with a ``prefixes`` entry.

    A host with such a name would shadow the group or localhost, or abort the
    source (a host added to a group of its own name, ``all`` made a child group).
    """

    def __init__(self, names: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        self.names = frozenset(names)
        self.prefixes = tuple(prefixes)

    def holds(self, name: str) -> bool:
        return name in self.names or name.startswith(self.prefixes)

    def renamed(self, name: str, service_id: str) -> str:
        """``<name>_<service_id>``: the prefix may still match, but no group or localhost has this name."""
        name = "%s_%s" % (name, service_id)
        while name in self.names:
            name = "%s_%s" % (name, service_id)
        return name


def ansible_variable_names(templar: Templar) -> FrozenSet[str]:
    """The names Ansible keeps for itself, from the running ansible-core: a host var must not hide them.

    Its reserved names (play keywords such as ``name`` or ``timeout``, on which ansible-core warns when a
    variable takes them), its magic variables (``inventory_hostname``, ``hostvars``, ``groups``...), and
    the globals of the Jinja environment it templates with (``lookup``, ``query``, ``omit``, ``range``...).
    A host var called ``omit`` makes ``default(omit)`` pass its value; one called ``lookup`` breaks every
    lookup; a magic variable would silently win over it.
    """
    names = set(get_reserved_names()) | set(C.INTERNAL_STATIC_VARS)
    if "lookup" not in names:
        # ansible-core < 2.19 lists the Jinja globals apart, in the environment of its Templar.
        names.update(templar.environment.globals)
    return frozenset(names)


def host_var_names(fields: Iterable[str], reserved_prefix: str, shadowing: Iterable[str] = ()
                   ) -> Dict[str, Optional[str]]:
    """{field: host var name} for every field name in ``fields``; the fields left out map to None.

    A field whose name is no valid variable name (``with-dash``), or is one of
    ``shadowing`` (ansible_variable_names: ``omit``, ``lookup``), gets another:
    invalid characters become ``_``, and ``_`` is prepended or appended while it
    is not valid, is in ``shadowing`` or another field has it (``omit_``,
    ``class_``). A field whose name, renamed or not, starts with
    ``reserved_prefix`` (``ansible_``) is left out: the API must not choose how
    Ansible connects.
    """
    fields = sorted(set(fields))
    shadowing = frozenset(shadowing)
    taken = set(field for field in fields if isidentifier(field) and field not in shadowing)
    names: Dict[str, Optional[str]] = {}
    for field in fields:
        name = field
        if field not in taken:
            name = _INVALID_VARIABLE_CHARACTERS.sub("_", field)
            if not name or name[0].isdigit():
                name = "_" + name
            while not isidentifier(name) or name in taken or name in shadowing:
                name += "_"
            taken.add(name)
        names[field] = None if name.startswith(reserved_prefix) else name
    return names


# What decides which services a run fetches. Secrets are left out: a cache file name must not
# carry even a digest of a password; the user, access key or project pins the identity instead.
_SCOPE_FIELDS = ("endpoint", "identity_endpoint", "auth_method", "user", "domain", "access_key",
                 "project_id", "project_name", "workspace_id")


def cache_scope(configs: Iterable[ConnectionConfig]) -> str:
    """A short digest of what the ConnectionConfigs would fetch, for the cache key.

    Two runs of one inventory file with other credentials, projects or endpoints
    (an AWX source used with another credential) must never share a cache entry.
    """
    scope = [dict((field, getattr(config, field)) for field in _SCOPE_FIELDS) for config in configs]
    return hashlib.sha256(json.dumps(scope, sort_keys=True).encode("utf-8")).hexdigest()[:16]
