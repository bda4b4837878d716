# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""What of the API's data stays marked unsafe, so that Ansible never renders it, and what may be stored plain.

Every controller plugin passes what it returns from the API (lookup results, inventory host vars,
filter results) through make_unsafe().
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible.utils.unsafe_proxy import wrap_var

try:  # ansible-core >= 2.19: data tagging
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: a str is trusted unless wrapped
    trust_as_template = None

# Every Jinja delimiter ({{, {%, {#) starts with a brace, and a "#jinja2:" header line can choose other
# delimiters (ansible-core 2.19 honours it in any trusted string): text with neither is no template.
_TEMPLATE_MARKERS = re.compile(r"[{}]|^#jinja2:")


def make_unsafe(value: Any) -> Any:
    """Mark API data (service names, descriptions...) so that Ansible never renders it as a template.

    Recursively through dicts and lists, text that could be a template is wrapped as unsafe. Other text is
    left plain on ansible-core < 2.19, and tagged trusted on 2.19 and later, where untagged text from a
    plugin counts as untrusted: in both cases ansible-inventory --list --export (what an AWX inventory
    update stores) writes it as a plain string, not as {"__ansible_unsafe": ...} (community.general#8212).
    Trusting it is safe because there is nothing in it to render.
    """
    if isinstance(value, Mapping):
        return dict((make_unsafe(key), make_unsafe(item)) for key, item in value.items())
    if isinstance(value, list):
        return [make_unsafe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(make_unsafe(item) for item in value)
    if isinstance(value, str):
        if _TEMPLATE_MARKERS.search(value):
            return wrap_var(value)
        if trust_as_template is not None:
            return trust_as_template(value)
    return value
