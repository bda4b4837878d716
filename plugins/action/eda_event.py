# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action behind hwc.res.eda_event: the Event-Driven Ansible event of this run, as data.

ansible-rulebook's run_playbook hands the event to the playbook as extra vars (``-e @env/extravars``, written
with yaml.dump), and Ansible trusts extra vars as templates: any task that references ``ansible_eda`` renders
whatever a service name or description holds, lookups included. An action plugin receives the task's variables
before anything is templated, so it can return the event with every string marked unsafe; a registered copy
is then safe to use anywhere in the play.
"""

from collections.abc import Mapping

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.unsafe_proxy import wrap_var

# What ansible-rulebook (run_playbook) and EDA controller (run_job_template) put under ansible_eda.
EDA_KEYS = ("event", "events", "rule", "ruleset")


def _kind(value):
    # Not type(value).__name__: ansible-core 2.19+ loads YAML into its own subclasses (_AnsibleTaggedStr...).
    for kind, name in ((bool, "a boolean"), (str, "a string"), ((int, float), "a number"), (list, "a list")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if self._task.args:
            raise AnsibleActionFail("hwc.res.eda_event takes no options; got %s." % ", ".join(sorted(self._task.args)))
        eda = (task_vars or {}).get("ansible_eda")
        if eda is None:
            raise AnsibleActionFail(
                "ansible_eda is not set: run this playbook from a rulebook (ansible-rulebook's run_playbook "
                "action, or a job template that EDA controller's run_job_template launches), which passes the "
                "event as the extra variable ansible_eda.")
        if not isinstance(eda, Mapping):
            raise AnsibleActionFail(
                "ansible_eda must be a dict with the keys %s; got %s. Leave ansible_eda to the rulebook."
                % (", ".join(EDA_KEYS), _kind(eda)))
        # wrap_var marks every string, keys included, as unsafe (ansible-core < 2.19) or untrusted (2.19+):
        # never rendered, whichever task later uses it.
        result.update((key, wrap_var(eda[key])) for key in EDA_KEYS if key in eda)
        result["changed"] = False
        return result
