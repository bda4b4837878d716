# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""Options of controller plugins (lookup, inventory, event source) as connection options, and errors back.

Plugins read options through Ansible's configuration system instead of an
argument spec; this turns those options into the connection options the
orchestrator takes, and turns ResError into the plugin's own error type.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Collection, Dict, Iterator, Optional

from ansible.module_utils.common.text.converters import to_native
from ansible_collections.hwc.res.plugins.module_utils._config import SECRET_OPTIONS, option_name
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._options import connection_options_from, set_but_empty

if TYPE_CHECKING:
    from ansible.template import Templar


def connection_options(get_option: Callable[[str], Any], given: Collection[str] = (),
                       templar: Optional[Templar] = None) -> Dict[str, Any]:
    """The connection options from a plugin's ``get_option``, as the orchestrator takes them.

    ``given``: the options set in the inventory file or as lookup arguments. With a ``templar``, those that
    are templates (``{{ lookup('env', 'X') }}``, a vaulted variable) are rendered. Values from the
    environment are never rendered (a password may well contain ``{{``), and an empty one counts as unset.
    """
    options = connection_options_from(get_option)
    options.update((name, None) for name in set_but_empty(given))
    if templar is not None:
        options = dict((name, _render(templar, value) if name in given else value)
                       for name, value in options.items())
    return options


def refuse_secret_containers(options: Optional[Mapping[str, Any]]) -> None:
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


def _render(templar: Templar, value: Any) -> Any:
    if isinstance(value, str) and templar.is_template(value):
        return templar.template(value)
    return value


@contextmanager
def raised_as(error_class: Callable[[str], Exception]) -> Iterator[None]:
    """Re-raise ResError as ``error_class`` (AnsibleLookupError, AnsibleParserError...) with the same message."""
    try:
        yield
    except ResError as error:
        # The message is complete; the chained ResError would only add a traceback.
        raise error_class(to_native(error.message)) from None
