# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The shapes of the data the helpers hand each other, named once for the type checker (tests/mypy.ini).

API JSON is whatever the server sent, so its values stay ``Any``; a normalized service keeps every
field the API sent besides those the collection adds, so it is an open dict too.
"""

from __future__ import annotations

from typing import Any, Dict, TypedDict

# A JSON object as the RES or IAM API sent it.
JSONObject = Dict[str, Any]

# A service as _service_data.normalize_service() returns it: every field RES sent (service_id,
# service_name and status are text), counters as integers or None, failure_rate, the *_iso times,
# project_id and workspace_id; with details, access_address and flows.
Service = Dict[str, Any]


class StatusCounts(TypedDict):
    """What _service_data.summarize() counts in a list of services."""

    total: int
    by_status: Dict[str, int]
