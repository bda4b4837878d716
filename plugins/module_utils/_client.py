# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The RES calls of one project and workspace: list services, read details, start, stop and delete a service.

The client knows nothing of Ansible's module or plugin classes, nor of other
projects: every failure is a ResError, and the orchestrator, which makes one
client per project and workspace for a whole task, decides what it means.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple
from urllib.parse import quote

from ansible_collections.hwc.res.plugins.module_utils._auth import Authenticator
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import Answer, ResError, api_error, json_type
from ansible_collections.hwc.res.plugins.module_utils._service_data import normalize_details, normalize_services
from ansible_collections.hwc.res.plugins.module_utils._text import Redactor, printable, server_text
from ansible_collections.hwc.res.plugins.module_utils._transport import Reply, Transport
from ansible_collections.hwc.res.plugins.module_utils._types import JSONObject, Service


class ResClient:
    """Read RES services of one project and workspace (and IAM, for tokens and project IDs).

    ``redactor`` holds the secrets no message may show (by default those of ``config``); the client adds
    the tokens it uses. Every call takes a ``deadline`` (a time.monotonic() value, or None) that bounds
    all it sends, IAM requests included.
    """

    def __init__(self, config: ConnectionConfig, redactor: Optional[Redactor] = None, pool_size: int = 1) -> None:
        self.config = config
        self.redactor: Redactor = redactor if redactor is not None else Redactor(config.secrets)
        self._transport = Transport(config, self.redactor, pool_size)
        self._auth = Authenticator(config, self._transport)
        self._project_id = config.project_id

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ResClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def known_project_id(self) -> Optional[str]:
        """The project ID when configured or already derived; None while it is still to be asked for."""
        return self._project_id

    @property
    def project_id(self) -> str:
        """The project the client reads, derived from IAM when not configured."""
        return self.resolve_project_id()

    def resolve_project_id(self, deadline: Optional[float] = None) -> str:
        """The project the client reads; asks IAM by ``deadline`` when it is not configured nor known yet."""
        if not self._project_id:
            self._project_id = self._auth.project_id(deadline)
        return self._project_id

    def list_services(self, deadline: Optional[float] = None) -> List[Any]:
        """The raw service list of the configured project and workspace, exactly as RES sent it."""
        reply = self._res_request("/infer-services", {"workspace_id": self.config.workspace_id}, deadline=deadline)
        services = reply.payload.get("services")
        if not isinstance(services, list):
            found = "no services key" if "services" not in reply.payload else "services is %s" % json_type(services)
            raise ResError("RES answered the service list with is_success true but %s: the response is not "
                           "the documented shape." % found, status_code=reply.status_code,
                           request_id=reply.request_id)
        return services

    def get_service(self, service_id: str, deadline: Optional[float] = None) -> JSONObject:
        """The raw details of one service, including access_address and flows."""
        reply = self._res_request("/infer-services/%s" % quote(service_id, safe=""), deadline=deadline)
        service = reply.payload.get("service")
        if not isinstance(service, dict):
            raise ResError("RES answered the details of service %s without a service object." % service_id,
                           status_code=reply.status_code, request_id=reply.request_id)
        answered = service.get("service_id")
        if answered is not None and answered != service_id:
            # Its access_address would be taken for this service's.
            raise ResError("RES answered the details of service %s with those of another service, %s." % (
                printable(service_id), server_text(answered[:80] if isinstance(answered, str) else json_type(answered),
                                                   self.redactor)),
                status_code=reply.status_code, request_id=reply.request_id)
        return service

    def find_services(self, deadline: Optional[float] = None) -> Tuple[List[Service], List[str]]:
        """List and normalize the services; returns (services, warnings about odd values the API sent)."""
        raws = self.list_services(deadline)
        try:
            services, warnings = normalize_services(raws, self.project_id, self.config.workspace_id)
        except ResError as error:
            # Built from the API's data, which may echo a secret as well as its error text can.
            raise error.redacted(self.redactor) from None
        return services, [self.redactor(warning) for warning in warnings]

    def add_details(self, services: List[Service], deadline: Optional[float] = None) -> List[str]:
        """Add access_address and flows from the details endpoint to each normalized service, in place.

        Returns warnings about odd values in the details (see normalize_details).
        """
        warnings: List[str] = []
        for service in services:
            service["access_address"], service["flows"], found = normalize_details(
                self.get_service(service["service_id"], deadline), service)
            warnings.extend(self.redactor(warning) for warning in found)
        return warnings

    def update_status(self, service_id: str, status: str, deadline: Optional[float] = None) -> None:
        """Start (``running``) or stop (``stopped``) one service; RES answers before the status is reached."""
        self._res_request("/infer-services/%s" % quote(service_id, safe=""), method="PATCH",
                          json_body={"status": status}, deadline=deadline)

    def delete_service(self, service_id: str, deadline: Optional[float] = None) -> None:
        """Delete one service; a service RES does not know fails with error_code res.4721."""
        self._res_request("/infer-services/%s" % quote(service_id, safe=""), method="DELETE", deadline=deadline)

    def _res_request(self, path: str, params: Optional[Mapping[str, str]] = None, method: str = "GET",
                     json_body: Optional[JSONObject] = None, deadline: Optional[float] = None) -> Reply:
        project_id = self.resolve_project_id(deadline)
        url = "%s/v1/%s%s" % (self.config.endpoint, quote(project_id, safe=""), path)
        reply = self._auth.send("RES", method, url, params=params, headers={"X-Project-Id": project_id},
                                json_body=json_body, deadline=deadline)
        # RES reports some failures with HTTP 200 and is_success false.
        if reply.payload.get("is_success") is not True:
            raise api_error("RES", method, url, Answer(reply.payload, reply.status_code, reply.request_id, reply.body),
                            self.redactor)
        return reply
