# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Glue between controller plugins (lookup, inventory) and the shared client.

Plugins read options through Ansible's configuration system instead of an
argument spec; this turns those options into the client's configuration,
marks what the API sent as unsafe, and turns ResError into the plugin's own
error type.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections.abc import Mapping
from contextlib import contextmanager

from ansible.module_utils.common.text.converters import to_native
from ansible.utils.unsafe_proxy import wrap_var
from ansible_collections.hwc.res.plugins.module_utils._client import ConnectionConfig, ResError
from ansible_collections.hwc.res.plugins.module_utils._config import SECRET_OPTIONS, option_name
from ansible_collections.hwc.res.plugins.module_utils._options import connection_options_from, set_but_empty


def connection_config(get_option, given=(), templar=None, **overrides):
    """A ConnectionConfig from a plugin's ``get_option``, with ``overrides`` (such as a project) on top.

    ``given``: the options set in the inventory file or as lookup arguments. With a ``templar``, those that
    are templates (``{{ lookup('env', 'X') }}``, a vaulted variable) are rendered. Values from the
    environment are never rendered (a password may well contain ``{{``), and an empty one counts as unset.
    """
    options = connection_options_from(get_option)
    options.update((name, None) for name in set_but_empty(given))
    if templar is not None:
        options = dict((name, _render(templar, value) if name in given else value)
                       for name, value in options.items())
    options.update(overrides)
    return ConnectionConfig(options)


def refuse_secret_containers(options):
    """Fail on a secret option given as a dict or a list, without showing it.

    ansible-core quotes a value it cannot convert to the option's type in its error
    (``Invalid value provided for 'str': {...}``), and a lookup or inventory has no no_log
    to mask it: ``password=creds`` for ``password=creds.password`` would print every secret in
    ``creds``. Call this on the options given directly, before ``set_options``.
    """
    for name in SECRET_OPTIONS:
        value = (options or {}).get(name)
        if isinstance(value, (Mapping, list, tuple, set)):
            raise ResError("%s must be a string, got %s; its value is not shown, as it may hold secrets." % (
                option_name(name), "a dict" if isinstance(value, Mapping) else "a list"))


def _render(templar, value):
    if isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value


try:  # ansible-core >= 2.19: data tagging
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: a str is trusted unless wrapped
    trust_as_template = None

# Every Jinja delimiter ({{, {%, {#) starts with a brace, and a "#jinja2:" header line can choose other
# delimiters (ansible-core 2.19 honours it in any trusted string): text with neither is no template.
_TEMPLATE_MARKERS = re.compile(r"[{}]|^#jinja2:")


def make_unsafe(value):
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


@contextmanager
def raised_as(error_class):
    """Re-raise ResError as ``error_class`` (AnsibleLookupError, AnsibleParserError...) with the same message."""
    try:
        yield
    except ResError as error:
        # The message is complete; the chained ResError would only add a traceback.
        raise error_class(to_native(error.message)) from None
