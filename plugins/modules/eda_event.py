#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The documentation of an action that runs on the controller only: plugins/action/eda_event.py does the work.

DOCUMENTATION = r"""
module: eda_event
short_description: Read the Event-Driven Ansible event of this run as data, never as a template
version_added: 1.1.0
description:
  - Returns the event that a rulebook passed to this playbook in the extra variable C(ansible_eda), with every
    string marked unsafe, so that no task ever renders text from the event as a Jinja template.
  - ansible-rulebook's C(run_playbook) action passes the event as extra variables, which Ansible trusts, so a task
    that references C(ansible_eda) directly renders whatever a service name, ID or description holds, such as a
    C(pipe) lookup inside C({{ }}), and runs it on the controller. Make this the first task of a playbook that a
    rulebook runs, register its result, and use only the registered copy afterwards.
  - Reads the variable before any templating, on the controller; it takes no options and never reports a change.
author:
  - hwc.res contributors (@hwc-res)
options: {}
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
attributes:
  become:
    support: none
  check_mode:
    support: full
    details: It only reads a variable, so it runs the same in check mode.
  connection:
    support: none
  delegation:
    support: none
  diff_mode:
    support: none
  platform:
    platforms: all
notes:
  - Under EDA controller, C(run_job_template) launches a job template with the event as launch extra variables,
    which automation controller (AWX) already marks unsafe unless its setting C(ALLOW_JINJA_IN_EXTRA_VARS) is
    C(always); this module returns the same data there, so one playbook serves both ways of running it.
  - Never reference C(ansible_eda) itself in the playbook, not even in play C(vars) or in a C(debug) task;
    each such reference renders the event text.
seealso:
  - ref: ansible_collections.hwc.res.docsite.eda
    description: The event source, the example rulebook, and how to write a playbook that a rulebook runs.
"""

EXAMPLES = r"""
# The first task of a playbook that ansible-rulebook's run_playbook (or a job template) runs.
- name: Read the event as data
  hwc.res.eda_event:
  register: eda

- name: Say which service changed (a rule that matched one event)
  ansible.builtin.debug:
    msg: "{{ eda.event.service.service_name }} is {{ eda.event.service.status }}"
  when: eda.event is defined

- name: Name the services of a rule that matched several events (condition all or any)
  ansible.builtin.debug:
    msg: "{{ eda.events.values() | map(attribute='service.service_name') | list }}"
  when: eda.events is defined
"""

RETURN = r"""
event:
  description:
    - The event that matched the rule, as the event source sent it (with ansible-rulebook's own C(meta) key),
      every string marked unsafe.
    - For the events of C(hwc.res.infer_service_events), see the Event-Driven Ansible guide of this collection.
  returned: when the rule matched one event
  type: dict
  sample:
    type: status_changed
    previous_status: running
    service:
      service_id: 03ef7ea2-d2cc-4b3a-a948-0f00e8e22602
      service_name: res-rank-canary
      status: concerning
    project_id: 7f0f015577c437ffaf2486bfb279f705
    workspace_id: "0"
    checked_at: "2026-05-04T10:00:00.123Z"
events:
  description: The events that matched a rule whose condition names several (C(all), C(any)), by name, every
    string marked unsafe.
  returned: when the rule matched several events
  type: dict
  sample: {m_0: {type: status_changed}, m_1: {type: status_changed}}
rule:
  description: The name of the rule that matched.
  returned: always, when run from a rulebook
  type: str
  sample: Report a service that turned concerning or stopped
ruleset:
  description: The name of the rule set (the rulebook's play) that the rule belongs to.
  returned: always, when run from a rulebook
  type: str
  sample: Watch Huawei Cloud RES inference services
"""
