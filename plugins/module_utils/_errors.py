# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""The collection's one exception type, and how an API answer becomes its message.

Everything below the adapters (configuration checks, HTTP, response
validation, normalization, queries) raises ResError, so a module, lookup or
inventory plugin needs a single ``except`` to turn any failure into its own
kind of error without a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit

BODY_EXCERPT_CHARS = 200


class ResError(Exception):
    """A failure to configure, reach or understand the RES or IAM API.

    ``message`` is complete and safe to show: it never holds a secret.
    The other attributes are set where known, so callers can branch on them
    and modules can return them.
    """

    def __init__(self, message, status_code=None, error_code=None, error_msg=None, request_id=None):
        super(ResError, self).__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id

    def __str__(self):
        return self.message

    def to_result(self):
        """The keys a module returns on failure: ``msg`` and whatever else is known."""
        result = {"msg": self.message}
        for key in ("status_code", "error_code", "error_msg", "request_id"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


def api_error(service, method, url, reply, response=None):
    """A ResError naming the request, the HTTP status, and the API's error code and text.

    ``reply`` is the transport's Reply (payload, status_code, request_id); ``response`` the raw
    response, when there is one, for its reason phrase and a body excerpt.
    """
    error_code, error_msg = _error_fields(reply.payload)
    if error_code or error_msg:
        # The API's text usually ends with a period already; the message adds its own.
        detail = ("%s: %s" % (error_code, error_msg) if error_code else error_msg).rstrip(".")
    elif reply.payload is not None:
        detail = "the response is not the documented shape (is_success is not true)"
    else:
        detail = "the body is not a JSON object: %s" % _body_excerpt(response)
    reason = " %s" % response.reason if response is not None and response.reason else ""
    message = "%s %s %s failed with HTTP %s%s: %s." % (
        service, method, urlsplit(url).path, reply.status_code, reason, detail)
    if reply.status_code in (401, 403) or (error_code or "").lower() in ("res.2301", "apigw.0301"):
        message += " Check the credentials and that they may read this project."
    if reply.request_id:
        message += " Request ID: %s." % reply.request_id
    return ResError(message, status_code=reply.status_code, error_code=error_code, error_msg=error_msg,
                    request_id=reply.request_id)


def json_type(value):
    """How a message names the JSON type of ``value``."""
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _error_fields(payload):
    """(error_code, error_msg) from the RES, API gateway or IAM error shapes."""
    if not payload:
        return None, None
    code, text = payload.get("error_code"), payload.get("error_msg")
    nested = payload.get("error")
    if (code is None and text is None) and isinstance(nested, dict):
        code = nested.get("title") or nested.get("code")
        text = nested.get("message")
    return (None if code is None else str(code)), (None if text is None else str(text))


def _body_excerpt(response):
    if response is None:
        return "(none)"
    text = response.content[:BODY_EXCERPT_CHARS * 4].decode("utf-8", "replace")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "(empty body)"
    return repr(text[:BODY_EXCERPT_CHARS] + ("..." if len(text) > BODY_EXCERPT_CHARS else ""))
