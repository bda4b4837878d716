# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write every task result of a run to a JSON file, for the functional tests
description:
  - Test harness only, not part of the collection.
  - "The file named by E(HWC_RES_TEST_RESULTS) receives a JSON list with one entry per host and task,
    each with the keys C(task), C(status) and C(result)."
"""

import json
import os

from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._records = []

    def _record(self, result, status):
        payload = getattr(result, "result", None)
        if not isinstance(payload, dict):  # ansible-core < 2.19
            payload = result._result
        self._records.append({"task": result.task_name, "status": status, "result": payload})

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["HWC_RES_TEST_RESULTS"], "w") as handle:
            json.dump(self._records, handle, cls=AnsibleJSONEncoder)
