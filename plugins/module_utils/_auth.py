# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Authentication: IAM tokens and project IDs, cached per credential set and scope, and AK/SK signing.

Authenticator.send is Transport.send with the credentials of the configured
auth method added: an IAM password token (renewed once when the API calls it
expired), a pre-issued token, or an AK/SK signature.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone
from typing import Dict, Hashable, Mapping, Optional, Tuple, cast
from urllib.parse import urlsplit

from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig, header_safe
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._transport import Reply, Transport
from ansible_collections.hwc.res.plugins.module_utils._types import JSONObject

# Reuse a cached IAM token only while it has at least this much life left.
TOKEN_MIN_REMAINING = timedelta(minutes=5)

# IAM tokens and project IDs outlive one client: a lookup called many times in
# one playbook run, or an inventory reading several projects, asks IAM once per
# credential set and scope. Keys hold a digest of the password, never the password.
# (identity endpoint, domain, user, ("id" or "name", the project's), digest of the password)
_TokenKey = Tuple[str, Optional[str], Optional[str], Tuple[str, str], str]
# (identity endpoint, access key, digest of the secret key, project name)
_ProjectIdKey = Tuple[str, Optional[str], str, str]
_token_cache: Dict[_TokenKey, Tuple[str, str, datetime]] = {}  # key -> (token, project ID, expiry)
_project_id_cache: Dict[_ProjectIdKey, str] = {}
_key_locks: Dict[Hashable, threading.Lock] = {}
_cache_lock = threading.Lock()


def _key_lock(key: Hashable) -> threading.Lock:
    with _cache_lock:
        return _key_locks.setdefault(key, threading.Lock())


def _digest(*parts: Optional[str]) -> str:
    return hashlib.sha256("\0".join(part or "" for part in parts).encode("utf-8")).hexdigest()


