# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A module's main() run in-process with given arguments, its exit_json or fail_json caught as the outcome."""

import json
from contextlib import contextmanager
from unittest.mock import patch

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
from ansible_collections.hwc.res.tests.unit.plugins.token_caches import forget_tokens

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextmanager
    def patch_module_args(args):
        with patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result)
        self.result = result
        self.failed = failed


def run_module(main, args):
    """The ModuleExit of ``main()`` (a module's) run with ``args``, from an empty token cache.

    Its result holds ``warnings`` as exit_json would add them.
    """
    warned = []

    def warn(module, warning):
        warned.append(warning)

    def exit_json(module, **result):
        raise ModuleExit(dict(result, warnings=warned) if warned else result, failed=False)

    def fail_json(module, **result):
        raise ModuleExit(dict(result, warnings=warned) if warned else result, failed=True)

    forget_tokens()
    with patch_module_args(args), patch.object(basic.AnsibleModule, "exit_json", exit_json), \
            patch.object(basic.AnsibleModule, "fail_json", fail_json), patch.object(basic.AnsibleModule, "warn", warn):
        with pytest.raises(ModuleExit) as caught:
            main()
    return caught.value
