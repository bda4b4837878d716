# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:

    # Several projects in one task or inventory source: module, lookup and inventory.
    DOCUMENTATION = r"""
options:
  projects:
    description:
      - The projects to read. Each entry is a project ID, or a dict with C(project_id) and optionally C(region),
        C(endpoint) and C(workspace_id), which replace O(region), O(endpoint) and O(workspace_id) for that project.
      - List a project once per workspace to read several of its workspaces; a project and workspace listed twice
        is an error.
      - If not set, the one project of the connection options is read; see O(project_id).
      - Projects are read concurrently, and their services come in the order of this list.
    type: list
    elements: raw
  max_workers:
    description:
      - How many requests to make at the same time, at most. Workspaces of one project are listed one after the
        other, with the same IAM token.
    type: int
    default: 8
  fail_on_errors:
    description:
      - What to do when a project cannot be read.
      - V(true) fails, naming each project that failed and why.
      - V(false) warns once for each project that failed, and goes on with the projects that could be read.
    type: bool
    default: true
notes:
  - Each project costs one IAM token request (password authentication, reused while valid for that project) and
    one list request per workspace.
"""
