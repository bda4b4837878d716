# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""API text made safe to print: terminal control characters escaped, and secrets the server echoed removed.

A service name or an error_msg comes from a server the collection does not
control; printed as it is, an ESC sequence could rewrite the user's terminal
or hide a line of output. Every message and warning built from API text passes
it through printable(); error text from the server also through a Redactor.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import json
import re
from urllib.parse import quote, quote_plus

# C0 (tab and newline included), DEL and C1: the characters a terminal acts on instead of showing.
_CONTROL_CHARACTERS = re.compile(u"[\x00-\x1f\x7f-\x9f]")


def printable(text):
    """``text`` with every control character written as an escape such as ``\\x1b``."""
    return _CONTROL_CHARACTERS.sub(lambda match: "\\x%02x" % ord(match.group()), text)


REDACTED = "<redacted>"
# An SDK-HMAC-SHA256 signature: 64 hex digits, which every escaping leaves as they are. It authorizes its
# request for the gateway's 15 minutes, and each request has another, so it is matched by its shape: a
# SHA-256 digest redacted with it is no loss.
_SIGNATURE = re.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", re.IGNORECASE)


class Redactor:
    """Removes secrets from server text before a message is built from it.

    A gateway or IAM may echo a request back in its error text: the JSON body
    with the password, the X-Auth-Token header, or the Authorization header
    with its signature. The redactor holds every configured secret and every
    token issued during the run, and replaces each with REDACTED in the forms
    an echo may take: as sent, JSON-escaped (a quote or backslash in a password,
    a slash as ``\\/``), Python-repr'd, percent-encoded, HTML-escaped (an error
    page) and escaped by printable(). Matching ignores case, so ``%2f`` and
    ``\\u00E9`` are caught as well as ``%2F`` and ``\\u00e9``; redacting a little
    too much is harmless. It then replaces every run of 64 hex digits: a signature.
    """

    def __init__(self, secrets=()):
        self._forms = set()
        self._pattern = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        """Redact ``secret`` (and its escaped forms) from now on; empty values are ignored."""
        if not isinstance(secret, str) or not secret:
            return
        as_json = json.dumps(secret)[1:-1]
        forms = {secret, as_json, as_json.replace("/", "\\/"), json.dumps(secret, ensure_ascii=False)[1:-1],
                 repr(secret)[1:-1], quote(secret, safe=""), quote_plus(secret, safe=""),
                 html.escape(secret), html.escape(secret, quote=False), html.escape(secret).replace("&#x27;", "&#39;"),
                 printable(secret)}
        forms.discard("")
        if not forms <= self._forms:
            self._forms |= forms
            # Longest first, so that a secret containing another one is replaced whole.
            self._pattern = re.compile("|".join(re.escape(form) for form in sorted(self._forms, key=len, reverse=True)),
                                       re.IGNORECASE)

    def __call__(self, text):
        """``text`` without any secret; None stays None."""
        if text is None:
            return None
        text = u"%s" % (text,)
        # Secrets first: one that holds 64 hex digits must go whole.
        return _SIGNATURE.sub(REDACTED, self._pattern.sub(REDACTED, text) if self._pattern else text)


def server_text(text, redactor):
    """Server text ready for a message: secrets removed, control characters escaped."""
    return printable(redactor(text))
