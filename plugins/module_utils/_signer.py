# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""SDK-HMAC-SHA256 request signing, as Huawei Cloud's API gateway verifies it.

Pure functions over plain values: the client signs with them and the simulator
verifies with them, so both sides are held to the published test vector.
Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

# Headers the gateway expects to be covered by the signature whenever they are sent.
SIGNED_HEADER_NAMES = ("content-type", "host", "x-project-id", "x-sdk-date", "x-security-token")


def _encode(value: str) -> str:
    # RFC 3986 unreserved characters stay; everything else, "/" and space included, is escaped.
    return quote(value, safe="~")


def sdk_date(now: Optional[datetime] = None) -> str:
    """Return the X-Sdk-Date value for ``now`` (a timezone-aware datetime, default: the current time)."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).strftime(DATE_FORMAT)


def canonical_uri(path: str) -> str:
    segments = [_encode(segment) for segment in path.split("/")]
    uri = "/".join(segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query_pairs: Iterable[Tuple[object, object]]) -> str:
    return "&".join(
        "%s=%s" % (_encode(key), _encode(value))
        for key, value in sorted((str(k), str(v)) for k, v in query_pairs)
    )


def canonical_request(method: str, path: str, query_pairs: Iterable[Tuple[object, object]], headers: Mapping[str, str],
                      signed_header_names: Sequence[str], body_sha256: str) -> str:
    """Build the canonical request string.

    ``headers`` maps lower-case header names to values; ``signed_header_names``
    is the sorted list of lower-case names to include.
    """
    header_lines = "".join("%s:%s\n" % (name, headers[name].strip()) for name in signed_header_names)
    return "\n".join([
        method.upper(),
        canonical_uri(path),
        canonical_query(query_pairs),
        header_lines,
        ";".join(signed_header_names),
        body_sha256,
    ])


def string_to_sign(request_date: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, request_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])


def signature(secret_key: str, text: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def split_url(url: str) -> Tuple[str, str, List[Tuple[str, str]]]:
    """Return (host, path, query_pairs) of an absolute URL, the parts the signature covers."""
    parts = urlsplit(url)
    return parts.netloc, parts.path or "/", parse_qsl(parts.query, keep_blank_values=True)


def sign_request(method: str, url: str, headers: Mapping[str, str], access_key: str, secret_key: str,
                 body: Union[bytes, str] = b"", now: Optional[datetime] = None) -> Dict[str, str]:
    """Return the headers to add to a request so the gateway accepts it.

    ``headers`` are the headers the request will carry (any case); the ones in
    SIGNED_HEADER_NAMES that are present, plus ``host`` and ``x-sdk-date``, are
    signed. The result holds ``X-Sdk-Date`` (unless ``headers`` already had
    one) and ``Authorization``.
    """
    host, path, query_pairs = split_url(url)
    lowered = dict((name.lower(), value) for name, value in headers.items())
    added = {}
    if "x-sdk-date" not in lowered:
        added[DATE_HEADER] = lowered["x-sdk-date"] = sdk_date(now)
    lowered.setdefault("host", host)
    signed = sorted(name for name in SIGNED_HEADER_NAMES if name in lowered)
    if isinstance(body, str):
        body = body.encode("utf-8")
    canonical = canonical_request(method, path, query_pairs, lowered, signed, hashlib.sha256(body or b"").hexdigest())
    sig = signature(secret_key, string_to_sign(lowered["x-sdk-date"], canonical))
    added["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed), sig)
    return added
