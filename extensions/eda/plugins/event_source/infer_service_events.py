# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An ansible-rulebook event source: changes of Huawei Cloud RES inference services, as events."""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Watch Huawei Cloud RES inference services and send an event for every change.
description:
  - An ansible-rulebook event source plugin that polls the inference services of one or more Huawei Cloud
    Recommender System (RES) projects and workspaces, and sends one event per change.
  - "Every event is a dict with C(type) (V(added), V(removed), V(status_changed) or V(read_failed)),
    C(project_id), C(workspace_id) and C(checked_at) (the time of the poll, ISO 8601 UTC, such as
    C(2026-05-04T10:00:00.000Z))."
  - "V(added), V(removed) and V(status_changed) events carry C(service): the service normalized exactly as
    the RV(hwc.res.infer_service_info#module:services) that the M(hwc.res.infer_service_info) module returns
    (for V(removed), as it was last seen). V(status_changed) events also carry C(previous_status)."
  - "A project that cannot be read (after the client's retries) makes one V(read_failed) event per poll, with
    C(message) saying why instead of C(service); its last good state is kept, and polling goes on."
  - "The C(project_id) of an event is the project; when O(project_id) is not set, the ID derived from the
    credentials; null only when it was to be derived and could not be."
  - The first good poll of a project and workspace is its baseline. Only a change of C(status) is a
    V(status_changed) event; other fields (counters, times) changing make no event.
  - Requests run in a worker thread, so the rulebook's event loop is never blocked; projects are read
    concurrently, up to 8 at a time, as the P(hwc.res.infer_services#inventory) inventory reads them.
  - Secrets are never part of an event or a log message.
options:
  region:
    description:
      - Huawei Cloud region; see O(hwc.res.infer_service_info#module:region).
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
    default: cn-north-4
  cloud:
    description:
      - Domain suffix of the cloud's endpoints; see O(hwc.res.infer_service_info#module:cloud).
      - If not set, the value of the E(HW_CLOUD) environment variable is used.
    type: str
    default: myhuaweicloud.com
  endpoint:
    description:
      - Base URL of the RES API; see O(hwc.res.infer_service_info#module:endpoint).
      - If not set, the value of the E(HW_RES_ENDPOINT) environment variable is used.
    type: str
  identity_endpoint:
    description:
      - Base URL of the IAM v3 API; see O(hwc.res.infer_service_info#module:identity_endpoint).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project to watch when O(projects) is not set; see O(hwc.res.infer_service_info#module:project_id).
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  project_name:
    description:
      - Name of the project to scope IAM password tokens to; see
        O(hwc.res.infer_service_info#module:project_name).
      - If not set, the value of the E(HW_PROJECT_NAME) environment variable is used.
    type: str
  workspace_id:
    description:
      - RES workspace to watch; see O(hwc.res.infer_service_info#module:workspace_id).
      - If not set, the value of the E(HW_RES_WORKSPACE_ID) environment variable is used.
    type: str
    default: "0"
  access_key:
    description:
      - Access key ID for AK/SK signing; see O(hwc.res.infer_service_info#module:access_key).
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key; see O(hwc.res.infer_service_info#module:secret_key).
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials; see O(hwc.res.infer_service_info#module:security_token).
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A pre-issued IAM token; see O(hwc.res.infer_service_info#module:auth_token). It cannot be renewed, so
        once it expires every poll makes a V(read_failed) event.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user:
    description:
      - IAM user name for password authentication; see O(hwc.res.infer_service_info#module:user).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user); see O(hwc.res.infer_service_info#module:password).
      - If not set, the value of the E(HW_USER_PASSWORD) environment variable is used.
    type: str
  domain:
    description:
      - Account (domain) name of O(user); see O(hwc.res.infer_service_info#module:domain).
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the endpoints' TLS certificates; see O(hwc.res.infer_service_info#module:validate_certs).
      - If not set, the value of the E(HW_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM bundle of CA certificates; see O(hwc.res.infer_service_info#module:ca_path).
      - If not set, the value of the E(HW_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request; see O(hwc.res.infer_service_info#module:timeout).
    type: int
    default: 30
  retries:
    description:
      - Retries of a request that failed in a way worth retrying; see
        O(hwc.res.infer_service_info#module:retries).
    type: int
    default: 3
  projects:
    description:
      - The projects to watch, with the same meaning as the P(hwc.res.infer_services#inventory) inventory's
        O(hwc.res.infer_services#inventory:projects). Each entry is a project ID, or a dict with C(project_id)
        and optionally C(region), C(endpoint) and C(workspace_id).
      - If not set, the one project of the connection options is watched.
    type: list
    elements: raw
  name:
    description:
      - Watch only services whose C(service_name) matches one of these shell-style globs.
    type: list
    elements: str
  status:
    description:
      - Watch only services in one of these statuses. A service that enters or leaves one of them makes a
        V(status_changed) event; an added service counts if its status is one of them, a removed one if its
        last seen status was.
    type: list
    elements: str
  infer_type:
    description:
      - Watch only services of this type, for example V(real-time).
    type: str
  is_shared:
    description:
      - Watch only shared services (V(true)) or only unshared ones (V(false)).
    type: bool
  interval:
    description:
      - Seconds from the start of one poll to the start of the next; at least V(1). Fractions are allowed.
      - A project that has not answered by the end of the interval (because it is slow, or throttles the
        requests with a long C(Retry-After)) is a C(read_failed) event of that poll; the events of the other
        projects are sent as soon as each is read.
      - Each poll costs one list request per project and workspace (plus an IAM token request per project
        when a password token has to be renewed).
    type: float
    default: 60
  emit_initial:
    description:
      - V(false) makes the first good poll of each project and workspace only the baseline that later polls
        are compared with.
      - V(true) also sends one V(added) event per (matching) service of that first poll.
    type: bool
    default: false
"""

EXAMPLES = r"""
# Credentials and endpoints from the HW_* environment (an EDA credential injects them)
- hwc.res.infer_service_events:
    interval: 60

# Two projects, one of them in two workspaces, only the ranking services, checked every 30 seconds
- hwc.res.infer_service_events:
    interval: 30
    name: ["res-rank-*"]
    projects:
      - 0a1b2c3d4e5f60718293a4b5c6d7e8f9
      - project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
        workspace_id: ws-2
      - project_id: f9e8d7c6b5a4938271605f4e3d2c1b0a
        region: cn-east-3
"""

# DOCUMENTATION and EXAMPLES come first, as in every Ansible plugin; the imports follow them.
# pylint: disable=wrong-import-position
import asyncio
import importlib.util
import logging
import math
import os
import sys
import threading
import time
from typing import Any, AsyncIterator, Dict, List, Mapping, Protocol, TypeVar, Union


def _make_collection_importable() -> None:
    """Put the folder holding this collection's ``ansible_collections`` on sys.path, unless Python finds it there.

    ansible-rulebook runs a source with runpy.run_path, outside Ansible's collection loader, so
    ``ansible_collections.hwc.res`` is importable only when its collections path is on sys.path. When
    another copy of the collection is importable, this copy's folder goes first, so that the source
    runs with its own client.
    """
    parts = os.path.abspath(__file__).split(os.sep)
    # .../<root>/ansible_collections/<namespace>/<name>/extensions/eda/plugins/event_source/<this file>
    if len(parts) < 9 or parts[-8] != "ansible_collections":
        return
    root = os.sep.join(parts[:-8]) or os.sep
    own = os.path.realpath(os.sep.join(parts[:-5]))
    try:
        spec = importlib.util.find_spec("ansible_collections.hwc.res")
    except ImportError:
        spec = None
    found = [os.path.realpath(path) for path in (spec.submodule_search_locations or [])] if spec else []
    if own not in found:
        sys.path.insert(0, root)
        importlib.invalidate_caches()


_make_collection_importable()

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402
from ansible.module_utils.common.parameters import remove_values  # noqa: E402
from ansible_collections.hwc.res.plugins.module_utils._config import SECRET_OPTIONS  # noqa: E402
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError  # noqa: E402
from ansible_collections.hwc.res.plugins.module_utils._options import (  # noqa: E402
    FILTER_OPTIONS,
    OptionSpecs,
    module_argument_spec,
)
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator, ProjectRead  # noqa: E402
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter  # noqa: E402
from ansible_collections.hwc.res.plugins.module_utils._text import printable  # noqa: E402
from ansible_collections.hwc.res.plugins.plugin_utils._controller import connection_options  # noqa: E402
from ansible_collections.hwc.res.plugins.plugin_utils._events import Event, ServiceWatch, utc_now_iso  # noqa: E402

SOURCE_NAME = "hwc.res.infer_service_events"
SOURCE_OPTIONS: OptionSpecs = {
    "projects": {"type": "list", "elements": "raw"},
    "interval": {"type": "float", "default": 60},
    "emit_initial": {"type": "bool", "default": False},
}
ARGUMENT_SPEC = module_argument_spec(FILTER_OPTIONS, SOURCE_OPTIONS)
# The shortest interval accepted: a poll a second is plenty for a list that changes in minutes.
MINIMUM_INTERVAL = 1.0
# How long a poll's reads may take at least, however short the interval (tests lower MINIMUM_INTERVAL).
MINIMUM_READ_SECONDS = 1.0
# Projects read at the same time, as the inventory's max_workers default.
MAX_WORKERS = 8
# What ansible-rulebook adds to the rulebook's arguments for sources that want it.
RULEBOOK_ARGUMENTS = ("eda_feedback_queue",)

logger = logging.getLogger(SOURCE_NAME)

_Scrubbed = TypeVar("_Scrubbed")


class EventQueue(Protocol):
    """Where the events go: the asyncio.Queue that ansible-rulebook hands the source."""

    async def put(self, item: Event) -> None:
        ...


class Settings:
    """The validated arguments: the orchestrator of the watched projects and workspaces, the timing."""

    def __init__(self, args: Mapping[str, Any]) -> None:
        params = self._validated(dict((key, value) for key, value in args.items() if key not in RULEBOOK_ARGUMENTS))
        self.interval: float = params["interval"]
        if not math.isfinite(self.interval) or self.interval < MINIMUM_INTERVAL:
            raise ValueError("%s: interval must be a number of seconds, at least %g; got %r." % (
                SOURCE_NAME, MINIMUM_INTERVAL, args.get("interval")))
        self.emit_initial: bool = params["emit_initial"]
        self.secrets = _secrets(params)
        try:
            # What the rulebook sets stands, even where AWX or EDA controller exports its HW_* variable as "".
            # A project that cannot be read is an event, never the end of the watch.
            self.orchestrator = Orchestrator(connection_options(params.get, args), params["projects"], MAX_WORKERS,
                                             fail_on_errors=False, service_filter=ServiceFilter.from_options(params.get))
        except ResError as error:
            raise ValueError("%s: %s" % (SOURCE_NAME, error.message)) from None

    @staticmethod
    def _validated(args: Dict[str, Any]) -> Dict[str, Any]:
        """The arguments checked and converted by Ansible's own argument-spec validation, HW_* fallbacks applied."""
        result = ArgumentSpecValidator(ARGUMENT_SPEC).validate(args)
        if result.error_messages:
            # A type error may quote the value it could not convert: never a secret's.
            raise ValueError(remove_values("%s: %s" % (SOURCE_NAME, " ".join(result.error_messages)),
                                           _secrets(result.validated_parameters)))
        params: Dict[str, Any] = result.validated_parameters
        return params

    def scrubbed(self, value: _Scrubbed) -> _Scrubbed:
        """``value`` (an event, a message) with every secret of the arguments masked, should the API echo one."""
        scrubbed: _Scrubbed = remove_values(value, self.secrets)
        return scrubbed


def _secrets(params: Mapping[str, Any]) -> List[str]:
    return [str(params[name]) for name in SECRET_OPTIONS if params.get(name) not in (None, "")]


async def main(queue: EventQueue, args: Dict[str, Any]) -> None:
    """Poll RES every ``interval`` seconds and put one event per change on ``queue``, until cancelled.

    A poll reads every project at once and sends each project's events as soon as that project is read;
    no project's read outlasts the interval, so a slow or throttled one holds back none of the others.
    """
    settings = Settings(args)
    orchestrator = settings.orchestrator
    watch = ServiceWatch(orchestrator.service_filter, settings.emit_initial)
    loop = asyncio.get_running_loop()
    try:
        while True:
            poll_ends = loop.time() + settings.interval
            reads_end = time.monotonic() + max(settings.interval, MINIMUM_READ_SECONDS)
            async for read in _project_reads(orchestrator, reads_end):
                if read.error is not None:
                    logger.warning("%s", printable(settings.scrubbed(read.failure_message())))
                for event in watch.events([read], utc_now_iso()):
                    await queue.put(settings.scrubbed(event))
            # Warnings (an undocumented status, odd values) are logged once, when they first appear.
            for warning in orchestrator.warnings():
                logger.warning("%s", printable(settings.scrubbed(warning)))
            await asyncio.sleep(max(0.0, poll_ends - loop.time()))
    finally:
        orchestrator.close()


async def _project_reads(orchestrator: Orchestrator, deadline: float) -> AsyncIterator[ProjectRead]:
    """The ProjectReads of one poll, as each project is read, from a daemon thread while the event loop goes on.

    Unlike asyncio.to_thread: once the caller is cancelled (rulebook shutdown), nothing waits for the
    thread, whereas asyncio.run() would wait at exit for a request in flight in its default executor.
    The abandoned thread ends on its own by the poll's deadline.
    """
    loop = asyncio.get_running_loop()
    # A ProjectRead, the exception the reading raised, or None: every project has been read.
    arrived: asyncio.Queue[Union[ProjectRead, Exception, None]] = asyncio.Queue()

    def deliver(item: Union[ProjectRead, Exception, None]) -> None:
        try:
            loop.call_soon_threadsafe(arrived.put_nowait, item)
        except RuntimeError:  # the loop has closed: nobody waits any more
            pass

    def read() -> None:
        try:
            for project_read in orchestrator.read_each(deadline):
                deliver(project_read)
            deliver(None)
        except Exception as error:  # pylint: disable=broad-exception-caught  # raised again in the caller
            deliver(error)

    threading.Thread(target=read, name=SOURCE_NAME, daemon=True).start()
    while True:
        item = await arrived.get()
        if item is None:
            return
        if isinstance(item, Exception):
            raise item
        yield item


if __name__ == "__main__":
    # Run directly: print the events of the project in the HW_* environment.

    class _PrintQueue:
        async def put(self, item: Event) -> None:
            print(item)

    asyncio.run(main(_PrintQueue(), {"interval": 10, "emit_initial": True}))
