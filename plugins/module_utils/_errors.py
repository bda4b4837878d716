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

from ansible_collections.hwc.res.plugins.module_utils._text import printable

BODY_EXCERPT_CHARS = 200


class ResError(Exception):
    """A failure to configure, reach or understand the RES or IAM API.

    ``message`` is complete and safe to show: it never holds a secret.
    The other attributes are set where known, so callers can branch on them
    and modules can return them; those that come from the server have had
    every known secret removed.
    """

    # True when earlier attempts of the request failed first: one of them may have been served, its answer lost.
    retried = False

    def __init__(self, message, status_code=None, error_code=None, error_msg=None, request_id=None,
                 encoded_authorization_message=None):
        super(ResError, self).__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.encoded_authorization_message = encoded_authorization_message

    def __str__(self):
        return self.message

    def redacted(self, redactor):
        """This error with ``redactor`` applied to its message: one built from the API's data (a service)."""
        return ResError(redactor(self.message), self.status_code, self.error_code, self.error_msg, self.request_id,
                        self.encoded_authorization_message)

    def to_result(self):
        """The keys a module returns on failure: ``msg`` and whatever else is known."""
        result = {"msg": self.message}
        for key in RESULT_KEYS:
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


RESULT_KEYS = ("status_code", "error_code", "error_msg", "request_id", "encoded_authorization_message")


def api_error(service, method, url, reply, response=None, redactor=None):
    """A ResError naming the request, the HTTP status, and the API's error code and text.

    ``reply`` is the transport's Reply (payload, status_code, request_id); ``response`` the raw
    response, when there is one, for its reason phrase and a body excerpt. ``redactor`` removes
    the secrets a server may echo from everything taken from the answer.
    """
    redact = redactor or (lambda text: text)
    error_code, error_msg, encoded = (redact(value) for value in _error_fields(reply.payload))
    request_id = redact(reply.request_id)
    if error_code or error_msg:
        # The API's text usually ends with a period already; the message adds its own.
        detail = printable("%s: %s" % (error_code, error_msg) if error_code else error_msg).rstrip(".")
    elif reply.payload is not None:
        detail = "the response is not the documented shape (is_success is not true)"
    else:
        detail = "the body is not a JSON object: %s" % printable(_body_excerpt(reply.body, redact))
    reason = " %s" % printable(redact(response.reason)) if response is not None and response.reason else ""
    message = "%s %s %s failed with HTTP %s%s: %s." % (
        service, method, urlsplit(url).path, reply.status_code, reason, detail)
    if reply.status_code in (401, 403) or (error_code or "").lower() in ("res.2301", "apigw.0301"):
        # Credentials that read (a compliance job's) are refused on a write: reading is not what they lack.
        message += " Check the credentials and that they may %s this project." % (
            "change the services of" if method in ("PATCH", "DELETE") else "read")
    if encoded:
        message += " Encoded authorization message (decode it with IAM's decode API): %s." % printable(encoded)
    if request_id:
        message += " Request ID: %s." % printable(request_id)
    return ResError(message, status_code=reply.status_code, error_code=error_code, error_msg=error_msg,
                    request_id=request_id, encoded_authorization_message=encoded)


def json_type(value):
    """How a message names the JSON type of ``value``."""
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


# Where huaweicloudsdkcore finds an error's code and message, in its order of preference.
_ERROR_KEYS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
_ENCODED_AUTHORIZATION_MESSAGE = "encoded_authorization_message"


def _error_fields(payload):
    """(error_code, error_msg, encoded_authorization_message) the way Huawei's SDK reads an error body.

    The first key pair present at the top level wins; failing that, the first nested object holding
    one (IAM's ``{"error": {"code", "message", "title"}}``).
    """
    if not payload:
        return None, None, None
    candidates = [payload] + [value for value in payload.values() if isinstance(value, dict)]
    for candidate in candidates:
        for code_key, text_key in _ERROR_KEYS:
            if code_key in candidate or text_key in candidate:
                encoded = candidate.get(_ENCODED_AUTHORIZATION_MESSAGE, payload.get(_ENCODED_AUTHORIZATION_MESSAGE))
                return _text_or_none(candidate.get(code_key)), _text_or_none(candidate.get(text_key)), \
                    _text_or_none(encoded)
    return None, None, _text_or_none(payload.get(_ENCODED_AUTHORIZATION_MESSAGE))


def _text_or_none(value):
    return None if value is None or value == "" else u"%s" % (value,)


def _body_excerpt(body, redact):
    if body is None:
        return "(none)"
    # Redact more than is shown, so that no secret is cut in two before it can be recognized.
    text = redact(body[:BODY_EXCERPT_CHARS * 4 + 4096].decode("utf-8", "replace"))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "(empty body)"
    return repr(text[:BODY_EXCERPT_CHARS] + ("..." if len(text) > BODY_EXCERPT_CHARS else ""))