class Authenticator:
    """Adds the configured credentials to requests sent through a Transport."""

    def __init__(self, config: ConnectionConfig, transport: Transport) -> None:
        self.config = config
        self._transport = transport

    def project_id(self, deadline: Optional[float] = None) -> str:
        """The configured project ID, else the one IAM gives for the configured scope."""
        if self.config.project_id:
            return self.config.project_id
        if self.config.auth_method == "password":
            return self._password_token(deadline=deadline)[1]
        return self._project_id_by_name(deadline)

    def send(self, api: str, method: str, url: str, params: Optional[Mapping[str, str]] = None,
             headers: Optional[Mapping[str, str]] = None, json_body: Optional[JSONObject] = None,
             deadline: Optional[float] = None) -> Reply:
        """Transport.send with the credentials of the configured auth method."""
        headers = dict(headers or {})

        def send(sign: bool = False) -> Reply:
            return self._transport.send(api, method, url, params=params, headers=headers, json_body=json_body,
                                        sign=sign, deadline=deadline)

        if self.config.auth_method == "password":
            headers["X-Auth-Token"] = self._password_token(deadline=deadline)[0]
            self._transport.redactor.add(headers["X-Auth-Token"])
            try:
                return send()
            except ResError as error:
                if not _token_expired(error):
                    raise
            # IAM may revoke or expire a token before its stated end: fetch a new one, once.
            headers["X-Auth-Token"] = self._password_token(stale=headers["X-Auth-Token"], deadline=deadline)[0]
            self._transport.redactor.add(headers["X-Auth-Token"])
            return send()
        if self.config.auth_method == "token":
            headers["X-Auth-Token"] = cast(str, self.config.auth_token)  # set, or the auth method would not be token
            return send()
        if self.config.security_token:
            headers["X-Security-Token"] = self.config.security_token
        return send(sign=True)

    # -- IAM password tokens --------------------------------------------------

    def _token_cache_key(self) -> _TokenKey:
        config = self.config
        scope = ("id", config.project_id) if config.project_id else ("name", config.project_name)
        return (config.identity_endpoint, config.domain, config.user, scope, _digest(config.password))

    def _password_token(self, stale: Optional[str] = None, deadline: Optional[float] = None) -> Tuple[str, str]:
        """Return (token, project_id) for the configured user and scope, from cache or IAM.

        ``stale`` is a token the API called expired: it is not reused.
        """
        key = self._token_cache_key()
        # One IAM request per key at a time: concurrent callers (inventory workers) wait and reuse its token.
        with _key_lock(key):
            cached = _token_cache.get(key)
            if cached and cached[0] != stale and cached[2] - datetime.now(timezone.utc) > TOKEN_MIN_REMAINING:
                return cached[0], cached[1]
            token, project_id, expires_at = self._issue_token(deadline)
            _token_cache[key] = (token, project_id, expires_at)
            return token, project_id

    def _issue_token(self, deadline: Optional[float]) -> Tuple[str, str, datetime]:
        config = self.config
        scope = {"id": config.project_id} if config.project_id else {"name": config.project_name}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": config.user, "password": config.password, "domain": {"name": config.domain}}}},
            "scope": {"project": scope},
        }}
        url = "%s/auth/tokens" % config.identity_endpoint
        reply = self._transport.send("IAM", "POST", url, json_body=body, deadline=deadline)
        token = reply.headers.get("X-Subject-Token")
        if reply.status_code != 201 or not token:
            raise ResError("IAM POST %s answered HTTP %d without an X-Subject-Token header: no token was issued."
                           % (urlsplit(url).path, reply.status_code), status_code=reply.status_code,
                           request_id=reply.request_id)
        token_info = reply.payload.get("token")
        token_info = token_info if isinstance(token_info, dict) else {}
        project = token_info.get("project")
        project_id = project.get("id") if isinstance(project, dict) else None
        if not isinstance(project_id, str) or not project_id:
            raise ResError("IAM issued a token without token.project.id; set project_id (HW_PROJECT_ID).",
                           status_code=reply.status_code, request_id=reply.request_id)
        if not header_safe(token):
            raise ResError("IAM issued a token that cannot go into an HTTP header (it holds a blank, a control "
                           "or a non-ASCII character).", status_code=reply.status_code, request_id=reply.request_id)
        return token, _checked_project_id(project_id, "token.project.id of the token IAM issued"), \
            _parse_expiry(token_info.get("expires_at"))

    # -- project IDs by name ----------------------------------------------------

    def _project_id_by_name(self, deadline: Optional[float]) -> str:
        config = self.config
        key: _ProjectIdKey = (config.identity_endpoint, config.access_key, _digest(config.secret_key),
                              config.project_name)
        with _key_lock(key):
            if key not in _project_id_cache:
                _project_id_cache[key] = self._fetch_project_id(config.project_name, deadline)
            return _project_id_cache[key]

    def _fetch_project_id(self, name: str, deadline: Optional[float]) -> str:
        url = "%s/projects" % self.config.identity_endpoint
        projects = self.send("IAM", "GET", url, params={"name": name}, deadline=deadline).payload.get("projects")
        if not isinstance(projects, list):
            raise ResError("IAM answered GET %s without a projects list." % urlsplit(url).path)
        ids = [project.get("id") for project in projects
               if isinstance(project, dict) and project.get("name") == name and project.get("id")]
        if len(ids) != 1:
            raise ResError("IAM knows %s project named %r for these credentials; set project_id (HW_PROJECT_ID) "
                           "or project_name (HW_PROJECT_NAME)." % ("no" if not ids else "more than one", name))
        return _checked_project_id(ids[0], "the ID IAM gives for project %r" % name)


def _checked_project_id(project_id: object, what: str) -> str:
    """A project ID from IAM, refused when it cannot go into the X-Project-Id header."""
    if not isinstance(project_id, str) or not header_safe(project_id):
        raise ResError("%s holds a blank, a control or a non-ASCII character, so it cannot be sent in an HTTP "
                       "header; set project_id (HW_PROJECT_ID)." % what)
    return project_id


def _token_expired(error: ResError) -> bool:
    return error.status_code == 401 and "expire" in (error.error_msg or "").lower()


def _parse_expiry(value: object) -> datetime:
    """IAM's expires_at (e.g. 2020-01-04T09:05:22.701000Z); unknown means: do not reuse the token."""
    # fromisoformat, not strptime: the first strptime of a process builds its locale tables, a cost every
    # module run would pay for one date.
    if isinstance(value, str):
        try:
            expiry = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if expiry.tzinfo is not None:  # a time without an offset is not an instant
                return expiry
    return datetime.now(timezone.utc)
