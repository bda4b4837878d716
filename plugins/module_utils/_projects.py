# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Several projects in one run: the projects option, and reading the projects concurrently.

The one implementation of "read these projects" (and of "read the details of
these services") that every entry point with a projects option shares.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwc.res.plugins.module_utils._client import ResClient, ResError

# One entry of the projects option. None means: what the connection options say
# (for project_id, also what the client derives from the credentials).
ProjectTarget = namedtuple("ProjectTarget", "project_id region endpoint workspace_id")
PROJECT_KEYS = ProjectTarget._fields
DEFAULT_PROJECT = ProjectTarget(None, None, None, None)


def project_targets(entries, default_workspace_id):
    """Validate the projects option and return its ProjectTargets, in the configured order.

    An entry is a project ID or a dict with project_id and optional region, endpoint and
    workspace_id. No entries means the one project of the connection options.
    """
    if not entries:
        return [DEFAULT_PROJECT]
    targets, seen = [], {}
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


def project_configs(config_for, projects, max_workers):
    """One ConnectionConfig per entry of the projects option, in order, all validated before any request.

    ``config_for(**overrides)`` builds a ConnectionConfig from the entry point's options, with the
    entry's values that are set (project_id, region, endpoint, workspace_id) on top; no entries
    means the one config of the options, ``config_for()``.
    """
    if max_workers < 1:
        raise ResError("max_workers must be at least 1, got %d." % max_workers)
    default = config_for()
    return [default if target == DEFAULT_PROJECT else config_for(**dict(
        (key, value) for key, value in target._asdict().items() if value is not None))
        for target in project_targets(projects, default.workspace_id)]


class ProjectRead(namedtuple("ProjectRead", "config project_id services warnings error")):
    """What reading one ConnectionConfig gave: services and warnings, or the ResError that stopped it.

    ``project_id`` is the project read (derived from the credentials when not configured); after a
    failure, the configured one (None when it was to be derived).
    """

    __slots__ = ()

    def failure_message(self):
        """``Could not read project P, workspace W: <the error>``."""
        where = "project %s, workspace %s" % (self.project_id or "(from the credentials)", self.config.workspace_id)
        return "Could not read %s: %s" % (where, self.error.message)


def read_projects(configs, read, max_workers):
    """Call ``read(client)`` -> (services, warnings) for each ConnectionConfig; one ProjectRead per config, in order.

    Projects are read concurrently, at most ``max_workers`` at a time. The configs of one project (other
    workspaces) are read one after the other by the same worker, so that they share its IAM token.
    """
    by_project = {}
    for index, config in enumerate(configs):
        by_project.setdefault(config.project_id, []).append(index)
    if len(by_project) == 1:
        # One project (the usual task): read it in this thread, as a pool of one would only add a thread.
        return _read_one_project(configs, read)
    reads = [None] * len(configs)
    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(by_project))))
    try:
        jobs = [(indices, pool.submit(_read_one_project, [configs[index] for index in indices], read))
                for indices in by_project.values()]
        for indices, job in jobs:
            for index, project_read in zip(indices, job.result()):
                reads[index] = project_read
    except BaseException:
        # Ctrl-C (or any failure) drops the projects still queued; the reads under way end within
        # their request timeout, and the interpreter waits for them on exit.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return reads


def _read_one_project(configs, read):
    """Read the workspaces of one project in turn (a worker thread's job)."""
    reads = []
    for config in configs:
        try:
            with ResClient(config) as client:
                services, warnings = read(client)
                reads.append(ProjectRead(config, client.project_id, services, warnings, None))
        except ResError as error:
            reads.append(ProjectRead(config, config.project_id, None, [], error))
    return reads


def read_details(reads, services, detail, max_workers):
    """Call ``detail(client, service)`` for each service; per service, in order, (its result, None) or (None, ResError).

    ``services`` come from ``reads`` (the ProjectReads of read_projects): each is read with the
    ConnectionConfig of its project and workspace. At most ``max_workers`` requests run at a time. Each
    worker thread keeps one client per config, so its connections are reused; IAM tokens and project IDs
    come from the cache the project reads filled.
    """
    configs = dict(((read.project_id, read.config.workspace_id), read.config) for read in reads if not read.error)
    opened, opened_lock, per_thread = [], threading.Lock(), threading.local()

    def client_for(config):
        clients = per_thread.__dict__.setdefault("clients", {})
        if id(config) not in clients:
            clients[id(config)] = ResClient(config)
            with opened_lock:
                opened.append(clients[id(config)])
        return clients[id(config)]

    def read_one(service):
        try:
            return detail(client_for(configs[(service["project_id"], service["workspace_id"])]), service), None
        except ResError as error:
            return None, error

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(services)))) as pool:
            return list(pool.map(read_one, services))
    finally:
        for client in opened:
            client.close()
