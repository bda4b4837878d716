# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How the simulated API gateway reads the two headers of an SDK-HMAC-SHA256 request.

Only the receiving side needs this: the collection signs (plugins/module_utils/_signer.py)
and never parses a signature, so the parser lives with the simulator. Verifying the
signature itself rebuilds the canonical request with the collection's signer, on purpose:
one canonicalization, held to the published test vector. Standard library only.
"""

from __future__ import annotations

from datetime import datetime, timezone

ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def parse_authorization(value):
    """Split an ``Authorization: SDK-HMAC-SHA256 ...`` value into (access_key, signed_header_names, signature).

    Raises ValueError when the value is not of that form.
    """
    algorithm, _sep, rest = (value or "").partition(" ")
    if algorithm != ALGORITHM:
        raise ValueError("not an %s authorization" % ALGORITHM)
    fields = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if not sep:
            raise ValueError("malformed authorization field %r" % item.strip())
        fields[key] = val
    try:
        return fields["Access"], fields["SignedHeaders"].split(";"), fields["Signature"]
    except KeyError as exc:
        raise ValueError("authorization lacks %s" % exc)


def parse_sdk_date(value):
    """Parse an X-Sdk-Date value; raises ValueError when it is not of the form YYYYMMDDTHHMMSSZ."""
    return datetime.strptime(value, SDK_DATE_FORMAT).replace(tzinfo=timezone.utc)
