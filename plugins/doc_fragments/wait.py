# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:

    # How long and how often a module that waits polls: every module with a wait option.
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - How many seconds to wait at most, from 0 to 86400 (a day).
      - Every poll, retry and pause for C(Retry-After) ends by then, whatever the server does, so the task ends
        at most a few seconds later. The first poll may take up to 10 seconds even when O(wait_timeout) is
        shorter, so V(0) checks once.
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two polls, from 1 to 3600.
    type: int
    default: 5
"""
