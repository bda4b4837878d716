# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The services of several projects as one answer, for the module and the lookup.

Lists every configured project (read_projects), waits for a status across all of
them, reads details, and assembles what both adapters return: the services in
the order of the projects, counts per project, and what could not be read,
failing or warning as ``fail_on_errors`` says.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwc.res.plugins.module_utils._auth import issued_tokens
from ansible_collections.hwc.res.plugins.module_utils._client import ResError
from ansible_collections.hwc.res.plugins.module_utils._projects import read_details, read_projects
from ansible_collections.hwc.res.plugins.module_utils._services import pending_services, summarize
from ansible_collections.hwc.res.plugins.module_utils._text import Redactor, server_text

FAILURE_KEYS = ("project_id", "workspace_id", "service_id", "msg", "status_code", "error_code")


class WaitTimeout(ResError):
    """The wait ran out of time; ``services`` are those of the last complete read."""

    def __init__(self, message, services):
        super(WaitTimeout, self).__init__(message)
        self.services = services


def _add_details(client, service):
    return client.add_details([service])


class ProjectServices:
    """The services of the projects of ``configs`` (one ConnectionConfig per projects entry), read as one."""

    def __init__(self, configs, max_workers):
        self.configs = configs
        self.max_workers = max_workers
        self._reads = []
        self._filter_warnings = []
        self._detail_failures = []  # (service, ResError)
        self._detail_warnings = []

    @property
    def reads(self):
        """The ProjectRead of each config, in order, from the last read()."""
        return list(self._reads)

    def read(self, service_filter=None, deadline=None):
        """List and filter every project; the services read, in the order of the projects.

        ``deadline`` (a time.monotonic() value) cuts short every request still under way then.
        """
        def read_one(client):
            client.set_deadline(deadline)
            return client.find_services(service_filter)
        self._reads = read_projects(self.configs, read_one, self.max_workers)
        self._filter_warnings = service_filter.warnings if service_filter else []
        self._detail_failures = []
        self._detail_warnings = []
        return [service for read in self._reads if not read.error for service in read.services]

    def wait(self, service_filter, wait_status, timeout, sleep, stop_on_errors):
        """Read until nothing is pending across all projects (see pending_services); the last read's services.

        With ``stop_on_errors``, a project that cannot be read ends the wait at once. The first read always
        completes (within its request timeouts); later ones end by the deadline. Raises WaitTimeout, which
        carries the services of the last complete read.
        """
        deadline = time.monotonic() + timeout
        services = self.read(service_filter)
        while True:
            if stop_on_errors and self.failed_projects():
                return services
            pending = pending_services(services, service_filter, wait_status)
            if not pending:
                return services
            if time.monotonic() + sleep > deadline:
                break
            time.sleep(sleep)
            complete = services, self._reads
            services = self.read(service_filter, deadline)
            if self.failed_projects() and time.monotonic() >= deadline:
                # The deadline cut this read short: the wait timed out, with what the read before saw.
                services, self._reads = complete
                break
        # Service names are server text: they might echo a secret.
        redactor = Redactor([secret for config in self.configs for secret in config.secrets] + issued_tokens())
        raise WaitTimeout("Timed out after %d seconds waiting for status %s: %s." % (
            timeout, " or ".join(wait_status), server_text("; ".join(pending), redactor)), services)

    def add_details(self, services):
        """Add each service's details, concurrently; returns the services whose details could be read, in order."""
        outcomes = read_details(self._reads, services, _add_details, self.max_workers)
        self._detail_failures.extend((service, error) for service, (_warnings, error) in zip(services, outcomes)
                                     if error)
        self._detail_warnings.extend(warning for warnings, error in outcomes if error is None for warning in warnings)
        return [service for service, (_warnings, error) in zip(services, outcomes) if error is None]

    def _failures(self):
        """(failure as returned in failed_projects, the ResError, its sentence, what became of the services)."""
        failures = []
        for read in self._reads:
            if read.error:
                failures.append((read.project_id, read.config.workspace_id, None, read.error, read.failure_message(),
                                 "Its services are left out."))
        for service, error in self._detail_failures:
            sentence = "Could not read the details of service %s (%s) of project %s, workspace %s: %s" % (
                service["service_name"], service["service_id"], service["project_id"], service["workspace_id"],
                error.message)
            failures.append((service["project_id"], service["workspace_id"], service["service_id"], error, sentence,
                             "The service is left out."))
        return [(dict(zip(FAILURE_KEYS, (project_id, workspace_id, service_id, sentence, error.status_code,
                                         error.error_code))), error, sentence, left_out)
                for project_id, workspace_id, service_id, error, sentence, left_out in failures]

    def failed_projects(self):
        """``[{project_id, workspace_id, service_id, msg, status_code, error_code}]``; service_id for details."""
        return [failure[0] for failure in self._failures()]

    def summary(self, services):
        """summarize() of ``services``, plus ``by_project``: the same counts for each project read."""
        summary = summarize(services)
        projects = []
        for read in self._reads:
            if not read.error and read.project_id not in projects:
                projects.append(read.project_id)
        summary["by_project"] = dict(
            (project, summarize([service for service in services if service["project_id"] == project]))
            for project in projects)
        return summary

    def result(self, services):
        """What the module returns about ``services``: the services, their summary and failed_projects."""
        return {"services": services, "summary": self.summary(services), "failed_projects": self.failed_projects()}

    def outcome(self, fail_on_errors, several):
        """(the ResError to fail with, or None; the warnings to show).

        A failed read fails when ``fail_on_errors``, with a message naming every failure; otherwise each
        is one warning. With one project of the connection options (not ``several``) and one failure, the
        message is the error's own, as without the projects option.
        """
        # The filter's own warnings (an undocumented status) once, not once for each project read with it.
        filter_warnings = self._filter_warnings if any(not read.error for read in self._reads) else []
        warnings = filter_warnings + [warning for read in self._reads for warning in read.warnings] + \
            self._detail_warnings
        failures = self._failures()
        if not failures:
            return None, warnings
        if not fail_on_errors:
            return None, warnings + ["%s %s" % (sentence, left_out) for _failure, _error, sentence, left_out in failures]
        if len(failures) == 1:
            _failure, error, sentence, _left_out = failures[0]
            return ResError(sentence if several else error.message, error.status_code, error.error_code,
                            error.error_msg, error.request_id), warnings
        return ResError("\n".join(failure[2] for failure in failures)), warnings
