# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Pure logic of the inventory plugin: host names and the cache scope.

Plain data in, plain data out, no Ansible plugin classes, so every rule here is
unit-tested directly. Configuration mistakes raise ResError; the plugin turns
that into AnsibleParserError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
from collections import Counter, namedtuple

from ansible_collections.hwc.res.plugins.module_utils._errors import ResError

HostAssignment = namedtuple("HostAssignment", "name service")


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


def assign_host_names(services, preferences):
    """Give every service a unique host name; returns (assignments in service order, services without a name).

    A service is named by the first of the ``preferences`` fields it has. A name
    that several services would share goes to none of them: each is qualified
    as ``<name>_<project_id>``, or as ``<name>_<service_id>`` when another of them
    is in the same project (another workspace). The rule looks only at the set of
    services, so the names do not depend on which project answered first.
    """
    bases, named, nameless = [], [], []
    for service in services:
        name = preferred_name(service, preferences)
        if name is None:
            nameless.append(service)
        else:
            bases.append(name)
            named.append(service)
    names = _qualify_shared(bases, bases, named, _project_qualifier)
    # A service literally called like another's qualified name collides again; the service ID settles that.
    names = _qualify_shared(names, bases, named, lambda service, _sharing: service["service_id"])
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ResError("The host name %r stands for more than one service even with the service ID added: RES "
                       "listed one service twice. Choose other hostnames." % duplicates[0])
    return [HostAssignment(name, service) for name, service in zip(names, named)], nameless


def _project_qualifier(service, sharing):
    in_same_project = [other for other in sharing if other["project_id"] == service["project_id"]]
    return service["project_id"] if len(in_same_project) == 1 else service["service_id"]


def _qualify_shared(names, bases, services, qualifier):
    """``names`` with each one that several services share replaced by ``<base>_<qualifier(service, sharing)>``."""
    sharing = {}
    for name, service in zip(names, services):
        sharing.setdefault(name, []).append(service)
    return [name if len(sharing[name]) == 1 else "%s_%s" % (base, qualifier(service, sharing[name]))
            for name, base, service in zip(names, bases, services)]


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
