# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The RES client, and the whole surface the adapters use to reach the API.

Modules, the lookup, the inventory and the event source import what they need
to talk to RES from here alone (see ``__all__``). The client knows nothing of
Ansible's module or plugin classes: every failure is a ResError, and the
adapters turn that into their own kind of error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.hwc.res.plugins.module_utils._auth import Authenticator, clear_caches
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError, api_error, json_type
from ansible_collections.hwc.res.plugins.module_utils._services import (
    ServiceFilter,
    normalize_details,
    normalize_services,
)
from ansible_collections.hwc.res.plugins.module_utils._text import printable, server_text
from ansible_collections.hwc.res.plugins.module_utils._transport import REQUESTS_IMPORT_ERROR, Transport

# REQUESTS_IMPORT_ERROR: the traceback of importing requests when that failed, else None (for modules to report).
__all__ = ("ConnectionConfig", "REQUESTS_IMPORT_ERROR", "ResClient", "ResError", "clear_caches")


class ResClient:
    """Read RES services of one project and workspace (and IAM, for tokens and project IDs)."""

    def __init__(self, config):
        self.config = config
        self._transport = Transport(config)
        self._auth = Authenticator(config, self._transport)
        self._project_id = None

    def close(self):
        self._transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def set_deadline(self, deadline):
        """End every later request by ``deadline`` (a time.monotonic() value; None: no deadline)."""
        self._transport.deadline = deadline

    @property
    def project_id(self):
        """The project the client reads, derived from IAM when not configured."""
        if not self._project_id:
            self._project_id = self._auth.project_id()
        return self._project_id

    def list_services(self):
        """The raw service list of the configured project and workspace, exactly as RES sent it."""
        reply = self._res_request("/infer-services", {"workspace_id": self.config.workspace_id})
        services = reply.payload.get("services")
        if not isinstance(services, list):
            found = "no services key" if "services" not in reply.payload else "services is %s" % json_type(services)
            raise ResError("RES answered the service list with is_success true but %s: the response is not "
                           "the documented shape." % found, status_code=reply.status_code,
                           request_id=reply.request_id)
        return services

    def get_service(self, service_id):
        """The raw details of one service, including access_address and flows."""
        reply = self._res_request("/infer-services/%s" % quote(service_id, safe=""))
        service = reply.payload.get("service")
        if not isinstance(service, dict):
            raise ResError("RES answered the details of service %s without a service object." % service_id,
                           status_code=reply.status_code, request_id=reply.request_id)
        answered = service.get("service_id")
        if answered is not None and answered != service_id:
            # Its access_address would be taken for this service's.
            raise ResError("RES answered the details of service %s with those of another service, %s." % (
                printable(service_id), server_text(answered[:80] if isinstance(answered, str) else json_type(answered),
                                                   self._transport.redactor)),
                status_code=reply.status_code, request_id=reply.request_id)
        return service

    def find_services(self, service_filter=None):
        """List, normalize and filter services (add_details reads the details of those kept).

        Returns (services, warnings): normalized dicts, and messages about odd values the API sent (those
        about the filter itself are ``service_filter.warnings``).
        """
        service_filter = service_filter or ServiceFilter()
        raws = self.list_services()
        redact = self._transport.redactor
        try:
            services, warnings = normalize_services(raws, self.project_id, self.config.workspace_id)
        except ResError as error:
            # Built from the API's data, which may echo a secret as well as its error text can.
            raise error.redacted(redact) from None
        return service_filter.apply(services), [redact(warning) for warning in warnings]

    def add_details(self, services):
        """Add access_address and flows from the details endpoint to each normalized service, in place.

        Returns warnings about odd values in the details (see normalize_details).
        """
        warnings = []
        for service in services:
            service["access_address"], service["flows"], found = normalize_details(
                self.get_service(service["service_id"]), service)
            warnings.extend(self._transport.redactor(warning) for warning in found)
        return warnings

    def _res_request(self, path, params=None):
        url = "%s/v1/%s%s" % (self.config.endpoint, quote(self.project_id, safe=""), path)
        reply = self._auth.send("GET", url, params=params, headers={"X-Project-Id": self.project_id})
        # RES reports some failures with HTTP 200 and is_success false.
        if reply.payload.get("is_success") is not True:
            raise api_error("RES", "GET", url, reply, redactor=self._transport.redactor)
        return reply
