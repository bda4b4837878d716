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

from __future__ import annotations

import re
from typing import Any, Dict, NamedTuple, Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils._text import Redactor, printable
from ansible_collections.hwc.res.plugins.module_utils._types import JSONObject

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

    def __init__(self, message: str, status_code: Optional[int] = None, error_code: Optional[str] = None,
                 error_msg: Optional[str] = None, request_id: Optional[str] = None,
                 encoded_authorization_message: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.encoded_authorization_message = encoded_authorization_message

    def __str__(self) -> str:
        return self.message

    def redacted(self, redactor: Redactor) -> ResError:
        """This error with ``redactor`` applied to its message: one built from the API's data (a service)."""
        return ResError(redactor(self.message), self.status_code, self.error_code, self.error_msg, self.request_id,
                        self.encoded_authorization_message)

    def to_result(self) -> Dict[str, Any]:
        """The keys a module returns on failure: ``msg`` and whatever else is known."""
        result: Dict[str, Any] = {"msg": self.message}
        for key in RESULT_KEYS:
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


RESULT_KEYS = ("status_code", "error_code", "error_msg", "request_id", "encoded_authorization_message")


class Answer(NamedTuple):
    """What api_error() reads of an HTTP answer."""

    payload: Optional[JSONObject]  # the body's JSON object; None when the body is not one
    status_code: int
    request_id: Optional[str]
    body: Optional[bytes] = None  # excerpted when the body is not a JSON object


def api_error(service: str, method: str, url: str, answer: Answer, redact: Redactor,
              reason: Optional[str] = None) -> ResError:
    """A ResError naming the request, the HTTP status, and the API's error code and text.

    ``redact`` removes the secrets a server may echo from everything taken from the answer;
    ``reason`` is the response's reason phrase, when there is one.
    """
    error_code, error_msg, encoded = (redact(value) for value in _error_fields(answer.payload))
    request_id = redact(answer.request_id)
    detail: str
    # The API's text usually ends with a period already; the message adds its own.
    if error_code:
        detail = printable("%s: %s" % (error_code, error_msg)).rstrip(".")
    elif error_msg:
        detail = printable(error_msg).rstrip(".")
    elif answer.payload is not None:
        detail = "the response is not the documented shape (is_success is not true)"
    else:
        detail = "the body is not a JSON object: %s" % printable(_body_excerpt(answer.body, redact))
    said = " %s" % printable(redact(reason)) if reason else ""
    message = "%s %s %s failed with HTTP %s%s: %s." % (
        service, method, urlsplit(url).path, answer.status_code, said, detail)
    if answer.status_code in (401, 403) or (error_code or "").lower() in ("res.2301", "apigw.0301"):
        # Credentials that read (a compliance job's) are refused on a write: reading is not what they lack.
        message += " Check the credentials and that they may %s this project." % (
            "change services in" if method in ("PATCH", "DELETE") else "read")
    if encoded:
        message += " Encoded authorization message (decode it with IAM's decode API): %s." % printable(encoded)
    if request_id:
        message += " Request ID: %s." % printable(request_id)
    return ResError(message, status_code=answer.status_code, error_code=error_code, error_msg=error_msg,
                    request_id=request_id, encoded_authorization_message=encoded)


def json_type(value: Any) -> str:
    """How a message names the JSON type of ``value``."""
    names: Dict[type, str] = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


# Where huaweicloudsdkcore finds an error's code and message, in its order of preference.
_ERROR_KEYS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
_ENCODED_AUTHORIZATION_MESSAGE = "encoded_authorization_message"


def _error_fields(payload: Optional[JSONObject]) -> Tuple[Optional[str], Optional[str], Optional[str]]:
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


def _text_or_none(value: Any) -> Optional[str]:
    return None if value is None or value == "" else u"%s" % (value,)


def _body_excerpt(body: Optional[bytes], redact: Redactor) -> str:
    if body is None:
        return "(none)"
    # Redact more than is shown, so that no secret is cut in two before it can be recognized.
    text = redact(body[:BODY_EXCERPT_CHARS * 4 + 4096].decode("utf-8", "replace"))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "(empty body)"
    return repr(text[:BODY_EXCERPT_CHARS] + ("..." if len(text) > BODY_EXCERPT_CHARS else ""))
