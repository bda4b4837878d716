# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:

    # Attributes every module that calls the RES API shares; with ansible.builtin.action_common_attributes,
    # which describes them.
    DOCUMENTATION = r"""
options: {}
attributes:
  platform:
    platforms: all
"""

    # Modules of the action group res (meta/runtime.yml).
    ACTIONGROUP_RES = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/hwc.res.res) in C(module_defaults) to set options once for all modules of this collection.
    support: full
    membership:
      - hwc.res.res
"""
