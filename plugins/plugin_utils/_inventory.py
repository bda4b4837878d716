# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Pure logic of the inventory plugin: host names, host var names and the cache scope.

Plain data in, plain data out, no Ansible plugin classes, so every rule here is
unit-tested directly. Configuration mistakes raise ResError; the plugin turns
that into AnsibleParserError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
from collections import Counter, namedtuple

from ansible.utils.vars import isidentifier
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError

HostAssignment = namedtuple("HostAssignment", "name service renamed")
_INVALID_VARIABLE_CHARACTERS = re.compile("[^A-Za-z0-9_]")


def preferred_name(service, preferences):
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


def assign_host_names(services, preferences, reserved=None):
    """Give every service a unique host name; returns (assignments in service order, services without a name).

    A service is named by the first of the ``preferences`` fields it has. A name
    that several services would share goes to none of them: each is qualified
    as ``<name>_<project_id>``, or as ``<name>_<service_id>`` when another of them
    is in the same project (another workspace). A name that ``reserved`` (a
    ReservedNames) holds gains ``_<service_id>``, and the assignment says so. The
    rule looks only at the set of services, so the names do not depend on which
    project answered first. Linear in the number of services.
    """
    bases, named, nameless = [], [], []
    for service in services:
        name = preferred_name(service, preferences)
        if name is None:
            nameless.append(service)
        else:
            bases.append(name)
            named.append(service)
    holders = Counter(bases)
    in_project = Counter(zip(bases, (service["project_id"] for service in named)))
    names = [base if holders[base] == 1 else "%s_%s" % (
        base, service["project_id"] if in_project[base, service["project_id"]] == 1 else service["service_id"])
        for base, service in zip(bases, named)]
    renamed = [bool(reserved) and reserved.holds(name) for name in names]
    names = [reserved.renamed(name, service["service_id"]) if rename else name
             for name, service, rename in zip(names, named, renamed)]
    # A service literally called like another's qualified name collides again; the service ID settles that.
    holders = Counter(names)
    names = [name if holders[name] == 1 else "%s_%s" % (base, service["service_id"])
             for name, base, service in zip(names, bases, named)]
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ResError("The host name %r stands for more than one service even with the service ID added: RES "
                       "listed one service twice. Choose other hostnames." % duplicates[0])
    return [HostAssignment(name, service, rename) for name, service, rename in zip(names, named, renamed)], nameless


class ReservedNames:
    """Names a host must not take: ``names`` exactly (groups, localhost), and any name starting with a ``prefixes`` entry.

    A host with such a name would shadow the group or localhost, or abort the
    source (a host added to a group of its own name, ``all`` made a child group).
    """

    def __init__(self, names, prefixes=()):
        self.names = frozenset(names)
        self.prefixes = tuple(prefixes)

    def holds(self, name):
        return name in self.names or name.startswith(self.prefixes)

    def renamed(self, name, service_id):
        """``<name>_<service_id>``: the prefix may still match, but no group or localhost has this name."""
        name = "%s_%s" % (name, service_id)
        while name in self.names:
            name = "%s_%s" % (name, service_id)
        return name


def host_var_names(fields, reserved_prefix):
    """{field: host var name} for every field name in ``fields``; the fields left out map to None.

    A field whose name is no valid variable name (``with-dash``) gets one: invalid
    characters become ``_``, and ``_`` is prepended or appended while it is not
    valid or another field has it. A field whose name, renamed or not, starts
    with ``reserved_prefix`` (``ansible_``) is left out: the API must not choose
    how Ansible connects.
    """
    fields = sorted(set(fields))
    taken = set(field for field in fields if isidentifier(field))
    names = {}
    for field in fields:
        name = field
        if field not in taken:
            name = _INVALID_VARIABLE_CHARACTERS.sub("_", field)
            if not name or name[0].isdigit():
                name = "_" + name
            while not isidentifier(name) or name in taken:
                name += "_"
            taken.add(name)
        names[field] = None if name.startswith(reserved_prefix) else name
    return names


# What decides which services a run fetches. Secrets are left out: a cache file name must not
# carry even a digest of a password; the user, access key or project pins the identity instead.
_SCOPE_FIELDS = ("endpoint", "identity_endpoint", "auth_method", "user", "domain", "access_key",
                 "project_id", "project_name", "workspace_id")


def cache_scope(configs):
    """A short digest of what the ConnectionConfigs would fetch, for the cache key.

    Two runs of one inventory file with other credentials, projects or endpoints
    (an AWX source used with another credential) must never share a cache entry.
    """
    scope = [dict((field, getattr(config, field)) for field in _SCOPE_FIELDS) for config in configs]
    return hashlib.sha256(json.dumps(scope, sort_keys=True).encode("utf-8")).hexdigest()[:16]
